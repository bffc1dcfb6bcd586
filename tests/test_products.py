"""What a function hands out, read from its body: both readings (libcst's tree, CPython's tree) agree."""

from __future__ import annotations

import ast
import textwrap

import libcst as cst
import pytest

from fapcheck.semantic.facts import skeleton
from fapcheck.semantic.products import dotted, product_call
from fapcheck.semantic.products_ast import product_call_ast

# function source -> the callee of the call it returns or yields ('' when there is none it can name)
CASES: dict[str, str] = {
    "def f():\n    return OrderService(repo)\n": "OrderService",
    "def f():\n    db = SessionLocal()\n    try:\n        yield db\n    finally:\n        db.close()\n": "SessionLocal",
    "async def f():\n    async with maker() as s:\n        yield s\n": "maker",
    "def f():\n    return Depends(get_db)\n": "Depends",
    "def f():\n    x: Repo = make.repo()\n    return x\n": "make.repo",
    # in a generator only the yields count
    "def f():\n    s = Session()\n    yield s\n    return cleanup()\n": "Session",
    # two callees: unknown
    "def f(a):\n    if a:\n        return A()\n    else:\n        return B()\n": "",
    "def f(a):\n    if a:\n        return A()\n    return A(1)\n": "A",
    # a name rebound to something that is not a call: unknown
    "def f():\n    x = A()\n    x = 1\n    return x\n": "",
    # not the body's own: nested functions and classes
    "def f():\n    def g():\n        return A()\n    return g\n": "",
    "def f():\n    return make()()\n": "",
    "def f():\n    return await_it\n": "",
    "def f():\n    for x in y:\n        return A(x)\n    else:\n        return A()\n": "A",
    "def f():\n    try:\n        pass\n    except E:\n        return A()\n    finally:\n        pass\n": "A",
    "def f():\n    while True:\n        with lock:\n            return B()\n": "B",
    "def f():\n    yield\n": "",
    # the lazily built attribute of a cached property
    "def f(self):\n    if not self._repos:\n        self._repos = Repos(self.db)\n    return self._repos\n": "Repos",
    "def f(self):\n    return self._repos\n": "",
}


@pytest.mark.parametrize("source", CASES, ids=range(len(CASES)))
def test_both_readings_name_the_same_product(source: str) -> None:
    function = cst.parse_module(source).body[0]
    assert isinstance(function, cst.FunctionDef)
    by_cst = product_call(function.body)
    tree = ast.parse(source).body[0]
    assert isinstance(tree, (ast.FunctionDef, ast.AsyncFunctionDef))
    by_ast = product_call_ast(tree.body)
    assert (dotted(by_cst.func) if by_cst else "") == CASES[source]
    assert (ast.unparse(by_ast.func) if by_ast else "") == CASES[source]


def test_a_skeleton_keeps_the_product_and_the_initialiser() -> None:
    source = textwrap.dedent(
        """
        class Service:
            def __init__(self, repo: Repo) -> None:
                self.repo = repo

            def helper(self):
                value = compute()
                return Thing(
                    value,
                )


        def provider():
            db = SessionLocal()
            try:
                yield db
            finally:
                db.close()
        """
    )
    cut = skeleton(source)
    assert "self.repo = repo" in cut
    assert "return (Thing(\n            value,\n        ))" in cut
    assert "yield (SessionLocal())" in cut
    assert "compute" not in cut and "close" not in cut
    cst.parse_module(cut)  # still a module
