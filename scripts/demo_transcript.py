"""Write the transcript of ``LANG=zh_CN.UTF-8 servicedesk demo`` into docs/cli.md.

    python scripts/demo_transcript.py

The demo's clock is fixed, so it prints the same on every machine; a test
(tests/test_i18n.py) holds the transcript equal to what the command prints.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "cli.md"
START, END = "<!-- zh_CN demo transcript: start -->\n", "<!-- zh_CN demo transcript: end -->"
#: The terminal the transcript is drawn for: 100 columns, Chinese, no colours.
ENV = {"LANG": "zh_CN.UTF-8", "LANGUAGE": "", "LC_ALL": "", "COLUMNS": "100", "NO_COLOR": "1"}


def printed() -> str:
    """What the demo prints under zh_CN, run in process as a terminal user would."""
    sys.path.insert(0, str(ROOT / "src"))
    from click.testing import CliRunner

    from servicedesk.cli.main import main

    result = CliRunner().invoke(main, ["demo"], env=ENV, prog_name="servicedesk")
    if result.exit_code != 0:
        raise SystemExit(result.output)
    return result.stdout


def block(text: str) -> str:
    """The transcript as the page holds it: the lines without rich's trailing padding."""
    lines = "".join(f"{line.rstrip()}\n" for line in text.splitlines())
    return f"{START}```text\n{lines}```\n"


def shown(page: str) -> str:
    """The transcript docs/cli.md holds, between its markers."""
    return page[page.index(START) : page.index(END)]


def main() -> None:
    page = PAGE.read_text(encoding="utf-8")
    PAGE.write_text(page.replace(shown(page), block(printed())), encoding="utf-8")


if __name__ == "__main__":
    main()
