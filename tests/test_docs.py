"""The documentation cannot lie: its examples run, its lists match the code.

Every ```python block of ``docs/*.md`` and ``README.md`` runs, in order, as one
script per file (one fresh namespace per file, so a page may build on its own
earlier blocks but never on another page).  A block is skipped only when it is
clearly marked: a ``title="..."`` on its fence (a file listing, such as a
plugin module shown whole) or ``# not run`` as its first line.
"""

from __future__ import annotations

import re
import textwrap
import traceback
from pathlib import Path

import attrs
import pytest

from servicedesk.domain.requests import TERMINAL, TRANSITIONS, Status
from servicedesk.policies import hookspecs

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = [*sorted(DOCS.glob("*.md")), ROOT / "README.md"]

# A fence may be indented (inside a list item, an admonition or a tab); its body is dedented.
FENCE = re.compile(
    r"^(?P<indent>[ \t]*)```[ \t]*(?P<info>[^\n`]*)\n(?P<body>.*?)^(?P=indent)```[ \t]*$",
    re.M | re.S,
)


@attrs.frozen
class Block:
    number: int  # 1-based among the page's python blocks, as a reader counts them
    line: int  # line of the opening fence in the page
    info: str
    code: str

    @property
    def skipped(self) -> bool:
        first = self.code.lstrip().splitlines()[0] if self.code.strip() else ""
        return "title=" in self.info or first.strip().lower() == "# not run"


def fenced(page: Path, language: str) -> list[Block]:
    text = page.read_text(encoding="utf-8")
    blocks: list[Block] = []
    for match in FENCE.finditer(text):
        info = match["info"].strip()
        if info.split(" ")[0] != language:
            continue
        line = text.count("\n", 0, match.start()) + 1
        code = textwrap.dedent(match["body"]) if match["indent"] else match["body"]
        blocks.append(Block(len(blocks) + 1, line, info, code))
    return blocks


def _name(page: Path) -> str:
    return str(page.relative_to(ROOT)) if page.is_relative_to(ROOT) else str(page)


RUNNABLE = [p for p in PAGES if any(not b.skipped for b in fenced(p, "python"))]


def test_the_runner_finds_the_examples() -> None:
    """Guards the runner itself: a broken fence pattern would make every page pass."""
    names = {_name(p) for p in RUNNABLE}
    expected = {"README.md", "docs/tutorial.md", "docs/concepts.md", "docs/plugins.md"}
    assert expected <= names
    assert len([b for b in fenced(DOCS / "tutorial.md", "python") if not b.skipped]) >= 5


def test_only_clearly_marked_blocks_are_skipped(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "```python\nx = 1\n```\n"
        '```python title="plugin.py"\nimport nowhere\n```\n'
        "```python\n# not run\nimport nowhere\n```\n"
        "```python\n# not run yet, but runs\nx += 1\n```\n"
        "```toml\n[x]\n```\n"
        "!!! note\n    ```python\n    if x:\n        x += 1\n    ```\n",
        encoding="utf-8",
    )
    blocks = fenced(page, "python")
    assert [(b.number, b.line, b.skipped) for b in blocks] == [
        (1, 1, False),
        (2, 4, True),
        (3, 7, True),
        (4, 11, False),
        (5, 19, False),
    ]
    assert blocks[4].code == "if x:\n    x += 1\n"


class ExampleFailed(AssertionError):
    """A documentation example failed; the message names the page and the block."""


def run_page(page: Path) -> None:
    """Run the page's python blocks in order, in one fresh namespace."""
    namespace: dict[str, object] = {"__name__": f"docs_{page.stem}"}
    for block in fenced(page, "python"):
        if block.skipped:
            continue
        where = f"{_name(page)}, python block {block.number} (line {block.line})"
        # Line numbers in a traceback then point into the page itself.
        source = "\n" * block.line + block.code
        try:
            exec(compile(source, where, "exec"), namespace)
        except Exception as error:
            details = "".join(traceback.format_exception(error))
            message = f"{where} failed: {type(error).__name__}: {error}\n{details}"
            raise ExampleFailed(message) from error


@pytest.mark.parametrize("page", RUNNABLE, ids=_name)
def test_python_blocks_run(page: Path) -> None:
    try:
        run_page(page)
    except ExampleFailed as failure:
        pytest.fail(str(failure), pytrace=False)


def test_a_failing_block_is_reported_with_page_block_and_line(tmp_path: Path) -> None:
    page = tmp_path / "broken.md"
    page.write_text(
        "# Broken\n\n```python\ntotal = 1\n```\n\nText.\n\n```python\nassert total == 2\n```\n",
        encoding="utf-8",
    )
    with pytest.raises(ExampleFailed) as failure:
        run_page(page)
    message = str(failure.value)
    assert message.startswith(f"{page}, python block 2 (line 9) failed: AssertionError")
    assert f'File "{page}, python block 2 (line 9)", line 10' in message


# --- the request lifecycle diagram ---------------------------------------------------------------

EDGE = re.compile(r"^\s*(?P<source>\[\*\]|\w+)\s*-->\s*(?P<target>\[\*\]|\w+)\s*(?::.*)?$")


def _diagram_edges() -> set[tuple[str, str]]:
    diagrams = [
        b for b in fenced(DOCS / "concepts.md", "mermaid") if "stateDiagram" in b.code.split()[0]
    ]
    assert len(diagrams) == 1, "concepts.md has one state diagram of the request lifecycle"
    edges = set()
    for line in diagrams[0].code.splitlines():
        match = EDGE.match(line)
        if match:
            edges.add((match["source"], match["target"]))
    return edges


def test_lifecycle_diagram_is_the_state_machine() -> None:
    drawn = _diagram_edges()
    between_states = {(s, t) for s, t in drawn if "[*]" not in (s, t)}
    code = {(s.value, t.value) for s, targets in TRANSITIONS.items() for t in targets}
    assert between_states == code, (
        f"missing from docs/concepts.md: {sorted(code - between_states)}; "
        f"not in TRANSITIONS: {sorted(between_states - code)}"
    )
    assert {t for s, t in drawn if s == "[*]"} == {Status.REGISTERED.value}
    assert {s for s, t in drawn if t == "[*]"} == {s.value for s in TERMINAL}


# --- the hook list -------------------------------------------------------------------------------


def _hookspecs() -> dict[str, str]:
    """Every hook specification and the first line of its docstring."""
    specs: dict[str, str] = {}
    for name, function in vars(hookspecs).items():
        if name.startswith("servicedesk_") and hasattr(function, "servicedesk_spec"):
            doc = (function.__doc__ or "").strip()
            specs[name] = doc.splitlines()[0] if doc else ""
    return specs


def _hook_sections() -> dict[str, str]:
    """docs/hooks.md cut at its ``### `servicedesk_...` `` headings."""
    text = (DOCS / "hooks.md").read_text(encoding="utf-8")
    parts = re.split(r"^###\s+`(servicedesk_\w+)`\s*$", text, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_every_hook_is_documented_with_its_first_docstring_line() -> None:
    specs = _hookspecs()
    sections = _hook_sections()
    assert len(specs) >= 7
    missing = sorted(set(specs) - set(sections))
    assert not missing, f"add a '### `name`' section to docs/hooks.md for: {missing}"
    for name, first_line in specs.items():
        assert first_line, f"{name} has no docstring"
        assert first_line in sections[name], (
            f"docs/hooks.md, section {name}: quote the hook's first docstring line: {first_line!r}"
        )


def test_hooks_md_documents_no_hook_that_does_not_exist() -> None:
    stale = sorted(set(_hook_sections()) - set(_hookspecs()))
    assert not stale, f"docs/hooks.md documents hooks that are not in hookspecs.py: {stale}"


def test_every_docs_page_is_in_the_mkdocs_nav() -> None:
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    nav = config[config.index("\nnav:") :]
    listed = set(re.findall(r"([\w-]+\.md)", nav))
    assert listed == {p.name for p in DOCS.glob("*.md")}


#: The modules the docs call public (docs/concepts.md, "How the code is laid out").
PUBLIC_MODULES = {
    "servicedesk",
    "servicedesk.policies",
    "servicedesk.policies.hookspecs",
    "servicedesk.adapters.sql",
    "servicedesk.adapters.memory",
    "servicedesk.adapters.relay",
    "servicedesk.http",
    "servicedesk.http.headers",
    "servicedesk.testing",
    "servicedesk.testing.strategies",
}
IMPORT = re.compile(
    r"^\s*(?:from (?P<from>servicedesk[\w.]*) import|import (?P<plain>servicedesk[\w.]*))", re.M
)


def _imported_modules(text: str) -> set[str]:
    return {m["from"] or m["plain"] for m in IMPORT.finditer(text)}


def test_the_docs_and_the_example_plugin_import_only_public_modules() -> None:
    examples = sorted((ROOT / "examples").rglob("*.py"))
    found = {
        f"{page.name} block {block.number}": _imported_modules(block.code)
        for page in PAGES
        for block in fenced(page, "python")
    } | {str(path.relative_to(ROOT)): _imported_modules(path.read_text()) for path in examples}
    internal = {
        where: sorted(m - PUBLIC_MODULES) for where, m in found.items() if m - PUBLIC_MODULES
    }
    assert internal == {}
    assert sum(len(m) for m in found.values()) > 40  # the pattern finds the imports at all
