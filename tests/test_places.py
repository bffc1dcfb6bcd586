"""Where the steps of a FAP406 chain are: found again in their modules from what the function facts count."""

from __future__ import annotations

from pathlib import Path

from fapcheck.api import lint_paths
from fapcheck.config import Config
from fapcheck.semantic.places import read_module

from conftest import FIXTURES, write

# Calls and definitions where the standard library's parser and libcst could disagree on the order.
TRICKY = '''# -*- coding: utf-8 -*-
@dec(a())
@other.thing(b(c()))
def f(x=d(), *, y=e()) -> g():
    café = "é" + h()
    v = i() if j() else k()
    w = [l(q) for q in m() if n()]
    z = {o(): p() for _ in r()}
    s = f"{t()} and {u(f'{v2()}')}"
    ml = f"""
    {w2(
        x2())}
    """
    (y2())(z2())
    a3(b3)(c3)
    lam = lambda: d3()
    async def inner():
        await e3(f3())
    class K(g3(), metaclass=h3()):
        def meth(self): return i3()
    match j3():
        case K(x=0): k3()
    if (n4 := l3()):
        m3(*n3(), **o3())
\t# a tab
    return p3()[q3()].r3(s3())
'''


def test_the_standard_parser_finds_the_definitions_and_calls_of_libcst_walk(tmp_path: Path) -> None:
    (tmp_path / "tricky.py").write_text(TRICKY, encoding="utf-8")
    paths = [tmp_path / "tricky.py", *sorted(FIXTURES.rglob("*.py"))]
    compared = 0
    for path in paths:
        fast, exact = read_module(path, exact=False), read_module(path, exact=True)
        if fast is None or exact is None:
            continue
        assert [at for _, at in fast.definitions] == [at for _, at in exact.definitions], path
        assert [at for _, at in fast.calls] == [at for _, at in exact.calls], path
        compared += 1
    assert read_module(tmp_path / "tricky.py", exact=False) is not None
    assert compared > 300  # the fixture projects: every kind of code the rules read


ODD_STEPS = {
    # the call's name is not the blocking function's: the module is walked by libcst instead
    "app/services/aliased.py": (
        "from requests import post as send\n\n\ndef upload() -> None:\n    send('https://example.com')\n"
    ),
    # the standard library's parser gives the line of `def`, not of the name
    "app/services/split.py": (
        "import requests\n\n\ndef \\\n    fetch() -> None:\n    requests.get('https://example.com')\n"
    ),
    "app/api/routes/odd.py": (
        "from app.services.aliased import upload\nfrom app.services.split import fetch\n\n\n"
        "async def handler() -> None:\n    upload()\n    fetch()\n"
    ),
}


def test_steps_the_standard_parser_cannot_place_are_placed_by_libcst(project: Path) -> None:
    write(project, ODD_STEPS)
    aliased, split = lint_paths(["app/api/routes/odd.py"], Config(root=project, select=("FAP406",))).findings
    assert [(p.path, p.line, p.col, p.name) for p in aliased.related] == [
        ("app/services/aliased.py", 4, 5, "upload"),
        ("app/services/aliased.py", 5, 5, "requests.post()"),
    ]
    assert [(p.path, p.line, p.col, p.name) for p in split.related] == [
        ("app/services/split.py", 5, 5, "fetch"),
        ("app/services/split.py", 6, 5, "requests.get()"),
    ]
