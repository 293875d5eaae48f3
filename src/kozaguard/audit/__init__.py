"""The append-only, hash-chained audit log of every change to a case, attribution, policy or payout."""
