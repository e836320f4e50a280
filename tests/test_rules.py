"""docs/rules.md is where the code's rules are explained, and the code cites nothing else.

Each entry of the page is a heading with an id (``### Title {#area.name}``) and a list of
fields.  An implemented rule (``###``) names the objects it lives in and the tests that
hold it, and both must exist; a rule not yet implemented (``####``) says so instead.  The
code cites a rule as ``(rule area.name)`` in a comment or docstring, never a clause of a
regulation or a file outside the repository.
"""

from __future__ import annotations

import ast
import importlib
import io
import re
import tokenize
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
RULES_PAGE = DOCS / "rules.md"
SRC = ROOT / "src" / "servicedesk"

AREAS = frozenset(
    {"catalogue", "requests", "time", "billing", "complaints", "callbacks", "records", "hall"}
    | {"staff"}
    | {"ratings"}
)
RULE_ID = r"[a-z]+\.[a-z0-9]+(?:-[a-z0-9]+)*"
HEADING = re.compile(r"^(?P<level>#{1,6}) (?P<title>.+?)(?: \{#(?P<id>[^}\s]+)\})?\s*$", re.M)
FIELD = re.compile(r"^- \*\*(?P<name>[A-Za-z ]+):\*\*(?P<value>.*)$")
CODE = re.compile(r"`([^`]+)`")
NOT_YET = "not yet implemented"


@attrs.frozen
class Entry:
    id: str
    title: str
    implemented: bool  # a ``###`` entry; a ``####`` one is a rule not implemented yet
    fields: dict[str, str]

    def names(self, field: str) -> list[str]:
        return CODE.findall(self.fields.get(field, ""))


def _fields(body: str) -> dict[str, str]:
    """The ``- **Name:** value`` items of an entry; a value goes on over indented lines."""
    fields: dict[str, str] = {}
    name = None
    for line in body.splitlines():
        match = FIELD.match(line)
        if match:
            name = match["name"]
            fields[name] = match["value"].strip()
        elif name is not None and line.startswith("  ") and line.strip():
            fields[name] += " " + line.strip()
        else:
            name = None
    return fields


def parse_entries(text: str) -> list[Entry]:
    headings = list(HEADING.finditer(text))
    entries = []
    for heading, following in zip(headings, [*headings[1:], None], strict=True):
        if heading["id"] is None:
            continue
        body = text[heading.end() : following.start() if following else len(text)]
        entries.append(
            Entry(heading["id"], heading["title"], len(heading["level"]) == 3, _fields(body))
        )
    return entries


ENTRIES = parse_entries(RULES_PAGE.read_text(encoding="utf-8"))
BY_ID = {entry.id: entry for entry in ENTRIES}
IMPLEMENTED = [entry for entry in ENTRIES if entry.implemented]


def test_the_page_lists_the_rules_of_every_area_once() -> None:
    ids = [entry.id for entry in ENTRIES]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    assert all(re.fullmatch(RULE_ID, i) for i in ids), [
        i for i in ids if not re.fullmatch(RULE_ID, i)
    ]
    assert {i.split(".")[0] for i in ids} == AREAS
    assert len(IMPLEMENTED) >= 50
    assert len(ENTRIES) > len(IMPLEMENTED)  # the rules not implemented yet are listed too


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.id)
def test_every_entry_says_its_clause_and_its_rule(entry: Entry) -> None:
    assert entry.fields.get("Clause"), "say where the regulation states it (or our own rule)"
    assert entry.fields.get("Rule"), "say the rule in our own words"
    if entry.implemented:
        assert {"Default", "Lives in", "Test"} <= set(entry.fields), sorted(entry.fields)
        assert "Status" not in entry.fields
    else:
        assert entry.fields.get("Status", "").startswith(NOT_YET), "a #### entry is not yet"
        assert not {"Lives in", "Test"} & set(entry.fields), "a rule implemented is a ###"


def resolve(dotted: str) -> object:
    """The object a dotted name names: the longest importable module, then its attributes."""
    parts = dotted.split(".")
    for end in range(len(parts), 0, -1):
        module_name = ".".join(parts[:end])
        try:
            found: object = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name is not None and module_name.startswith(error.name):
                continue
            raise
        for attribute in parts[end:]:
            found = getattr(found, attribute)
        return found
    raise ModuleNotFoundError(dotted)


def importable(name: str) -> bool:
    try:
        resolve(name)
    except (ImportError, AttributeError):
        return False
    return True


def _test_functions(path: Path) -> set[str]:
    """``name`` and ``Class::name`` of every test function defined in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            found.add(node.name)
        elif isinstance(node, ast.ClassDef):
            for inner in node.body:
                if isinstance(inner, ast.FunctionDef | ast.AsyncFunctionDef):
                    found.add(f"{node.name}::{inner.name}")
    return {name for name in found if name.split("::")[-1].startswith("test_")}


def a_test(name: str) -> bool:
    """Whether ``tests/<file>.py::<test>`` names a test function that exists."""
    path, _, function = name.partition("::")
    file = ROOT / path
    return path.startswith("tests/") and file.is_file() and function in _test_functions(file)


#: Per field of an implemented entry: what each name in it must be, and what to write.
CHECKS = {
    "Lives in": (importable, "an importable module and object, e.g. servicedesk.domain.x.Y.z"),
    "Test": (a_test, "an existing test, as tests/<file>.py::<test>"),
}


@pytest.mark.parametrize("field", sorted(CHECKS))
@pytest.mark.parametrize("entry", IMPLEMENTED, ids=lambda e: e.id)
def test_every_implemented_rule_names_code_and_tests_that_exist(entry: Entry, field: str) -> None:
    exists, expected = CHECKS[field]
    names = entry.names(field)
    assert names, f"{field}: name {expected}"
    missing = [name for name in names if not exists(name)]
    assert not missing, f"{field}: each name must be {expected} (moved or renamed?): {missing}"


def test_every_link_to_a_rule_names_an_entry() -> None:
    links: list[tuple[str, str]] = []
    for page in DOCS.glob("*.md"):
        text = page.read_text(encoding="utf-8")
        links += [(page.name, anchor) for anchor in re.findall(r"\]\(rules\.md#([^)\s]+)\)", text)]
        if page == RULES_PAGE:
            links += [(page.name, anchor) for anchor in re.findall(r"\]\(#([^)\s]+)\)", text)]
    to_rules = [(page, anchor) for page, anchor in links if re.fullmatch(RULE_ID, anchor)]
    assert to_rules, "the pages link the rules they explain"
    unknown = sorted((page, anchor) for page, anchor in to_rules if anchor not in BY_ID)
    assert not unknown, unknown


# --- what the code says --------------------------------------------------------------------------


@attrs.frozen
class Remark:
    """A comment (consecutive comment lines joined) or a docstring of a source file."""

    path: Path
    line: int
    text: str


def remarks(path: Path) -> Iterator[Remark]:
    source = path.read_text(encoding="utf-8")
    block: list[str] = []
    start = last = 0
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type != tokenize.COMMENT:
            continue
        line = token.start[0]
        if block and line != last + 1:
            yield Remark(path, start, "\n".join(block))
            block = []
        if not block:
            start = line
        block.append(token.string.lstrip("#").strip())
        last = line
    if block:
        yield Remark(path, start, "\n".join(block))
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            yield Remark(path, node.lineno, node.value.value)


def source_files() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


CITED = re.compile(rf"\brules?\s+({RULE_ID}(?:\s*(?:,|and)\s*(?:rule\s+)?{RULE_ID})*)")


def cited_rules(remark: Remark) -> list[str]:
    return [rule for group in CITED.findall(remark.text) for rule in re.findall(RULE_ID, group)]


def test_the_citation_finder_reads_comments_and_docstrings(tmp_path: Path) -> None:
    module = tmp_path / "module.py"
    module.write_text(
        '"""Money goes to the cashier (rule billing.cashier-only, rule\n'
        'billing.assistant-audits)."""\n\n'
        "TEXT = 'rule billing.not-a-remark'\n"
        "# one comment that breaks a citation (rule\n"
        "# requests.extra-fee-consent) over two lines\n"
        "x = 1  # and one after code (rules time.working-hours and time.working-days).\n",
        encoding="utf-8",
    )
    found = [rule for remark in remarks(module) for rule in cited_rules(remark)]
    assert sorted(found) == [
        "billing.assistant-audits",
        "billing.cashier-only",
        "requests.extra-fee-consent",
        "time.working-days",
        "time.working-hours",
    ]


def test_every_rule_cited_in_the_code_is_an_entry_of_the_rules_page() -> None:
    unknown = [
        f"{remark.path.relative_to(ROOT)}:{remark.line}: rule {rule}"
        for path in source_files()
        for remark in remarks(path)
        for rule in cited_rules(remark)
        if rule not in BY_ID
    ]
    assert not unknown, "add the rule to docs/rules.md or cite an entry it has: " + str(unknown)


#: Citations of the regulations' clauses, or of files outside the repository.
OUTSIDE = re.compile(
    r"§"
    r"|(?<![\w.])00[0-4]\s?[\u4e00-\u9fff]"  # 003 篇七, 001 服务中心规章
    r"|[(,;]\s?00[0-4]\s?[,;)]"  # (001), (002 ..., 001)
    r"|\b(?:domain|peers)\.md\b"
    r"|\bseeds?/"
    r"|/work/"
)
#: A comment telling the project's history: an issue, a measurement with its figure, a
#: former state ("was X before").
HISTORY = re.compile(
    r"\bissues?\s*#?\d+"
    r"|\bmeasured\b[^\n]*?\d[\d.,]*\s?(?:ms|s|µs|MB|GB|KB|%|x)(?![\w-])"
    r"|\bmeasured\b[^\n]*?\b\d{4}-\d{2}-\d{2}\b"
    r"|\b\d+(?:\.\d+)?x\s*->\s*\d"
    r"|\bwas\b[^.;:\n]{1,40}?\bbefore\b(?=\s*(?:[).;:,]|$))"
    r"|\b(?:previously|formerly|used to be)\b",
    re.I | re.M,
)


def test_the_patterns_find_citations_and_history_but_not_ordinary_text() -> None:
    for citation in ["000 §4.4.6", "003 篇七", "(001)", "(002, 001)", "see domain.md", "seeds/"]:
        assert OUTSIDE.search(citation), citation
    for text in ["PSC-2026-000042", "ERASED_PHONE = '00000'", "0001_initial.py", "(rule x.y)"]:
        assert not OUTSIDE.search(text), text
    for story in [
        " ".join(["# --- billing (issue", "5) ---"]),
        "0.6 s of a sweep, measured at 5 s",
        "intake 2.0x -> 1.8x",
        "the limit was 500 before.",
        "it previously held the lock",
    ]:
        assert HISTORY.search(story), story
    for text in [
        "a pause is measured in working time, so a weekend costs nothing",
        "``None`` where nothing was measured: a",
        "The drain was never started: its requester complains before closing time.",
        "Exponential backoff with full jitter: 0 to 10 ms, then 20, 40... at most 200 ms.",
        "its period no longer runs",
    ]:
        assert not HISTORY.search(text), text


def test_no_source_file_cites_a_clause_or_a_file_outside_the_repository() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in source_files()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if OUTSIDE.search(line)
    ]
    assert not found, "cite the entry of docs/rules.md instead: (rule area.name)\n" + "\n".join(
        found
    )


def test_no_comment_in_the_source_tells_the_projects_history() -> None:
    found = [
        f"{remark.path.relative_to(ROOT)}:{remark.line}: {match.group(0)!r}"
        for path in source_files()
        for remark in remarks(path)
        for match in HISTORY.finditer(remark.text)
    ]
    assert not found, "say why, not what happened before:\n" + "\n".join(found)
