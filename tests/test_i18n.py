"""The zh_CN catalogue is complete and current, and the locale is per call, not per process."""

from __future__ import annotations

import importlib
import importlib.util
import re
import string
import sys
import threading
from pathlib import Path
from types import ModuleType

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from click.testing import CliRunner

from servicedesk import Desk, IllegalTransition, MemoryStore, RegisterRequest, Role, Status, i18n
from servicedesk.app.requests.commands import CloseRequest
from servicedesk.cli.main import main
from servicedesk.domain.values import Contact, Requester

ROOT = Path(__file__).resolve().parent.parent
ZH_PO = ROOT / "src/servicedesk/locale/zh_CN/LC_MESSAGES/servicedesk.po"


def _catalogue_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("catalogue_tool", ROOT / "scripts/catalogue.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def extracted() -> set[tuple[str | None, str]]:
    """Every (context, msgid) in the source, extracted afresh as ``scripts/catalogue.py`` does."""
    tool = _catalogue_tool()
    found = set()
    for source in (tool._source_messages(), tool._enum_labels(), tool._help_texts()):
        found |= {(context, message) for message, context, _where in source}
    return found


def _fields(text: str) -> list[str]:
    return sorted(name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name)


def test_every_message_of_the_source_has_a_zh_cn_translation(
    extracted: set[tuple[str | None, str]],
) -> None:
    with ZH_PO.open("rb") as stream:
        catalog = read_po(stream)
    translated = {(m.context, str(m.id)): m for m in catalog if m.id and m.string and not m.fuzzy}
    missing = sorted(extracted - translated.keys(), key=str)
    assert not missing, f"untranslated (run python scripts/catalogue.py, then translate): {missing}"


def test_every_translation_keeps_the_placeholders_of_its_message() -> None:
    with ZH_PO.open("rb") as stream:
        catalog = read_po(stream)
    wrong = [
        (m.id, m.string)
        for m in catalog
        if m.id and m.string and _fields(str(m.id)) != _fields(str(m.string))
    ]
    assert not wrong


def test_a_refusal_shows_translated_labels_never_raw_codes() -> None:
    desk = Desk(MemoryStore(), locale="zh_CN")
    requester = Requester(name="Wang", unit="3-201", contact=Contact(phone="13800138000"))
    request_id = desk.handle(RegisterRequest(requester=requester, need="tap")).id
    assert request_id is not None
    with pytest.raises(IllegalTransition) as refusal:
        desk.handle(CloseRequest(request_id=request_id))
    assert refusal.value.message == f"申请 {request_id} 状态为“已登记”，不能关闭。"


def test_labels_of_members_with_the_same_value_are_told_apart_by_their_class() -> None:
    from servicedesk.domain.complaints import ComplaintStatus

    with i18n.locale("zh_CN"):
        assert i18n.label(Status.CLOSED) == "已关闭"
        assert i18n.label(ComplaintStatus.CLOSED) == "已结案"
        assert i18n.label(Role.CENTRE_MANAGER) == "服务中心经理"
    assert i18n.label(Role.CENTRE_MANAGER) == "centre manager"


def test_two_threads_speak_two_languages_at_once() -> None:
    both_inside = threading.Barrier(2)
    said: dict[str, str] = {}

    def speak(name: str) -> None:
        with i18n.locale(name):
            both_inside.wait()  # each thread's locale is set before either translates
            said[name] = i18n._("Open requests")

    threads = [threading.Thread(target=speak, args=(name,)) for name in ("zh_CN", "en")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert said == {"zh_CN": "未完成的申请", "en": "Open requests"}
    assert i18n.current() == "en"


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"LANG": "zh_CN.UTF-8"}, "zh_CN"),
        ({"LANGUAGE": "zh-cn"}, "zh_CN"),
        ({"LANGUAGE": "fr_FR:zh_CN", "LANG": "C"}, "zh_CN"),
        ({"LC_ALL": "C.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),
        ({}, "en"),
    ],
)
def test_the_command_line_takes_its_locale_from_the_environment(
    environ: dict[str, str], expected: str
) -> None:
    assert i18n.from_environment(environ) == expected


def test_the_compiled_catalogue_holds_what_the_po_says(tmp_path: Path) -> None:
    """The ``.mo`` beside the ``.po`` (or, if stale, the one compiled on the fly) is current."""
    with ZH_PO.open("rb") as stream:
        source = {(m.context, str(m.id)): m.string for m in read_po(stream) if m.id}
    compiled = tmp_path / "servicedesk.mo"
    compiled.write_bytes(i18n.compile_po(ZH_PO))
    with compiled.open("rb") as stream:
        assert {(m.context, str(m.id)): m.string for m in read_mo(stream) if m.id} == source
    mo = ZH_PO.with_suffix(".mo")
    if mo.exists() and mo.stat().st_mtime >= ZH_PO.stat().st_mtime:
        assert mo.read_bytes() == compiled.read_bytes(), "run python scripts/catalogue.py"


#: Words that are names, not English sentences: the time zone, the product names, a unit.
NAMES = {"Asia/Shanghai", "SQLite", "ServiceHall", "FILE", "db", "m"}
#: An id or a code: ``SR-01``, ``pipe-leak``, ``ACC-1:2026-04``, ``E4``; or a masked name ``Z****``.
CODE = re.compile(r"^(?:[A-Za-z0-9]+(?:[-:][A-Za-z0-9:]+)+|[A-Za-z]*\d[A-Za-z0-9]*|[A-Z])$")


def test_the_demo_under_zh_cn_prints_no_english() -> None:
    result = CliRunner().invoke(
        main, ["demo"], env={"LANG": "zh_CN.UTF-8", "LANGUAGE": "", "COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    words = set(re.findall(r"[A-Za-z][A-Za-z0-9'/:.-]*[A-Za-z0-9]|[A-Za-z]", result.output))
    english = sorted(w for w in words if w not in NAMES and not CODE.match(w))
    assert not english, english
    assert "¥80.00" in result.output  # amounts for the locale, not "80.00 CNY"
    assert "服务热线" in result.output
    assert "已关闭" in result.output


#: The hall demo's ids: departments, items, staff and windows are named by them.
HALL_IDS = {"civil", "housing", "tax", "residence", "marriage", "transfer", "subsidy"}


def _words_awaiting_translation() -> set[str]:
    """English words of the catalogue's entries that have no zh_CN translation yet."""
    with ZH_PO.open("rb") as stream:
        catalogue = read_po(stream)
    return {
        word
        for message in catalogue
        if message.id and not message.string
        for word in re.findall(r"[A-Za-z]+", str(message.id))
    }


def test_the_hall_demo_under_zh_cn_prints_chinese() -> None:
    result = CliRunner().invoke(
        main, ["demo", "--hall"], env={"LANG": "zh_CN.UTF-8", "LANGUAGE": "", "COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    out = result.output
    for text in (
        "政务服务大厅的一天",
        "B 窗口叫号",
        "未到：过号",
        "已补正照片",
        "联办件",
        "不予受理",
    ):
        assert text in out
    words = set(re.findall(r"[A-Za-z][A-Za-z0-9'/:.-]*[A-Za-z0-9]|[A-Za-z]", out))
    allowed = NAMES | HALL_IDS | _words_awaiting_translation()
    english = sorted(w for w in words if w not in allowed and not CODE.match(w))
    assert not english, english


def test_the_community_demo_under_zh_cn_prints_chinese() -> None:
    result = CliRunner().invoke(
        main,
        ["demo", "--community"],
        env={"LANG": "zh_CN.UTF-8", "LANGUAGE": "", "COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    out = result.output
    for text in ("便民服务中心的一天", "首问责任人", "全部免费", "已转办", "居委会", "免费"):
        assert text in out
    words = set(re.findall(r"[A-Za-z][A-Za-z0-9'/:.-]*[A-Za-z0-9]|[A-Za-z]", out))
    allowed = NAMES | _words_awaiting_translation()
    english = sorted(w for w in words if w not in allowed and not CODE.match(w))
    assert not english, english


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["request", "regster"], ("没有命令 'regster'", "帮助请运行 'servicedesk request --help'")),
        (["request", "register"], ("缺少选项 '--name'", "帮助请运行")),
        (["--bogus"], ("没有选项 '--bogus'", "帮助请运行 'servicedesk --help'")),
    ],
)
def test_a_bad_invocation_under_zh_cn_is_told_in_chinese(
    args: list[str], words: tuple[str, ...]
) -> None:
    zh = {"LANG": "zh_CN.UTF-8", "LANGUAGE": ""}
    result = CliRunner().invoke(main, args, env=zh, prog_name="servicedesk")
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("错误：")
    for word in words:
        assert word in line, (word, line)
    assert not any(english in line for english in ("Missing", "No such", "Try"))


def test_a_bad_invocation_in_english_keeps_click_s_words() -> None:
    english = {"LANG": "C", "LANGUAGE": ""}
    result = CliRunner().invoke(main, ["request", "register"], env=english, prog_name="servicedesk")
    assert result.stderr.startswith("error: Missing option '--name'.")
    assert "Try 'servicedesk request register --help' for help." in result.stderr


def test_the_click_texts_we_translate_are_texts_click_writes() -> None:
    """A click upgrade that rewords a message shows here, not as English in a Chinese terminal."""
    from servicedesk.cli.group import CLICK_MODULES, CLICK_TEXTS

    source = "".join(
        Path(str(importlib.import_module(f"click.{name}").__file__)).read_text(encoding="utf-8")
        for name in CLICK_MODULES
    )
    for text in CLICK_TEXTS:
        assert f'"{text}"'.replace("\n", "\\n").replace("\t", "\\t") in source, text


def _transcript_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "demo_transcript", ROOT / "scripts/demo_transcript.py"
    )
    assert spec is not None
    assert spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    return tool


def test_the_transcript_of_the_zh_cn_demo_in_docs_cli_is_what_it_prints() -> None:
    """After changing the demo or its texts: python scripts/demo_transcript.py."""
    tool = _transcript_tool()
    page = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    printed = tool.printed()
    assert tool.shown(page) == tool.block(printed), "run python scripts/demo_transcript.py"
    words = set(re.findall(r"[A-Za-z][A-Za-z0-9'/:.-]*[A-Za-z0-9]|[A-Za-z]", printed))
    assert not sorted(w for w in words if w not in NAMES and not CODE.match(w))
