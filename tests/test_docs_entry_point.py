"""The packaging recipe of docs/plugins.md, installed for real: entry point and module.

The page shows a plugin module (a ```python block with a ``title``, which the
docs runner skips) and the ``pyproject.toml`` lines that declare it.  Here both
are taken from the page, installed as a distribution on ``sys.path``, and a
``Desk`` loads the plugin through the ``servicedesk.policies`` entry point.
"""

from __future__ import annotations

import sys
import tomllib
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from servicedesk import (
    Actor,
    ActorId,
    ApproveFee,
    Contact,
    Desk,
    FeeStandard,
    MemoryStore,
    Money,
    ProposeItem,
    RegisterRequest,
    Requester,
    Role,
    TriageRequest,
)
from test_docs import DOCS, fenced

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _install_from_page(site: Path) -> str:
    """Write the page's plugin module and entry point as an installed distribution."""
    page = DOCS / "plugins.md"
    [module] = [
        b for b in fenced(page, "python") if 'title="sunshine_estate/policies.py"' in b.info
    ]
    [toml] = fenced(page, "toml")
    group = tomllib.loads(toml.code)["project"]["entry-points"]["servicedesk.policies"]
    package = site / "sunshine_estate"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "policies.py").write_text(module.code, encoding="utf-8")
    dist = site / "sunshine_estate-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: sunshine-estate\nVersion: 1.0\n", encoding="utf-8"
    )
    lines = "".join(f"{name} = {target}\n" for name, target in group.items())
    (dist / "entry_points.txt").write_text(f"[servicedesk.policies]\n{lines}", encoding="utf-8")
    [name] = group
    return str(name)


def _deadline(desk: Desk) -> datetime:
    wang = Actor(ActorId("wang"), "Wang", {Role.CENTRE_MANAGER})
    li = Actor(ActorId("li"), "Li", {Role.BRANCH_MANAGER})
    fee = FeeStandard.fixed(Money.of("30.00"))
    desk.handle(ProposeItem(item_id="tap", name="Tap repair", category="plumbing", fee=fee))
    desk.handle(ApproveFee(item_id="tap", role="centre_manager"), actor=wang)
    desk.handle(ApproveFee(item_id="tap", role="branch_manager"), actor=li)
    chen = Requester("Chen", "3-502", Contact("13800138000"))
    desk.handle(RegisterRequest(request_id="SR-1", requester=chen, need="Tap drips"))
    desk.handle(TriageRequest(request_id="SR-1", item_id="tap"))
    deadline = desk.queries.request("SR-1").deadline
    assert deadline is not None
    return deadline.due


def test_the_documented_package_is_loaded_through_its_entry_point(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = _install_from_page(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    for module in ("sunshine_estate", "sunshine_estate.policies"):
        monkeypatch.delitem(sys.modules, module, raising=False)
    monday_4pm = datetime(2026, 3, 2, 16, 0, tzinfo=SHANGHAI)

    desk = Desk(MemoryStore(), clock=lambda: monday_4pm)
    assert desk.plugins.has_plugin(name)
    assert _deadline(desk) == datetime(2026, 3, 3, 11, 0, tzinfo=SHANGHAI)  # 08:30-17:30

    ignoring = Desk(MemoryStore(), clock=lambda: monday_4pm, entry_points=False)
    assert not ignoring.plugins.has_plugin(name)
    assert _deadline(ignoring) == datetime(2026, 3, 3, 12, 0, tzinfo=SHANGHAI)  # 09:00-17:00
