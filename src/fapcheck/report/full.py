"""The default format: each finding with its source line and the span underlined."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from fapcheck.findings import Finding
from fapcheck.report import ReportOptions

Segment = tuple[str, str]  # (text, rich style; "" for none)


def render(finding: Finding) -> list[list[Segment]]:
    """The lines that show one finding, as styled segments."""
    head: list[Segment] = [
        (finding.path, "bold"),
        (f":{finding.line}:{finding.col}: ", ""),
        (finding.code, "bold red"),
        (" [*]" if finding.fix is not None and finding.fix.safe else "", "cyan"),
        (f" {finding.message}", ""),
    ]
    lines = [head]
    source = finding.source_line.expandtabs(1).rstrip()
    if source:
        gutter = " " * len(str(finding.line))
        start = finding.col - 1
        end = finding.end_col - 1 if finding.end_line == finding.line else len(source)
        width = max(1, min(end, len(source)) - start)
        lines += [
            [(f"{gutter} |", "blue")],
            [(f"{finding.line} |", "blue"), (f" {source}", "")],
            [(f"{gutter} |", "blue"), (" " + " " * start, ""), ("^" * width, "bold red")],
            [(f"{gutter} |", "blue")],
        ]
    lines += _related(finding)
    lines.append([])
    return lines


def _related(finding: Finding) -> list[list[Segment]]:
    """The places the finding leads through, one a line under it, each where an editor can jump to."""
    if not finding.related:
        return []
    gutter = " " * len(str(finding.line))
    return [
        [(f"{gutter} = chain:", "blue")],
        *([(f"{gutter}     {r.path}:{r.line}:{r.col}:", "bold"), (f" {r.name}", "")] for r in finding.related),
    ]


def write(findings: Sequence[Finding], stream: TextIO, options: ReportOptions) -> None:
    lines = [line for finding in findings for line in render(finding)]
    if not options.color:
        stream.write("".join("".join(text for text, _ in line) + "\n" for line in lines))
        return
    from rich.console import Console
    from rich.text import Text

    console = Console(file=stream, force_terminal=True, highlight=False, soft_wrap=True)
    for line in lines:
        console.print(Text.assemble(*[(text, style) if style else text for text, style in line]))
