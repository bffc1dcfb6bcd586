"""Lines end where Python ends them (`\\n`, `\\r\\n`, `\\r`): a form feed, a vertical tab, `\\x1c`-`\\x1e`, `\\x85`
or `\\u2028` inside a line, CRLF line endings and tabs shift neither the shown source line nor a fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from fapcheck.api import lint_source

from conftest import run_fapcheck

BLOCKING = "import time\n{before}\nasync def pause():\n{indent}time.sleep(1)  # {comment}\n"
CASES = {
    "form feed between blocks": BLOCKING.format(before="\x0c\n", indent="    ", comment="nap"),
    "form feed in a comment": BLOCKING.format(before="x = 1  # page\x0cbreak\n", indent="    ", comment="a\x0cb"),
    "vertical tab and separators in a string": BLOCKING.format(
        before='x = "\x0b\x1c\x1d\x1e"\n', indent="    ", comment="nap"
    ),
    "NEL and line separator in a string": BLOCKING.format(
        before='x = "\x85\u2028\u2029"\n', indent="    ", comment="nap"
    ),
    "CRLF line endings with a form feed": BLOCKING.format(before="\x0c\n", indent="    ", comment="a\x0cb").replace(
        "\n", "\r\n"
    ),
    "CR line endings": BLOCKING.format(before="y = 2\n", indent="    ", comment="nap").replace("\n", "\r"),
    "tab indentation with a form feed": BLOCKING.format(before="\x0c\n", indent="\t", comment="a\x0cb"),
}
SERVICE = "app/services/pause.py"


@pytest.mark.parametrize("source", CASES.values(), ids=CASES.keys())
def test_the_shown_source_line_is_the_reported_line(source: str) -> None:
    [finding] = lint_source(source, SERVICE)
    assert finding.code == "FAP402"
    assert finding.line == 5
    assert finding.source_line.strip().startswith("time.sleep(1)  # ")
    assert finding.source_line[finding.col - 1 : finding.end_col - 1] == "time.sleep(1)"


@pytest.mark.parametrize("source", CASES.values(), ids=CASES.keys())
def test_the_fix_is_shown_and_applied(source: str, project: Path) -> None:
    target = project / SERVICE
    target.parent.mkdir(parents=True)
    target.write_bytes(source.encode("utf-8"))
    fixed = source.replace("import time", "import asyncio").replace("time.sleep(1)", "await asyncio.sleep(1)")

    diff = run_fapcheck("--diff", "--no-cache", cwd=project)
    assert diff.returncode == 1, diff.stderr
    assert diff.stderr == "Would fix 1 file.\n"
    assert "+    await asyncio.sleep(1)" in diff.stdout or "+\tawait asyncio.sleep(1)" in diff.stdout
    assert target.read_bytes() == source.encode("utf-8")

    result = run_fapcheck("--fix", "--no-cache", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == "Found 1 error (1 fixed, 0 remaining).\n"
    assert target.read_bytes() == fixed.encode("utf-8")


def test_the_underline_stays_under_the_span_after_tabs_and_form_feeds(project: Path) -> None:
    source = "import time\n\x0c\nasync def pause():\n\tx = 1  # \x0c\n\tif x:\ttime.sleep(1)\n"
    (project / "pause.py").write_text(source, encoding="utf-8")
    result = run_fapcheck("--no-cache", "pause.py", cwd=project)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    shown = next(line for line in lines if line.startswith("5 |"))
    underline = lines[lines.index(shown) + 1]
    assert shown == "5 |  if x: time.sleep(1)"  # a tab is shown as one space, as its column counts it
    assert underline.index("^") == shown.index("time") and underline.count("^") == len("time.sleep(1)")


def test_an_unused_noqa_after_a_form_feed_is_shown_and_removed(project: Path) -> None:
    source = "\x0c\nimport os  # noqa: FAP101\nx = '\x0c'\n"
    [finding] = lint_source(source, "app/api/users.py")
    assert (finding.code, finding.line, finding.source_line) == ("FAP002", 2, "import os  # noqa: FAP101")
    target = project / "app/api/users.py"
    target.parent.mkdir(parents=True)
    target.write_text(source, encoding="utf-8")
    result = run_fapcheck("--fix", "--no-cache", cwd=project)
    assert result.returncode == 0, result.stdout
    assert target.read_text(encoding="utf-8") == "\x0c\nimport os\nx = '\x0c'\n"
