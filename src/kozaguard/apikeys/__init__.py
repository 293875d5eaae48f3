"""API keys: how broker systems and staff tools prove who they are to kozaguard's HTTP doors.

A key is shown once when created; only its id and a SHA-256 digest of its secret are stored. Each
key carries scopes (what it may do), optionally the staff member it belongs to, and can be revoked.
"""

from kozaguard.apikeys.keys import ApiKey, Principal, Scope
from kozaguard.apikeys.service import ApiKeys, KeyRefused

__all__ = ["ApiKey", "ApiKeys", "KeyRefused", "Principal", "Scope"]
