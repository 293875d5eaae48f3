"""The v1 event contract: types (schema) and the one codec every door uses."""
