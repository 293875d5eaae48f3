"""The console's routes with the permission each requires, read from the app itself."""

from __future__ import annotations

from fastapi.routing import APIRoute

#: Routes anyone may reach (the login itself, the language switch).
PUBLIC = {
    ("GET", "/staff/login"),
    ("POST", "/staff/login"),
    ("POST", "/staff/login/verify"),
    ("GET", "/staff/lang"),
}


def _permissions(dependant) -> list:
    found = []
    for d in dependant.dependencies:
        if hasattr(d.call, "permission"):
            found.append(d.call.permission)
        found += _permissions(d)
    return found


def staff_routes() -> list[tuple[str, str, list]]:
    """(method, path, the permissions its `require` checks name) for every console route."""
    from kozaguard.entrypoints.console.routes import router

    out = []
    for route in router.routes:
        if isinstance(route, APIRoute):
            perms = _permissions(route.dependant)
            for method in sorted(route.methods):
                out.append((method, route.path, perms))
    return out
