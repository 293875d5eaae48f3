"""The customer's own view: logout, who is logged in, recent logins, devices."""

from __future__ import annotations

from kozaguard.identity.models import (
    Customer,
    Device,
    LoginRecord,
)
from kozaguard.identity.use_cases.base import (
    Base,
    _hash_token,
)


class Sessions(Base):
    """The customer's own view: logout, who is logged in, recent logins, devices."""

    def logout(self, token: str) -> None:
        self.store.delete_session(_hash_token(token))

    def customer_of(self, token: str) -> Customer:
        return self._session_customer(token)[1]

    def recent_logins(self, token: str, limit: int = 20) -> list[LoginRecord]:
        return self.store.recent_logins(self.session(token).customer_id, limit)

    def devices(self, token: str) -> list[Device]:
        return self.store.devices(self.session(token).customer_id)
