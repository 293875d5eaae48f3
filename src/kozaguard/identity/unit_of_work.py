"""The unit of work every identity use case runs in: one store transaction, notices after commit.

`with uow:` opens the store's transaction (SQLite `BEGIN IMMEDIATE`; a PostgreSQL store would lock
the customer's rows), and everything the use case reads and writes inside commits together or rolls
back together. Notices the use case sends inside are held and go out only once the transaction has
committed: a rolled-back change never tells the customer it happened. Units of work nest per thread;
only the outermost commits and sends. (The pattern is cosmicpython's `service_layer.unit_of_work`.)
"""

from __future__ import annotations

import threading
from contextlib import ExitStack

from kozaguard.identity.notices import Message, Notifier
from kozaguard.identity.store import IdentityStore


class UnitOfWork:
    def __init__(self, store: IdentityStore, notifier: Notifier) -> None:
        self.store = store
        self.notifier = notifier
        self._local = threading.local()

    def __enter__(self) -> UnitOfWork:
        depth = getattr(self._local, "depth", 0)
        if depth == 0:
            stack = ExitStack()
            stack.enter_context(self.store.transaction())
            self._local.stack, self._local.held = stack, []
        self._local.depth = depth + 1
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        self._local.depth -= 1
        if self._local.depth:
            return False
        stack, held = self._local.stack, self._local.held
        self._local.stack = self._local.held = None
        stack.__exit__(exc_type, exc, tb)  # commit, or roll back on an exception
        if exc_type is None:
            for message in held:
                self.notifier.send(message)
        return False

    @property
    def active(self) -> bool:
        return getattr(self._local, "depth", 0) > 0

    def send(self, message: Message) -> None:
        """Send now, or after the commit when a unit of work is open on this thread."""
        if self.active:
            self._local.held.append(message)
        else:
            self.notifier.send(message)
