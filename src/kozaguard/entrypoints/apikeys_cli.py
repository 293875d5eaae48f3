"""`kozaguard apikey create | list | revoke`: the operator's keys for broker systems and staff tools."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from kozaguard.apikeys import ApiKey, ApiKeys
from kozaguard.apikeys.keys import parse_scopes
from kozaguard.apikeys.store import open_store

apikey_app = typer.Typer(
    help="API keys for broker systems and staff tools: create (shown once), list, revoke.",
    no_args_is_help=True,
)

StoreOption = Annotated[
    str | None,
    typer.Option(
        "--store",
        help="Key store: sqlite:PATH or memory. Default: the server's (KOZAGUARD_HTTP_API_KEYS, else "
        "apikeys.sqlite beside KOZAGUARD_HTTP_DB_PATH).",
    ),
]


def _keys(store: str | None) -> ApiKeys:
    from kozaguard.config import ConfigError, load_settings

    try:
        spec = store or load_settings().http.api_key_store
    except ConfigError as err:
        raise _fail(str(err)) from None
    try:
        return ApiKeys(open_store(spec))
    except ValueError as err:
        raise _fail(f"--store: {err}") from None


def _fail(message: str) -> typer.Exit:
    typer.echo(f"kozaguard apikey: {message}", err=True)
    return typer.Exit(2)


def _row(key: ApiKey) -> dict:
    return {
        "key_id": key.key_id,
        "name": key.name,
        "scopes": [s.value for s in key.scopes],
        "staff_id": key.staff_id,
        "created_at": key.created_at.isoformat(),
        "last_used_at": key.last_used_at.isoformat() if key.last_used_at else None,
        "revoked_at": key.revoked_at.isoformat() if key.revoked_at else None,
    }


@apikey_app.command("create")
def create(
    scope: Annotated[
        list[str],
        typer.Option("--scope", help="A scope the key holds (repeat, or separate by commas)."),
    ],
    name: Annotated[str, typer.Option("--name", help="What the key is for (shown by list).")] = "",
    staff: Annotated[
        str | None, typer.Option("--staff", help="Staff member the key belongs to (for four-eyes checks).")
    ] = None,
    store: StoreOption = None,
) -> None:
    """Create a key and print it once on stdout; only its id and digest are stored."""
    try:
        scopes = parse_scopes(scope)
    except ValueError as err:
        raise _fail(f"--scope: {err}") from None
    key, text = _keys(store).create(scopes, name=name, staff_id=staff)
    typer.echo(text)
    typer.echo(
        f"created key {key.key_id} ({', '.join(s.value for s in key.scopes)}); "
        "it is shown only now: store it in the calling system's secrets.",
        err=True,
    )


@apikey_app.command("list")
def list_keys(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
    store: StoreOption = None,
) -> None:
    """List keys: id, name, scopes, staff member, created, last used, revoked (never the key)."""
    for key in _keys(store).list():
        row = _row(key)
        if as_json:
            typer.echo(json.dumps(row, ensure_ascii=False))
            continue
        state = f"revoked {row['revoked_at']}" if key.revoked_at else "active"
        typer.echo(
            f"{key.key_id}  {','.join(row['scopes'])}  name={key.name or '-'}  staff={key.staff_id or '-'}  "
            f"created={row['created_at']}  last_used={row['last_used_at'] or 'never'}  {state}"
        )


@apikey_app.command("revoke")
def revoke(
    key_id: Annotated[str, typer.Argument(help="The key's id (the 12 hex digits after kzk_).")],
    store: StoreOption = None,
) -> None:
    """Revoke a key: calls with it are refused (401) from the next request on."""
    try:
        key = _keys(store).revoke(key_id)
    except KeyError:
        raise _fail(f"{key_id}: no such key; see `kozaguard apikey list`") from None
    typer.echo(f"revoked key {key.key_id} at {key.revoked_at.isoformat()}", err=True)
