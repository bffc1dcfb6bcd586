"""fapcheck never raises: generated programs and mutated fixtures end in findings or FAP001.

The suite runs a short sample; `FAPCHECK_FUZZ_EXAMPLES=2000 python -m pytest tests/test_fuzz.py`
runs a long one.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import hypothesmith
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fapcheck.config import Config
from fapcheck.engine.runner import Checker

from conftest import FIXTURES

EXAMPLES = int(os.environ.get("FAPCHECK_FUZZ_EXAMPLES", "25"))
LAYER_PATHS = [
    "app/api/routes/orders.py",
    "app/services/orders.py",
    "app/repositories/orders.py",
    "app/schemas/order.py",
    "app/models/order.py",
    "app/api/deps.py",
    "app/core/tasks.py",
]
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)


@cache
def checker() -> Checker:
    return Checker(Config(root=FIXTURES / "demo", select=("ALL",)))


@cache
def fixture_sources() -> tuple[bytes, ...]:
    return tuple(p.read_bytes() for p in sorted(FIXTURES.rglob("*.py")) if p.stat().st_size < 20_000)


def check(source: bytes, path: str) -> None:
    result = checker().check_source(source, Path(path), path)
    assert not result.errors, result.errors
    for finding in result.findings:
        assert finding.line >= 1 and finding.col >= 1, finding
        assert (finding.end_line, finding.end_col) >= (finding.line, finding.col), finding


@FUZZ
@given(source=hypothesmith.from_grammar(), path=st.sampled_from(LAYER_PATHS))
def test_generated_programs(source: str, path: str) -> None:
    check(source.encode("utf-8", errors="surrogatepass"), path)


@FUZZ
@given(data=st.data(), path=st.sampled_from(LAYER_PATHS))
def test_mutated_fixtures(data: st.DataObject, path: str) -> None:
    source = data.draw(st.sampled_from(fixture_sources()))
    cut = data.draw(st.integers(0, len(source)))
    inserted = data.draw(st.binary(max_size=8))
    mode = data.draw(st.sampled_from(["truncate", "insert", "replace"]))
    if mode == "truncate":
        mutated = source[:cut]
    elif mode == "insert":
        mutated = source[:cut] + inserted + source[cut:]
    else:
        mutated = source[:cut] + inserted + source[cut + len(inserted) :]
    check(mutated, path)
