"""``servicedesk serve``: the HTTP API (docs/http.md) under uvicorn."""

from __future__ import annotations

import os

import click

from servicedesk.cli.base import open_store
from servicedesk.i18n import _


@click.command("serve")
@click.option(
    "--db",
    envvar="SERVICEDESK_DB",
    default="servicedesk.db",
    show_default=True,
    help="SQLite file, or a PostgreSQL/MariaDB URL ($SERVICEDESK_DB).",
)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64))
@click.option(
    "--actor",
    "actor_hook",
    envvar="SERVICEDESK_HTTP_ACTOR",
    default=None,
    help=(
        "Who is calling: package.module:function turning a request into an Actor, or 'headers' "
        "behind a gateway that sets X-Servicedesk-Actor and -Roles. Without it, only /health."
    ),
)
def serve(db: str, host: str, port: int, workers: int, actor_hook: str | None) -> None:
    """Serve every command and query over HTTP, described at /openapi.json."""
    try:
        import uvicorn

        from servicedesk.http import server
    except ImportError:
        raise click.UsageError(
            _("The HTTP API needs its extra: pip install 'servicedesk[http]'.")
        ) from None
    store = open_store(db)  # a missing SQLite file or a bad URL is refused here, once
    getattr(store, "close", lambda: None)()
    server.hook_named(actor_hook)  # and a hook that does not import
    if actor_hook is None:
        click.echo(_("No --actor: every route but /health is refused."), err=True)
    os.environ[server.DB] = db
    os.environ[server.HOOK] = actor_hook or ""
    uvicorn.run(
        "servicedesk.http.server:from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
    )
