"""Organisational rules as pluggy plugins; see ``hookspecs`` for the hooks."""

from servicedesk.policies.hookspecs import hookimpl
from servicedesk.policies.manager import ENTRY_POINT_GROUP, Policies, plugin_manager

__all__ = ["ENTRY_POINT_GROUP", "Policies", "hookimpl", "plugin_manager"]
