"""The cases schema (SQLAlchemy Core): one schema for the embedded SQLite and for PostgreSQL.

Amounts that must stay exact (prices, fx rates, quantities) are stored as decimal text; times as
RFC 3339 text in Japan time; evidence and details as JSON text. Alembic migrations
(`kozaguard/cases/migrations`) create and change it.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Integer, MetaData, String, Table, Text

metadata = MetaData()

cases = Table(
    "cases",
    metadata,
    Column("case_id", String(16), primary_key=True),
    Column("account_id", String(128), nullable=False, unique=True),
    Column("status", String(32), nullable=False),
    Column("finding", String(20)),  # unauthorized | not_unauthorized, once staff or the system found it
    Column("opened_by", Text, nullable=False),  # JSON list
    Column("opened_at", String(40), nullable=False),
    Column("attribution", String(16), nullable=False),
    Column("reported", Boolean, nullable=False),
    Column("report_at", String(40)),
    Column("incident_at", String(40)),
    Column("valuation_date", String(10)),
    Column("holdings", Text, nullable=False),  # JSON {symbol: qty} when the stream started
    Column("posture", Text, nullable=False),  # JSON
    Column("evidence_sha", String(64), nullable=False),  # digest of the evidence last stored
    Column("version", Integer, nullable=False),
)

case_sessions = Table(
    "case_sessions",
    metadata,
    Column("case_id", String(16), primary_key=True),
    Column("segment", Text, primary_key=True),
    Column("session_id", Text, nullable=False),
    Column("device_id", Text, nullable=False),
    Column("user_agent", Text, nullable=False),
    Column("ips", Text, nullable=False),  # JSON list
    Column("first_ts", String(40), nullable=False),
    Column("last_ts", String(40), nullable=False),
    Column("access_days", Text, nullable=False),  # JSON list of Tokyo days with a login or action
    Column("unauthorized", Boolean, nullable=False),
    Column("evidence", Text, nullable=False),  # JSON list of evidence codes
)

case_orders = Table(
    "case_orders",
    metadata,
    Column("case_id", String(16), primary_key=True),
    Column("order_id", String(128), primary_key=True),
    Column("event_id", Text, nullable=False),
    Column("ts", String(40), nullable=False),
    Column("segment", Text, nullable=False),
    Column("symbol", Text, nullable=False),
    Column("side", String(4), nullable=False),
    Column("qty", Text, nullable=False),
    Column("unauthorized", Boolean, nullable=False),
    Column("source", String(16), nullable=False),  # system | labels | staff
    Column("evidence", Text, nullable=False),  # JSON list
)

case_fills = Table(
    "case_fills",
    metadata,
    Column("case_id", String(16), primary_key=True),
    Column("fill_id", String(128), primary_key=True),
    Column("order_id", String(128), nullable=False),
    Column("ts", String(40), nullable=False),
    Column("symbol", Text, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("side", String(4), nullable=False),
    Column("qty", Text, nullable=False),
    Column("price", Text, nullable=False),
    Column("fee", Text, nullable=False),
    Column("fx", Text, nullable=False),
)

case_withdrawals = Table(
    "case_withdrawals",
    metadata,
    Column("case_id", String(16), primary_key=True),
    Column("event_id", String(128), primary_key=True),
    Column("ts", String(40), nullable=False),
    Column("amount", Text, nullable=False),
    Column("segment", Text, nullable=False),
)

case_timeline = Table(
    "case_timeline",
    metadata,
    Column("case_id", String(16), primary_key=True),
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("entry", Text, nullable=False),  # JSON
)

closes = Table(
    "closes",
    metadata,
    Column("symbol", String(64), primary_key=True),
    Column("day", String(10), primary_key=True),
    Column("close", Text, nullable=False),
)

rates = Table(
    "rates",
    metadata,
    Column("currency", String(3), primary_key=True),
    Column("day", String(10), primary_key=True),
    Column("rate", Text, nullable=False),
)

instruments = Table(
    "instruments",
    metadata,
    Column("symbol", String(64), primary_key=True),
    Column("currency", String(3), nullable=False),
)

policies = Table(
    "policies",
    metadata,
    Column("policy_id", String(64), primary_key=True),
    Column("source", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("added_by", Text, nullable=False),
    Column("added_at", String(40), nullable=False),
)

proposals = Table(
    "proposals",
    metadata,
    Column("case_id", String(16), primary_key=True),
    Column("policy_id", String(64), nullable=False),
    Column("amount", Integer, nullable=False),
    Column("settle", String(16), nullable=False),
    Column("reductions", Text, nullable=False),  # JSON list of {id, reason}
    Column("valuation_date", String(10), nullable=False),
    Column("proposed_by", Text, nullable=False),
    Column("proposed_at", String(40), nullable=False),
    Column("approved_by", Text),
    Column("approved_at", String(40)),
    Column("paid_by", Text),
    Column("paid_at", String(40)),
    Column("reference", Text),
)

audit = Table(
    "audit",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("at", String(40), nullable=False),
    Column("actor", Text, nullable=False),
    Column("action", String(64), nullable=False),
    Column("subject", Text, nullable=False),
    Column("detail", Text, nullable=False),  # JSON
    Column("prev", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)

meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)
