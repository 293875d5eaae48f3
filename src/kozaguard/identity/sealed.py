"""Secrets at rest: TOTP secrets are sealed with AES-256-GCM under a key the store never holds.

The key comes from a file named by `IdentitySettings.secret_key_path` (default `var/identity.key`).
On first run the file is created with 32 random bytes, mode 0600; a key file that other users can
read is refused at start (the key is what keeps a copied database useless). Each sealed value
carries its own 12-byte nonce; a value sealed under another key fails to open with a clear error.
"""

from __future__ import annotations

import base64
import os
import stat
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "aesgcm1:"


class KeyFileError(RuntimeError):
    """The key file is unusable: names the file and the fix."""


class SecretBox:
    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise KeyFileError("identity key: need exactly 32 bytes (AES-256)")
        self._aead = AESGCM(key)

    @classmethod
    def from_file(cls, path: Path) -> SecretBox:
        """The key in `path`, created (0600) when the file does not exist yet."""
        path = Path(path)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(os.urandom(32))
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            raise KeyFileError(f"{path}: readable by other users (mode {mode:o}); fix: chmod 600 {path}")
        return cls(path.read_bytes())

    def seal(self, plain: str) -> str:
        nonce = os.urandom(12)
        return PREFIX + base64.b64encode(nonce + self._aead.encrypt(nonce, plain.encode(), None)).decode()

    def open(self, sealed: str) -> str:
        """The plain text; a value without the prefix was stored before sealing and is returned as is."""
        if not sealed.startswith(PREFIX):
            return sealed
        raw = base64.b64decode(sealed[len(PREFIX) :])
        try:
            return self._aead.decrypt(raw[:12], raw[12:], None).decode()
        except InvalidTag as exc:
            raise KeyFileError("identity key: a sealed TOTP secret does not open with this key") from exc
