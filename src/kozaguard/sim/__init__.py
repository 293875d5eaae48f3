"""The brokerage simulator: a market, its customers and account-takeover campaigns, as a v1 stream.

`generate(config)` (in `stream.py`) yields the stream in time order as drafts; `writer.py` turns
drafts into `events.jsonl`, `labels.jsonl`, `truth.jsonl` and `summary.json`. Generation does no I/O
apart from reading the reference data shipped in packages.
"""
