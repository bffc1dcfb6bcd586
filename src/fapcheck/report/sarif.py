"""SARIF 2.1.0, as GitHub code scanning and other static-analysis viewers read it."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from pathlib import PurePosixPath
from typing import Any, TextIO
from urllib.parse import quote

from fapcheck import __version__
from fapcheck.catalog import BY_CODE
from fapcheck.findings import Finding, Fix
from fapcheck.report import ReportOptions, rule_url
from fapcheck.report.fingerprint import fingerprints

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
FINGERPRINT_KEY = "fapcheck/v1"
_SECTION = re.compile(r"^## What it does\n+(.*?)(?:\n## |\Z)", re.S | re.M)


def _rule(code: str, options: ReportOptions) -> dict[str, Any]:
    spec = BY_CODE[code]
    doc = options.rule_docs.get(code) or spec.summary
    what = _SECTION.search(doc)
    full = " ".join((what.group(1) if what else doc.split("\n\n")[0]).split())
    return {
        "id": code,
        "name": spec.name,
        "shortDescription": {"text": spec.summary},
        "fullDescription": {"text": full or spec.summary},
        "helpUri": rule_url(code),
        "help": {"text": doc, "markdown": doc},
        "defaultConfiguration": {"level": "error"},
        "properties": {"family": spec.family, "fixable": spec.fixable, "tags": [spec.family]},
    }


def _uri(path: str) -> dict[str, str]:
    posix = PurePosixPath(path.replace("\\", "/"))
    if posix.is_absolute():
        return {"uri": "file://" + quote(os.fsencode(posix.as_posix()))}  # bytes: any file name is a URI
    return {"uri": quote(os.fsencode(posix.as_posix())), "uriBaseId": "%SRCROOT%"}


def _region(line: int, col: int, end_line: int, end_col: int) -> dict[str, Any]:
    return {"startLine": line, "startColumn": col, "endLine": end_line, "endColumn": end_col}


def _fixes(finding: Finding, fix: Fix) -> list[dict[str, Any]]:
    return [
        {
            "description": {"text": fix.description or f"Fix {finding.code}"},
            "artifactChanges": [
                {
                    "artifactLocation": _uri(finding.path),
                    "replacements": [
                        {
                            "deletedRegion": _region(e.line, e.col, e.end_line, e.end_col),
                            "insertedContent": {"text": e.text},
                        }
                        for e in fix.edits
                    ],
                }
            ],
        }
    ]


def _message(finding: Finding) -> str:
    """The message; with related places, a sentence that links each (`[name](id)`), for viewers to follow."""
    if not finding.related:
        return finding.message
    links = " -> ".join(f"[{_escaped(place.name)}]({number})" for number, place in enumerate(finding.related, 1))
    return f"{_escaped(finding.message)}. Chain: {links}"


def _escaped(text: str) -> str:
    """Brackets that are not a link's, escaped as SARIF's embedded-link syntax requires."""
    return re.sub(r"([\\\[\]])", r"\\\1", text)


def _result(finding: Finding, fingerprint: str, rule_index: dict[str, int]) -> dict[str, Any]:
    region = _region(finding.line, finding.col, finding.end_line, finding.end_col)
    if finding.source_line:
        region["snippet"] = {"text": finding.source_line}
    result: dict[str, Any] = {
        "ruleId": finding.code,
        "level": "error",
        "message": {"text": _message(finding)},
        "locations": [{"physicalLocation": {"artifactLocation": _uri(finding.path), "region": region}}],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
        "properties": {"layer": finding.layer},
    }
    if finding.related:
        result["relatedLocations"] = [
            {
                "id": number,
                "physicalLocation": {
                    "artifactLocation": _uri(place.path),
                    "region": {"startLine": place.line, "startColumn": place.col},
                },
                "message": {"text": place.name},
            }
            for number, place in enumerate(finding.related, 1)
        ]
    if finding.code in rule_index:
        result["ruleIndex"] = rule_index[finding.code]
    if finding.fix is not None:
        result["fixes"] = _fixes(finding, finding.fix)
    return result


def document(findings: Sequence[Finding], options: ReportOptions) -> dict[str, Any]:
    codes = sorted({*options.codes, *(f.code for f in findings)} & BY_CODE.keys())
    rule_index = {code: index for index, code in enumerate(codes)}
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "fapcheck",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": "https://fapcheck.readthedocs.io/",
                        "rules": [_rule(code, options) for code in codes],
                    }
                },
                "columnKind": "unicodeCodePoints",
                "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "The directory fapcheck ran in"}}},
                "results": [_result(f, fp, rule_index) for f, fp in zip(findings, fingerprints(findings), strict=True)],
            }
        ],
    }


def write(findings: Sequence[Finding], stream: TextIO, options: ReportOptions) -> None:
    json.dump(document(findings, options), stream, indent=2, ensure_ascii=False)
    stream.write("\n")
