"""Engine state in Redis, shared by every worker: the same `State` the engine uses everywhere.

Each record is one Redis string: a 12-digit version followed by the msgpack blob every backend
stores. A `RedisStore` is a unit of work: records are read in pipelined `MGET`s (keys the coming
events will need are learnt from earlier misses and prefetched), the engine works on Python objects,
and `commit()` runs one Lua script that checks that nothing read has changed since (optimistic
concurrency: a changed version means another worker got there first; the caller runs the batch
again on fresh records) and then writes every changed record with a new version, all or nothing.
A worker also passes its partition lease, so a worker that lost its partition can no longer write.

Market data (instruments, quotes, bars, fx rates) reaches every partition of the bus, so each
partition keeps its own copy and applies it in its own stream order, exactly as a one-process
replay does; what detectors learn across accounts (the `watch` lists, a symbol's restriction,
sessions, the ledger of processed events) is shared by all.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import msgspec
import redis

from kozaguard.engine.state import Account, ReplayPosition, Session, State, Symbol
from kozaguard.events.schema import Decision, Event

_encode = msgspec.msgpack.Encoder().encode
_NONE = _encode(None)
ABSENT = b""
"""The version of a key that does not exist: a commit can require that it still does not."""

_COMMIT = """
local token, nc, nw = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
if token ~= '' then
  local holder = redis.call('GET', KEYS[1])
  if not holder then
    redis.call('SET', KEYS[1], token, 'PX', ARGV[4 + nc + 2 * nw])  -- expired, nobody took it: keep it
  elseif holder ~= token then
    return {-1}
  end
end
local bad = {}
for i = 1, nc do
  local k = KEYS[1 + i]
  local cur = redis.call('GET', k)
  local v = ''
  if cur then v = string.sub(cur, 1, 12) end
  if v ~= ARGV[3 + i] then
    bad[#bad + 1] = k
    bad[#bad + 1] = cur or ''
  end
end
if #bad > 0 then return bad end
local ver = string.format('%012d', redis.call('INCR', KEYS[2 + nc + nw]))
for j = 1, nw do
  local k, blob, ttl = KEYS[1 + nc + j], ARGV[2 + nc + 2 * j], tonumber(ARGV[3 + nc + 2 * j])
  if ttl > 0 then
    redis.call('SET', k, ver .. blob, 'PX', ttl)
  else
    redis.call('SET', k, ver .. blob)
  end
end
return {0, ver}
"""


class StateConflict(RuntimeError):
    """Another process changed records this one read: its work must be redone on fresh records."""


class LeaseLost(RuntimeError):
    """The partition lease passed to another worker: this worker must stop writing for it."""


class RedisStore:
    """One unit of work over Redis: cached blobs and versions, live records, what this batch touched.

    `blobs[key]` is `(version, blob)` as last read or committed (`(ABSENT, None)` for no record);
    `live[key]` the decoded record the engine works on. Keys touched since `begin()` are checked and,
    when changed, written by `commit()`. `round_trips` counts every request sent to Redis.
    """

    def __init__(
        self,
        client: redis.Redis,
        prefix: str,
        partition: int = 0,
        lease: tuple[str, str] | None = None,
        cache_limit: int = 400_000,
    ) -> None:
        self.client, self.prefix, self.partition, self.lease = client, prefix, partition, lease
        self.lease_ms = 10_000
        self.blobs: dict[str, tuple[bytes, bytes | None]] = {}
        self.live: dict[str, tuple[RedisRepository, Any]] = {}
        self.touched: set[str] = set()
        self.dirty: set[str] = set()
        self.hints: dict[type, set[tuple[RedisRepository, str, str]]] = {}
        self.current: Event | None = None
        self.batch: list[Event] = []
        self.round_trips = 0
        self.cache_limit = cache_limit
        self._commit = client.register_script(_COMMIT)

    # --- reading ---------------------------------------------------------------------------------
    def fetch(self, keys: Iterable[str]) -> None:
        """Read the keys not cached yet in one `MGET`."""
        missing = list(dict.fromkeys(k for k in keys if k not in self.blobs))
        if not missing:
            return
        self.round_trips += 1
        for key, raw in zip(missing, self.client.mget(missing), strict=True):
            self._cache(key, raw)

    def _cache(self, key: str, raw: bytes | None) -> None:
        self.blobs[key] = (ABSENT, None) if not raw else (raw[:12], raw[12:])
        self.live.pop(key, None)

    def prefetch(self, events: Iterable[Event]) -> None:
        """Read ahead, in one round trip, the keys these events will need: for each event type, the
        keys earlier events of the type missed, built from the same fields (learnt, not listed)."""
        self.batch = events = list(events)
        keys = []
        hints = self.hints
        for e in events:
            for repo, head, name in hints.get(type(e), ()):
                value = getattr(e, name, None)
                if isinstance(value, str):
                    keys.append(repo.head + head + value)
        self.fetch(keys)

    def learn(self, repo: RedisRepository, key: str) -> None:
        """A read missed: remember which field of the current event the key is made of, and read
        that key ahead for the rest of the batch at once."""
        e = self.current
        if e is None:
            return
        key = key[len(repo.head) :]
        t = type(e)
        for name in e.__struct_fields__:
            value = getattr(e, name)
            if isinstance(value, str) and value and key.endswith(value):
                hint = (repo, key[: -len(value)], name)
                known = self.hints.setdefault(t, set())
                if hint not in known:
                    known.add(hint)
                    ahead = (getattr(x, name, None) for x in self.batch if type(x) is t)
                    self.fetch(repo.head + hint[1] + v for v in ahead if isinstance(v, str))

    # --- the unit of work ------------------------------------------------------------------------
    def begin(self) -> None:
        self.touched.clear()
        self.dirty.clear()
        if len(self.blobs) > self.cache_limit:  # bounded memory: start cold again
            self.blobs.clear()
            self.live.clear()

    def commit(self, extra: dict[str, bytes] | None = None) -> None:
        """Check and write what this batch touched (plus `extra` raw records) in one script call.

        Raises `StateConflict` (after refreshing the changed records; call `rollback()` and redo the
        batch) or `LeaseLost`. On success the touched records stay live for the next batch.
        """
        checks: list[str] = []
        versions: list[bytes] = []
        writes: list[tuple[str, bytes, int]] = []
        live, blobs, fenced = self.live, self.blobs, self.lease is not None
        for key in self.touched:
            version, blob = blobs[key]
            item = live.get(key)
            if not (fenced and item is not None and item[0].owned):
                checks.append(key)
                versions.append(version)
            if item is None:
                continue
            repo, record = item
            new = _encode(record)
            if new != blob:
                writes.append((key, new, repo.ttl_ms))
        for key, blob in (extra or {}).items():
            writes.append((key, blob, 0))
        if not writes:
            self.touched.clear()
            return
        lease_key, token = self.lease or (self.prefix + "clock", "")
        args: list[Any] = [token, len(checks), len(writes), *versions]
        for _, blob, ttl in writes:
            args += [blob, ttl]
        args.append(self.lease_ms)
        keys = [lease_key, *checks, *(k for k, _, _ in writes), self.prefix + "clock"]
        self.round_trips += 1
        result = self._commit(keys=keys, args=args)
        if result[0] == -1:
            raise LeaseLost(f"partition {self.partition}: lease {lease_key} is held by another worker")
        if result[0] != 0:
            for i in range(0, len(result), 2):
                self._cache(result[i].decode(), result[i + 1] or None)
            raise StateConflict(f"{len(result) // 2} record(s) changed by another worker")
        version = result[1]
        for key, blob, _ in writes:
            blobs[key] = (version, blob)
        self.touched.clear()
        self.dirty.clear()

    def rollback(self) -> None:
        """Forget what the failed batch did: its records are decoded afresh from the cached blobs."""
        for key in self.touched:
            self.live.pop(key, None)
        self.touched.clear()
        self.dirty.clear()


class RedisRepository:
    """Keyed records of one kind in Redis (`prefix + name + ":" + key`), read through the store.

    `per_partition` repositories keep one copy per bus partition (market data, applied in each
    partition's own order); the others are shared by every worker. `owned` records are only ever
    touched by the holder of one partition (an account's, its sessions', the partition's market
    copy): under a lease their versions need no check, the lease check covers them.
    """

    def __init__(
        self,
        store: RedisStore,
        name: str,
        kind: Any,
        *,
        per_partition: bool = False,
        owned: bool = False,
        ttl_ms: int = 0,
    ) -> None:
        self.store, self.name, self.ttl_ms = store, name, ttl_ms
        self.owned = owned or per_partition
        scope = f"{name}@{store.partition}:" if per_partition else f"{name}:"
        self.head = store.prefix + scope
        self._decode = msgspec.msgpack.Decoder(kind).decode

    def redis_key(self, key: str) -> str:
        return self.head + key

    def get(self, key: str) -> Any:
        store = self.store
        k = self.head + key
        store.touched.add(k)
        item = store.live.get(k)
        if item is not None:
            return item[1]
        cached = store.blobs.get(k)
        if cached is None:
            store.learn(self, k)
            store.fetch((k,))
            cached = store.blobs[k]
        blob = cached[1]
        if blob is None:
            return None
        record = self._decode(blob)
        store.live[k] = (self, record)
        return record

    def put(self, key: str, record: Any) -> None:
        store = self.store
        k = self.head + key
        if k not in store.blobs:
            store.learn(self, k)
            store.fetch((k,))
        store.touched.add(k)
        store.dirty.add(k)
        store.live[k] = (self, record)

    def __len__(self) -> int:
        """Records stored (committed ones plus this batch's new ones): a scan, for tests and tools."""
        stored = {k.decode() for k in self.store.client.scan_iter(match=self.head + "*", count=1000)}
        new = {k for k in self.store.dirty if k.startswith(self.head)}
        return len(stored | new)


class SymbolRepository:
    """Symbols: each partition's copy of the market data, and a restriction shared by every worker.

    A restriction (買付停止) is a broker-wide fact that a detector sets from orders on many accounts,
    so it lives in one shared record; everything else about a symbol comes from market events that
    every partition receives and applies in its own order.
    """

    def __init__(self, market: RedisRepository, restricted: RedisRepository) -> None:
        self.market, self.restricted = market, restricted

    def get(self, key: str) -> Symbol | None:
        sym = self.market.get(key)
        if sym is not None and not sym.restricted and self.restricted.get(key):
            sym.restricted = True
        return sym

    def put(self, key: str, record: Symbol) -> None:
        self.market.put(key, record)
        if bool(self.restricted.get(key)) != record.restricted:
            self.restricted.put(key, record.restricted)

    def __len__(self) -> int:
        return len(self.market)


class RedisLedger:
    """Processed event ids and their decisions, shared by every worker.

    With `optimistic`, an id not cached is taken as new without a read; the commit checks it really
    was (a worker that redoes the batch then sees it), so the hot path sends no request. While
    `market` is set (a worker deciding an event that every partition receives) nothing is recorded:
    each partition's copy is applied once by its stream position, and a market event published
    twice is dropped by the bus within its duplicate window.
    """

    def __init__(self, store: RedisStore, *, optimistic: bool = False, ttl_ms: int = 0) -> None:
        self.repo = RedisRepository(store, "ledger", Decision | None, ttl_ms=ttl_ms)
        # where a replay read each event first (line << 32 | fingerprint), and how far it got
        self.origins = RedisRepository(store, "origin", int, ttl_ms=ttl_ms)
        self.positions = RedisRepository(store, "position", ReplayPosition)
        self.store, self.optimistic, self.market = store, optimistic, False

    def seen(self, event_id: str) -> bool:
        if self.market:
            return False
        repo = self.repo
        k = repo.redis_key(event_id)
        store = self.store
        if k in store.live:
            return True
        if k not in store.blobs:
            if self.optimistic:
                store.blobs[k] = (ABSENT, None)
            else:
                store.fetch((k,))
        store.touched.add(k)
        return store.blobs[k][1] is not None

    def decision(self, event_id: str) -> Decision | None:
        return None if self.market else self.repo.get(event_id)

    def record(
        self, event_id: str, decision: Decision | None, fingerprint: int | None = None, line: int = 0
    ) -> None:
        if self.market:
            return
        if fingerprint is not None:
            self.origins.put(event_id, line << 32 | fingerprint)
        repo = self.repo
        k = repo.redis_key(event_id)
        store = self.store
        if k not in store.blobs:
            if self.optimistic:
                store.blobs[k] = (ABSENT, None)
            else:
                store.fetch((k,))
        store.touched.add(k)
        store.dirty.add(k)
        store.live[k] = (repo, decision)

    def first_copy(self, event_id: str) -> tuple[int, int] | None:
        origin = None if self.market else self.origins.get(event_id)
        return None if origin is None else (origin & 0xFFFFFFFF, origin >> 32)

    def position(self) -> ReplayPosition | None:
        return self.positions.get("replay")

    def set_position(self, position: ReplayPosition) -> None:
        self.positions.put("replay", position)


class RedisState(State):
    """`State` in Redis under one key prefix; `flush()` commits what changed since the last one."""

    def __init__(
        self,
        client: redis.Redis,
        prefix: str = "kozaguard:",
        *,
        partition: int = 0,
        lease: tuple[str, str] | None = None,
        optimistic: bool = False,
        ledger_ttl_ms: int = 0,
    ) -> None:
        self.client = client
        store = self.store = RedisStore(client, prefix, partition, lease)
        super().__init__(
            RedisRepository(store, "account", Account, owned=True),
            RedisRepository(store, "session", Session, owned=True),
            SymbolRepository(
                RedisRepository(store, "symbol", Symbol, per_partition=True),
                RedisRepository(store, "restricted", bool),
            ),
            RedisRepository(store, "fx", float, per_partition=True),
            RedisRepository(store, "watch", list),
            RedisLedger(store, optimistic=optimistic, ttl_ms=ledger_ttl_ms),
        )

    @classmethod
    def from_url(cls, url: str) -> RedisState:
        """`redis://HOST:PORT/DB?prefix=NAME` (prefix default `kozaguard`)."""
        parts = urlsplit(url)
        prefix = parse_qs(parts.query).get("prefix", ["kozaguard"])[0]
        plain = parts._replace(query="").geturl()
        client = redis.Redis.from_url(plain)
        try:
            client.ping()
        except redis.RedisError as err:
            raise ConnectionError(f"state {url!r}: cannot reach Redis ({err}); is it running?") from None
        return cls(client, prefix + ":")

    def flush(self) -> None:
        store = self.store
        try:
            store.commit()
        except StateConflict:
            store.rollback()
            raise
        store.begin()

    def close(self) -> None:
        self.flush()
        self.client.close()
