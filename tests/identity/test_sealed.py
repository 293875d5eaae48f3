"""TOTP secrets are sealed at rest under a key file created 0600; a readable key file is refused."""

from __future__ import annotations

import os
import sqlite3
import stat

import pytest

from kozaguard.identity.otp import TotpEnrolment
from kozaguard.identity.sealed import KeyFileError, SecretBox
from kozaguard.identity.sqlite_store import SqliteIdentityStore


def test_the_key_file_is_created_private_and_a_readable_one_is_refused(tmp_path):
    path = tmp_path / "var" / "identity.key"
    box = SecretBox.from_file(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and len(path.read_bytes()) == 32
    assert SecretBox.from_file(path).open(box.seal("JBSWY3DPEHPK3PXP")) == "JBSWY3DPEHPK3PXP"
    os.chmod(path, 0o644)
    with pytest.raises(KeyFileError, match="chmod 600"):
        SecretBox.from_file(path)


def test_totp_secrets_are_not_in_the_database_file(tmp_path):
    db = tmp_path / "identity.sqlite"
    store = SqliteIdentityStore(db, SecretBox.from_file(tmp_path / "identity.key"))
    store.save_totp("c1", TotpEnrolment("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", True, 7))
    assert store.get_totp("c1").secret == "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    store.close()
    raw = b"".join(bytes(v) for (v,) in sqlite3.connect(db).execute("SELECT value FROM identity_records"))
    assert b"JBSWY3DP" not in raw and b"aesgcm1:" in raw
    other = SqliteIdentityStore(db, SecretBox(os.urandom(32)))
    with pytest.raises(KeyFileError, match="does not open"):
        other.get_totp("c1")
