"""Customer pages (Jinja2 templates, htmx and a small passkey script, all served locally)."""
