"""Identity: how a customer proves who they are, and how much proof each action needs.

Pure domain modules (no I/O): `passwords`, `otp` (TOTP), `codes` (SMS/e-mail one-time codes),
`passkeys`, `recovery`, `lockout`, `stuffing`, `stepup`, `notices`. The `service` holds the policy
that ties them together over a `store` and a notifier; `sqlite_store` is the persistent twin.
"""
