"""A JUnit XML report: one test suite per file, one failing test case per finding."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO
from xml.etree import ElementTree as ET

from fapcheck.catalog import BY_CODE
from fapcheck.findings import Finding
from fapcheck.report import ReportOptions


def write(findings: Sequence[Finding], stream: TextIO, options: ReportOptions) -> None:
    count = str(len(findings))
    root = ET.Element("testsuites", name="fapcheck", tests=count, failures=count, errors="0")
    by_path: dict[str, list[Finding]] = {}
    for finding in findings:
        by_path.setdefault(finding.path, []).append(finding)
    for path, cases in by_path.items():
        suite = ET.SubElement(
            root, "testsuite", name=path, tests=str(len(cases)), failures=str(len(cases)), errors="0", skipped="0"
        )
        for f in cases:
            spec = BY_CODE.get(f.code)
            name = f"{f.code} ({spec.name})" if spec else f.code
            case = ET.SubElement(suite, "testcase", name=f"{name} at {f.path}:{f.line}:{f.col}", classname=path)
            failure = ET.SubElement(case, "failure", message=f.message, type=f.code)
            failure.text = f"{f.path}:{f.line}:{f.col}: {f.code} {f.message}"
    if not findings:
        ET.SubElement(root, "testsuite", name="fapcheck", tests="0", failures="0", errors="0", skipped="0")
    ET.indent(root)
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write(ET.tostring(root, encoding="unicode") + "\n")
