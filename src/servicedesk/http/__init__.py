"""The HTTP API: the desk as an ASGI application (``create_app``), at the edge like the CLI.

Needs the ``http`` extra (``pip install 'servicedesk[http]'``): Litestar and uvicorn.
"""

from __future__ import annotations

from servicedesk.http.app import ActorFromRequest, create_app, language

__all__ = ["ActorFromRequest", "create_app", "language"]
