"""A week of an administrative service hall run from the terminal, on each SQL store.

The hall's management sets it up (departments, seconded staff, guides from files,
windows), the windows call numbers and take applications, the departments do their
steps, and the sweep escalates what is late; each step is ``servicedesk hall ...`` as
it would be typed, the clock fixed per step with ``--now``, as in ``test_cli_week``.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import Result

from contract.contract_databases import scratch
from test_cli_queries import rows
from test_cli_week import Terminal

MON, TUE, WED, THU, FRI = (f"2026-05-{day}" for day in (11, 12, 13, 14, 15))
MANAGER = ("--actor", "zhou", "--role", "centre_manager")
CLERK_A = ("--actor", "clerk-a", "--role", "clerk")
CLERK_B = ("--actor", "clerk-b", "--role", "clerk")
CLERK_C = ("--actor", "clerk-c", "--role", "clerk")
CLERK_T = ("--actor", "clerk-t", "--role", "clerk")
HOURS = ("--hours", "09:00-12:00", "--hours", "13:30-17:00")

RESIDENCE = """\
id = "residence"
name = "Residence certificate"
kind = "immediate"
legal_basis = ["Residence Certificate Regulation art. 5"]
time_limit = "2h"

[[materials]]
code = "id_card"
name = "Identity card"
form = "original_and_copy"

[[steps]]
name = "Checked and issued at the window"
department = "civil"
time_limit = "1h"
"""

MARRIAGE = """\
id = "marriage"
name = "Marriage record copy"
kind = "promised"
legal_basis = ["Marriage Registration Regulation art. 12"]
conditions = ["Registered in this district"]
time_limit = "5d"
fee = "9.00"

[[materials]]
code = "id_card"
name = "Identity card"
form = "original_and_copy"

[[materials]]
code = "photo"
name = "Photograph, 2 inch"
count = 2

[[steps]]
name = "Review"
department = "civil"
time_limit = "1d"

[[steps]]
name = "Approval"
department = "civil"
time_limit = "2d"
"""

#: A joint item of two departments side by side, written as JSON.
TRANSFER = {
    "id": "transfer",
    "name": "House transfer",
    "kind": "joint",
    "legal_basis": ["Real Property Registration Regulation art. 14"],
    "flow": "parallel",
    "time_limit": "10d",
    "materials": [
        {"code": "id_card", "name": "Identity card", "form": "original_and_copy"},
        {"code": "deed", "name": "Property deed"},
    ],
    "steps": [
        {"name": "Registration", "department": "housing", "time_limit": "3d"},
        {"name": "Deed tax", "department": "tax", "time_limit": "2d"},
    ],
}

SUBSIDY = """\
id = "subsidy"
name = "Hardship subsidy"
kind = "escalated"
legal_basis = ["Social Assistance Measures art. 9"]
time_limit = "20d"
higher_authority = "District Civil Affairs Bureau"

[[materials]]
code = "id_card"
name = "Identity card"

[[steps]]
name = "Preliminary review"
department = "civil"
time_limit = "3d"
"""


@pytest.fixture(params=("sqlite", "postgresql"))
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[sa.URL]:
    """An empty database of its own for the week, on each SQL store."""
    with scratch(request.param, "hallweek", tmp_path) as url:
        yield url


def guide_files(tmp_path: Path) -> dict[str, Path]:
    files = {
        "residence": (tmp_path / "residence.toml", RESIDENCE),
        "marriage": (tmp_path / "marriage.toml", MARRIAGE),
        "transfer": (tmp_path / "transfer.json", json.dumps(TRANSFER, ensure_ascii=False)),
        "subsidy": (tmp_path / "subsidy.toml", SUBSIDY),
    }
    for path, text in files.values():
        path.write_text(text, encoding="utf-8")
    return {item: path for item, (path, _text) in files.items()}


class Hall(Terminal):
    """The terminal, given each command as the line a person types (``shlex`` splits it)."""

    def typed(self, at: str, line: str, *more: str, code: int = 0) -> Result:
        return self(at, *shlex.split(line), *more, code=code)


def test_a_week_of_a_service_hall_from_the_terminal(database: sa.URL, tmp_path: Path) -> None:
    target = database.database if database.drivername.startswith("sqlite") else None
    hall = Hall(str(target) if target else database.render_as_string(hide_password=False))
    typed = hall.typed
    typed(f"{MON}T08:00", "db upgrade")

    # Monday, before opening: departments and their staff, the guides, the windows.
    early = f"{MON}T08:30"
    names = {"civil": "Civil Affairs Bureau", "housing": "Housing Bureau", "tax": "Tax"}
    for department, name in names.items():
        added = typed(
            early,
            f"hall department add {department} --head {department}-head",
            "--name",
            name,
            *MANAGER,
        )
        assert added.stdout == f"department {department}: registered\n"
    for department, member in (
        ("civil", "clerk-a"),
        ("civil", "clerk-b"),
        ("civil", "clerk-x"),
        ("housing", "clerk-c"),
        ("tax", "clerk-t"),
    ):
        typed(early, f"hall staff second {department} {member}", *MANAGER)
    withdrawn = typed(early, "hall staff withdraw civil clerk-x", *MANAGER)
    assert withdrawn.stdout == "clerk-x: withdrawn by civil\n"
    typed(early, "hall staff second civil clerk-x", *CLERK_A, code=1)  # not a clerk's to do

    for item, path in guide_files(tmp_path).items():
        drafted = typed(early, "hall guide draft", str(path), *MANAGER)
        assert drafted.stdout == f"guide of {item}: drafted\n"
        typed(early, f"hall guide publish {item}", *MANAGER)
    bad = tmp_path / "bad.toml"
    bad.write_text(MARRIAGE.replace('time_limit = "1d"', 'time_limit = "one day"'), "utf-8")
    refused = typed(early, "hall guide draft", str(bad), *MANAGER, code=2)
    assert "step 1: 'one day' is not a time limit" in refused.stderr
    published = hall.json(early, "hall", "guides")
    assert [(g["item_id"], g["version"]) for g in published] == [
        ("marriage", 1),
        ("residence", 1),
        ("subsidy", 1),
        ("transfer", 1),
    ]
    guide = dict(rows(typed(early, "hall guide show marriage")))
    assert guide["time limit"] == "5 working day(s)"
    assert guide["fee"] == "9.00 CNY"
    assert guide["condition"] == "Registered in this district"
    assert guide["material"] == "photo Photograph, 2 inch, original x2"
    transfer = hall.json(early, "hall", "guide", "show", "transfer")
    assert (transfer["flow"], [s["department"] for s in transfer["steps"]]) == (
        "parallel",
        ["Housing Bureau", "Tax"],
    )

    opening = f"{MON}T08:50"
    typed(
        opening,
        "hall window open A --name 'Comprehensive window' --kind comprehensive"
        " --prefix A --item residence",
        *HOURS,
        *MANAGER,
    )
    typed(opening, "hall window items A --item residence --item subsidy", *MANAGER)
    typed(
        opening,
        "hall window open B --name 'Civil affairs window' --kind specialised"
        " --department civil --prefix B --item residence --item marriage",
        *HOURS,
        *MANAGER,
    )
    typed(
        opening,
        "hall window open C --name 'Housing window' --kind specialised"
        " --department housing --prefix C --item transfer --hours 09:00-12:00",
        *MANAGER,
    )
    weekdays = " ".join(f"--weekday {day}" for day in range(5))
    hours = typed(opening, f"hall window hours C {weekdays}", *HOURS, *MANAGER)
    assert hours.stdout == "window C: hours set\n"
    typed(opening, "hall window open D --name Kiosk --kind kiosk --prefix D", *HOURS, code=2)
    typed(opening, "hall window hours C --hours 12:00-09:00", *MANAGER, code=2)
    for window, clerk in (("A", CLERK_A), ("B", CLERK_B), ("C", CLERK_C)):
        typed(f"{MON}T08:55", f"hall on-duty {window}", *clerk)
    windows = {row[0]: row[1:] for row in rows(typed(f"{MON}T09:00", "hall windows"))}
    assert windows == {
        "A": ["Comprehensive window", "comprehensive", "residence, subsidy", "yes", "clerk-a"],
        "B": ["Civil affairs window", "specialised", "marriage, residence", "yes", "clerk-b"],
        "C": ["Housing window", "specialised", "transfer", "yes", "clerk-c"],
    }

    # Monday's queue: a marriage record lacking photographs (补正), a residence certificate
    # decided at the window (即办件), a house transfer for two departments, a subsidy.
    for item, window in (
        ("marriage", "B"),
        ("residence", "B"),
        ("transfer", "C"),
        ("subsidy", "A"),
    ):
        typed(f"{MON}T09:00", f"hall take-number --item {item} --window {window}")
    assert typed(f"{MON}T09:05", "hall call-next B", *CLERK_B).stdout == "number B001: called\n"
    li_mei = "--name 李梅 --phone 13900139000 --id-number 310101199001011234"
    received = typed(
        f"{MON}T09:08",
        f"hall application receive marriage --id BJ-1 {li_mei}"
        " --window B --ticket B001 --presented id_card",
        *CLERK_B,
    )
    assert received.stdout == "application BJ-1: received\none-time notice: missing photo\n"
    assert "李梅" not in received.stdout + received.stderr
    assert rows(typed(f"{MON}T09:09", "hall application show BJ-1", *CLERK_B)) == [
        ["BJ-1", "李* 139****9000", "Marriage record copy", "supplying", "B001", "photo", "-"]
    ]
    typed(f"{MON}T09:10", "hall finish B", *CLERK_B)

    typed(f"{MON}T09:12", "hall call-next B", *CLERK_B)
    qian = "--name 钱宇 --phone 13811112222"
    typed(
        f"{MON}T09:14",
        f"hall application receive residence --id BJ-2 {qian} --window B"
        " --ticket B002 --presented id_card",
        *CLERK_B,
    )
    typed(f"{MON}T09:15", "hall application accept BJ-2", *CLERK_B, code=1)  # decided at once
    typed(f"{MON}T09:15", "hall application decide BJ-2 --document-number X", *CLERK_C, code=1)
    decided = typed(
        f"{MON}T09:16", "hall application decide BJ-2 --document-number JZ-2026-0511", *CLERK_B
    )
    assert decided.stdout == "application BJ-2: decided at the window\n"
    typed(f"{MON}T09:17", "hall finish B", *CLERK_B)
    result = hall.json(f"{MON}T09:20", "hall", "result", "BJ-2")
    assert (result["status"], result["outcome"], result["document_number"]) == (
        "concluded",
        "approved",
        "JZ-2026-0511",
    )

    typed(f"{MON}T09:20", "hall call-next C", *CLERK_C)
    typed(
        f"{MON}T09:22",
        "hall application receive transfer --id BJ-3 --name 孙红"
        " --phone 13600136000 --window C --ticket C001 --presented id_card --presented deed",
        *CLERK_C,
    )
    typed(f"{MON}T09:25", "hall application accept BJ-3", *CLERK_C)
    typed(f"{MON}T09:26", "hall application tell BJ-3 --about accepted", *CLERK_C)
    typed(f"{MON}T09:27", "hall finish C", *CLERK_C)

    typed(f"{MON}T09:30", "hall call-next A", *CLERK_A)
    typed(
        f"{MON}T09:32",
        "hall application receive subsidy --id BJ-4 --name 周敏"
        " --phone 13500135000 --window A --ticket A001 --presented id_card",
        *CLERK_A,
    )
    typed(f"{MON}T09:35", "hall application accept BJ-4", *CLERK_A)
    typed(f"{MON}T09:36", "hall finish A", *CLERK_A)
    queue = hall.json(f"{MON}T09:40", "hall", "queue")
    assert (queue["served"], queue["skipped"], queue["waiting"]) == (4, 0, [])

    # Online, the system's own intake: a marriage record refused, the applicant told.
    online = "--channel online --presented id_card --presented photo"
    typed(
        f"{MON}T10:00",
        f"hall application receive marriage --id BJ-5 --name 赵强 --phone 13700137000 {online}",
    )
    typed(
        f"{MON}T10:30",
        "hall application refuse BJ-5 --reason 'Registered in another"
        " province' --legal-basis 'Marriage Registration Regulation art. 4'",
        *CLERK_B,
    )
    typed(f"{MON}T10:31", "hall application tell BJ-5 --about refused --channel sms", *CLERK_B)
    refusal = hall.json(f"{MON}T10:32", "hall", "result", "BJ-5")
    assert (refusal["status"], refusal["refusal"]) == ("refused", "Registered in another province")
    # And a complete marriage record that nobody reviews in time.
    complete = (
        f"hall application receive marriage --id BJ-6 --name 吴磊 --phone 13711112222 {online}"
    )
    assert hall.json(f"{MON}T11:00", *shlex.split(complete)) == {"id": "BJ-6", "missing": []}
    typed(f"{MON}T11:05", "hall application accept BJ-6", *CLERK_B)

    # BJ-1's photographs come in, found unusable: a second notice names only them.
    typed(f"{MON}T14:30", "hall application supply BJ-1 --material photo", *CLERK_B)
    noticed = typed(
        f"{MON}T14:31",
        "hall application notice-defective BJ-1 --defective photo --told-by in_person",
        *CLERK_B,
    )
    assert noticed.stdout == "application BJ-1: notice given\none-time notice: missing photo\n"
    again = hall.json(f"{MON}T14:32", "hall", "application", "show", "BJ-1", *CLERK_B)
    assert (again["missing"], again["clock_runs"], len(again["notices"])) == (["photo"], False, 2)
    typed(f"{MON}T14:33", "hall application accept BJ-1", *CLERK_B, code=1)  # still lacking
    typed(f"{MON}T15:00", "hall application supply BJ-1 --material photo", *CLERK_B)
    typed(f"{MON}T15:05", "hall application accept BJ-1", *CLERK_B)

    # The house transfer's two parts, each by its own department; the lead concludes.
    typed(f"{MON}T16:00", "hall application step BJ-3 1", *CLERK_C, code=1)  # tax's part
    typed(f"{MON}T16:00", "hall application step BJ-3 0 --note Registered", *CLERK_C)
    typed(f"{TUE}T10:00", "hall application step BJ-3 1", *CLERK_T)
    typed(
        f"{TUE}T10:30",
        "hall application conclude BJ-3 --outcome approved --document-number FC-2026-0389",
        *CLERK_C,
    )
    typed(f"{TUE}T10:31", "hall application tell BJ-3 --about result", *CLERK_C)
    shown = typed(f"{TUE}T10:32", "hall application show BJ-3", *CLERK_C)
    assert "steps: Registration 2026-05-11 16:00; Deed tax 2026-05-12 10:00" in shown.stdout

    # The subsidy goes to the district bureau and back.
    typed(f"{TUE}T11:00", "hall application step BJ-4 0", *CLERK_A)
    submitted = typed(
        f"{TUE}T11:10", "hall application submit BJ-4 --reference QMZ-2026-117", *CLERK_A
    )
    assert submitted.stdout == "application BJ-4: submitted\n"
    typed(f"{TUE}T11:11", "hall application tell BJ-4 --about submitted", *CLERK_A)
    assert hall.json(f"{TUE}T11:12", "hall", "result", "BJ-4")["status"] == "with_authority"
    typed(
        f"{THU}T15:30", "hall application reply BJ-4 --reply 'Approved, 800 yuan a month'", *CLERK_A
    )
    typed(
        f"{THU}T15:40",
        "hall application conclude BJ-4 --outcome approved --document-number DB-2026-0042",
        *CLERK_A,
    )
    typed(f"{THU}T15:41", "hall application tell BJ-4 --about result", *CLERK_A)

    # BJ-1 is reviewed and approved on time, the applicant told in the app.
    typed(f"{TUE}T14:00", "hall application step BJ-1 0", *CLERK_B)
    typed(f"{WED}T14:00", "hall application step BJ-1 1", *CLERK_A)
    typed(
        f"{WED}T14:10", "hall application conclude BJ-1 --outcome approved", *CLERK_B, code=1
    )  # an approval names the document issued
    typed(
        f"{WED}T14:10",
        "hall application conclude BJ-1 --outcome approved --document-number HY-2026-0513",
        *CLERK_B,
    )
    typed(f"{WED}T14:11", "hall application tell BJ-1 --about result --channel app", *CLERK_B)

    # Friday: the sweep finds BJ-6's review late, once; BJ-6 is open, marked "!" (breached).
    assert typed(f"{FRI}T09:00", "hall sweep", *MANAGER).stdout == "1 deadline(s) escalated\n"
    assert typed(f"{FRI}T09:01", "hall sweep", *MANAGER).stdout == "0 deadline(s) escalated\n"
    typed(f"{FRI}T09:02", "hall sweep", *CLERK_A, code=1)  # a manager's, or the scheduler's
    assert rows(typed(f"{FRI}T09:05", "hall applications", *CLERK_B)) == [
        [
            "BJ-6",
            "吴* 137****2222",
            "Marriage record copy",
            "accepted",
            "-",
            "-",
            "2026-05-18 17:00 !",
        ]
    ]
    statuses = {
        number: hall.json(f"{FRI}T09:10", "hall", "result", number)["status"]
        for number in ("BJ-1", "BJ-2", "BJ-3", "BJ-4", "BJ-5", "BJ-6")
    }
    assert statuses == {
        "BJ-1": "concluded",
        "BJ-2": "concluded",
        "BJ-3": "concluded",
        "BJ-4": "concluded",
        "BJ-5": "refused",
        "BJ-6": "accepted",
    }
    waits = rows(typed(f"{FRI}T09:15", f"hall waiting-times {MON}"))
    assert [row[:3] for row in waits] == [
        ["A", "09:00", "1"],
        ["B", "09:00", "2"],
        ["C", "09:00", "1"],
    ]

    # A withdrawn guide takes no more applications.
    typed(f"{FRI}T16:00", "hall guide withdraw residence", *MANAGER)
    typed(
        f"{FRI}T16:05",
        f"hall application receive residence {qian} --channel online --presented id_card",
        code=1,
    )
