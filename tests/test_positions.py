"""Positions computed per top-level statement are the positions of the whole module's code generation, and
only the statements asked about are generated."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest

from fapcheck.semantic import positions as positions_module
from fapcheck.semantic.positions import lazy_positions, positions_of
from fapcheck.semantic.walk import walk

ROOT = Path(__file__).resolve().parent.parent

CASES = {
    "decorators with comments between them": (
        "# header\n\nimport os\n\n\n# about f\n@first  # one\n# between\n@second(\n    1,\n)\n\n"
        "async def f(x):\n    return os.sep\n\n\n@dataclass\nclass C:\n    a: int = 1\n"
    ),
    "several statements on one line": "a = 1; b = 2  # both\nc = (\n    3\n); d = 4\nif a: b = 5\n",
    "no trailing newline": "import time\n\nasync def f():\n    time.sleep(1)",
    "CR line endings": "import time\r\r# c\rasync def f():\r    time.sleep(1)\r",
    "CRLF line endings": "import time\r\n\r\nasync def f():\r\n    time.sleep(1)\r\n",
    "form feeds and separators": "x = 1\n\x0c\ny = '\x0b\x1c\x85\u2028'\n\x0c\ndef f():\n    return y\n",
    "backslash continuation and strings over lines": 'x = 1 + \\\n    2\ny = """a\nb\n"""\nz = y\n',
    "compound statements": (
        "try:\n    import a\nexcept ImportError:  # no a\n    a = None\nelse:\n    pass\nfinally:\n    b = 1\n"
        "for i in range(3):\n    pass\nwhile False:\n    break\nwith open('f') as h, open('g'):\n    pass\n"
        "match a:\n    case 1:\n        pass\n    case _:\n        pass\n"
    ),
    "tabs and a footer comment": "def f():\n\tif True:\n\t\treturn 1\n\t# end of f\n# end of file\n",
    "only comments": "# one\n# two\n",
}

# libcst drops a line holding only a backslash (its code no longer is the text): the whole module decides.
LONE_BACKSLASH = "import time\nx = 1\n\\\nasync def f():\n    time.sleep(1)\n"


def _nodes(module: cst.Module) -> list[cst.CSTNode]:
    found: list[cst.CSTNode] = []
    walk(module, found.append, lambda node: None)
    return found


@pytest.mark.parametrize("text", CASES.values(), ids=CASES.keys())
def test_each_node_has_the_position_of_the_whole_module(text: str) -> None:
    module = cst.parse_module(text)
    whole = positions_of(module)
    lazy = lazy_positions(module, text)
    for node in _nodes(module)[1:]:  # the module itself is not in a statement
        assert lazy[node] == whole[node], type(node).__name__
    assert not lazy.whole


def test_fapcheck_sources_and_fixtures_agree_node_by_node() -> None:
    paths = sorted((ROOT / "src").rglob("*.py")) + sorted((ROOT / "fixtures").rglob("*.py"))
    compared = 0
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8")
            module = cst.parse_module(text)
        except (UnicodeDecodeError, cst.ParserSyntaxError):
            continue  # the fixtures of unreadable files
        whole, lazy = positions_of(module), lazy_positions(module, text)
        for node in _nodes(module)[1::5]:
            assert lazy[node] == whole[node], (path, type(node).__name__)
            compared += 1
    assert compared > 10_000


def test_only_the_statement_asked_about_is_generated(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "".join(f"def f{n}():\n    return {n}\n\n" for n in range(50))
    module = cst.parse_module(text)
    generated: list[int] = []
    real = positions_module._statement_positions

    def counted(module: cst.Module, statement: cst.BaseStatement, line: int) -> object:
        generated.append(line)
        return real(module, statement, line)

    monkeypatch.setattr(positions_module, "_statement_positions", counted)
    lazy = lazy_positions(module, text)
    target = module.body[30]
    assert lazy[target].start.line == 91
    assert generated == [90]  # from the blank line before it, one of its leading lines
    assert not lazy.whole


@pytest.mark.parametrize(
    "text",
    [
        "type Alias = int\nx: Alias = 1\n",  # a syntax this Python's parser may not know: libcst alone decides
        "x = 1\n",
    ],
)
def test_the_module_and_unpaired_statements_fall_back_to_the_whole_module(text: str) -> None:
    module = cst.parse_module(text)
    whole = positions_of(module)
    lazy = lazy_positions(module, text)
    assert lazy[module] == whole[module]
    for node in _nodes(module):
        assert lazy[node] == whole[node]


@pytest.mark.parametrize("text", [LONE_BACKSLASH, LONE_BACKSLASH.replace("\n", "\r")])
def test_a_line_of_only_a_backslash_leaves_libcst_to_decide(text: str) -> None:
    module = cst.parse_module(text)
    whole = positions_of(module)
    lazy = lazy_positions(module, text)
    for node in _nodes(module)[1:]:
        assert lazy[node] == whole[node], type(node).__name__
