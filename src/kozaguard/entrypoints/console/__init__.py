"""The staff console at /staff/: server-rendered pages (Jinja2 + vendored htmx), Japanese and English."""
