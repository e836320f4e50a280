"""The base of every command."""

from __future__ import annotations

import attrs


@attrs.frozen(kw_only=True)
class Command:
    """Base of every command."""
