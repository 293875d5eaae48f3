"""kozaguard: account-takeover defence and fair compensation for online brokerages."""

__version__ = "0.1.0"
