"""The HTTP API: `create_app(settings)` assembles each domain's router into one FastAPI app."""
