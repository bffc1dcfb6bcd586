"""The pre-check, the process pool and the result cache change how fast, never what is found."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fapcheck.catalog import CATALOG, LAYERS
from fapcheck.cli import app
from fapcheck.config import Config
from fapcheck.engine import batch, plan
from fapcheck.engine.batch import RunResult, run
from fapcheck.engine.cache import CACHE_DIR_NAME
from fapcheck.engine.files import discover
from fapcheck.semantic.index import ProjectIndex
from test_fixtures import project_config, projects

from conftest import FIXTURES, REPO, aged, write

runner = CliRunner()

ROUTE_TO_REPO = {
    "app/__init__.py": "",
    "app/api/__init__.py": "",
    "app/api/users.py": "from app.repositories.users import UserRepository\n",
}


def run_fixtures(jobs: int) -> list[RunResult]:
    results = []
    for root in (FIXTURES / "demo", *projects()):
        config = project_config(root)
        files = discover([str(root)], config).files
        results.append(run([(p, str(p)) for p in files], config, jobs=jobs))
    return results


def test_triggers_name_known_layers() -> None:
    for spec in CATALOG:
        if spec.trigger is not None:
            assert spec.trigger.words or spec.trigger.needs_tree, spec.code
            assert spec.trigger.always_in <= {*LAYERS, "unmapped"}, spec.code
            for of, watched in spec.trigger.imports_layers:
                assert of in (*LAYERS, "unmapped", "*"), spec.code
                assert watched <= set(LAYERS), spec.code


def _planned(root: Path, relative: str, source: str, select: tuple[str, ...]) -> tuple[str, ...] | None:
    """The rules a file is parsed for, or None when the pre-check decides it without a parse."""
    result = plan.Planner(Config(root=root, select=select)).plan(source.encode(), root / relative, relative)
    return None if result.result is not None else result.rule_codes


@pytest.mark.parametrize(
    ("relative", "source", "select", "parsed"),
    [
        # Outside the route layer, route code is a function with a route decorator, at any depth.
        ("app/core/util.py", "class A:\n    @property\n    def x(self): ...\n", ("FAP201", "FAP502"), False),
        ("app/core/util.py", "@cache\ndef f(): ...\n", ("FAP502",), False),
        ("app/core/util.py", "if x:\n    @r.get('/')\n    async def f(): ...\n", ("FAP502",), True),
        ("app/core/util.py", "@app.api_route('/', methods=['GET'])\ndef f(): ...\n", ("FAP201",), True),
        # Route and service files are parsed for FAP502 whatever they contain.
        ("app/services/users.py", "x = 1\n", ("FAP502",), True),
        # FAP301 needs a `raise`; FAP203 a `text(...)` or an execute-like method.
        ("app/services/users.py", "def f():\n    return 1\n", ("FAP301", "FAP203"), False),
        ("app/services/users.py", "def f(e):\n    raise e\n", ("FAP301",), True),
        ("app/services/users.py", "def f(s):\n    s.scalars(q)\n", ("FAP203",), True),
    ],
)
def test_triggers_decide_which_files_are_parsed(
    tmp_path: Path, relative: str, source: str, select: tuple[str, ...], parsed: bool
) -> None:
    assert (_planned(tmp_path, relative, source, select) is not None) is parsed


def test_the_precheck_never_changes_findings(monkeypatch: pytest.MonkeyPatch) -> None:
    with_precheck = run_fixtures(jobs=1)
    monkeypatch.setattr(plan, "PRECHECK", False)
    assert run_fixtures(jobs=1) == with_precheck


def test_output_is_the_same_whatever_the_job_count(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch, "MIN_POOL_FILES", 1)
    assert run_fixtures(jobs=2) == run_fixtures(jobs=1)


def test_workers_send_facts_back_only_for_the_result_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch, "MIN_POOL_FILES", 1)
    config = project_config(FIXTURES / "demo")
    todo = [(p, str(p)) for p in discover([str(FIXTURES / "demo")], config).files]
    for caching in (True, False):
        outcomes = list(batch._check_all(todo, config, 2, ({}, {}), None, caching=caching))
        assert len(outcomes) == len(todo)
        sent = [outcome[7:] for outcome, _ in outcomes]
        assert any(facts is not None or parsed for facts, parsed, _ in sent) is caching


def test_a_file_no_rule_needs_is_still_checked_for_syntax(project: Path) -> None:
    write(project, {"scripts/broken.py": "def f(:\n", "scripts/new_syntax.py": "type Pair[T] = tuple[T, T]\n"})
    result = runner.invoke(app, ["--no-cache", "--output-format", "concise"])
    assert result.exit_code == 1
    assert result.output.splitlines()[0].startswith("scripts/broken.py:1:7: FAP001 SyntaxError")
    assert "new_syntax" not in result.output  # newer syntax than this Python's is not an error


def test_an_unused_noqa_in_a_file_no_rule_needs_is_reported(project: Path) -> None:
    write(project, {"app/api/users.py": "import os  # noqa: FAP101\n"})
    result = runner.invoke(app, ["--no-cache", "--output-format", "concise"])
    assert "app/api/users.py:1:12: FAP002 [*] Unused `noqa` directive (unused: FAP101)" in result.output


# ------------------------------------------------------------------ cache


def no_checker(config: Config) -> None:
    raise AssertionError("a file was checked although the cache holds its result")


def test_an_unchanged_tree_is_answered_from_the_cache(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(project, {**ROUTE_TO_REPO, "app/repositories/__init__.py": "", "app/repositories/users.py": ""})
    first = runner.invoke(app, ["--output-format", "concise"])
    assert first.exit_code == 1
    assert (project / CACHE_DIR_NAME / ".gitignore").read_text().splitlines()[-1] == "*"
    aged(project)
    monkeypatch.setattr(batch, "_checker", no_checker)
    os.utime(project / "app/api/users.py")  # a new mtime alone does not invalidate: the content decides
    second = runner.invoke(app, ["--output-format", "concise"])
    assert second.output == first.output
    assert second.exit_code == 1


def test_an_edited_file_is_checked_again(project: Path) -> None:
    write(project, {**ROUTE_TO_REPO, "app/repositories/__init__.py": "", "app/repositories/users.py": ""})
    assert runner.invoke(app, []).exit_code == 1
    write(project, {"app/api/users.py": "import os\n"})
    assert runner.invoke(app, []).exit_code == 0


def test_a_finding_that_depends_on_another_module_follows_that_module(project: Path) -> None:
    write(project, ROUTE_TO_REPO)
    assert runner.invoke(app, []).exit_code == 0  # the imported module does not exist (yet)
    aged(project)  # directory stamps now vouch for the recorded answers
    write(project, {"app/repositories/__init__.py": "", "app/repositories/users.py": ""})
    result = runner.invoke(app, ["--output-format", "concise", "app/api/users.py"])
    assert "FAP101" in result.output
    aged(project)
    (project / "app/repositories/users.py").unlink()
    assert runner.invoke(app, ["app/api/users.py"]).exit_code == 0


def test_configuration_is_part_of_the_key(project: Path) -> None:
    write(project, {**ROUTE_TO_REPO, "app/repositories/__init__.py": "", "app/repositories/users.py": ""})
    assert runner.invoke(app, []).exit_code == 1
    assert runner.invoke(app, ["--ignore", "FAP101"]).exit_code == 0
    write(project, {"pyproject.toml": '[tool.fapcheck.layers]\nrepository = ["nothing/**"]\n'})
    assert runner.invoke(app, []).exit_code == 0


def test_a_corrupt_or_foreign_pack_is_ignored_and_rewritten(project: Path) -> None:
    write(project, {**ROUTE_TO_REPO, "app/repositories/__init__.py": "", "app/repositories/users.py": ""})
    first = runner.invoke(app, ["--output-format", "concise"])
    packs = list((project / CACHE_DIR_NAME).rglob("*.pickle"))
    assert len(packs) == 1
    marker = project / "planted"
    for planted in (b"not a pickle", pickle.dumps(os.system), _planted_call(f"touch {marker}")):
        packs[0].write_bytes(planted)
        assert runner.invoke(app, ["--output-format", "concise"]).output == first.output
        assert not marker.exists()
        assert packs[0].read_bytes() != planted


def _planted_call(command: str) -> bytes:
    class Planted:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (os.system, (command,))

    return pickle.dumps({"x": Planted()})


def test_no_cache_writes_nothing(project: Path) -> None:
    write(project, ROUTE_TO_REPO)
    runner.invoke(app, ["--no-cache"])
    assert not (project / CACHE_DIR_NAME).exists()


# ------------------------------------------------------------------ start-up

PROBE = """
import sys
from fapcheck.cli import app
try:
    app(sys.argv[1:], prog_name="fapcheck")
except SystemExit:
    pass
watched = ("libcst", "rich", "pydantic", "pathspec", "tomllib")
sys.stderr.write("imported: " + " ".join(m for m in watched if m in sys.modules) + "\\n")
"""


def imported_modules(project: Path, *args: str, stdin: str | None = None) -> str:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *args], cwd=project, input=stdin, capture_output=True, text=True, env=env
    )
    return result.stderr.strip().splitlines()[-1]


def test_a_warm_run_does_not_import_libcst(project: Path) -> None:
    write(project, {**ROUTE_TO_REPO, "app/repositories/__init__.py": "", "app/repositories/users.py": ""})
    assert imported_modules(project) == "imported: libcst"
    assert imported_modules(project) == "imported:"


def test_a_warm_run_imports_what_it_uses(project: Path) -> None:
    """pydantic never (typer would convert the options with it), pathspec and tomllib only for the files
    that need them: a .gitignore or extend-exclude, a configuration file."""
    write(project, {**ROUTE_TO_REPO, "app/repositories/__init__.py": "", "app/repositories/users.py": ""})
    assert imported_modules(project, "--output-format", "concise", "--jobs", "1") == "imported: libcst"
    assert imported_modules(project, "--output-format", "concise", "--jobs", "1") == "imported:"
    write(project, {".gitignore": "build/\n", "pyproject.toml": "[tool.fapcheck]\n"})
    imported_modules(project)  # a new configuration: checked again
    assert imported_modules(project) == "imported: pathspec tomllib"


def test_one_file_that_no_rule_needs_does_not_import_libcst(project: Path) -> None:
    stdin = "import time\n\nfrom pydantic import BaseModel\n\n\ndef f() -> None:\n    time.sleep(1)\n"
    assert imported_modules(project, "-", "--stdin-filename", "app/schemas/user.py", stdin=stdin) == "imported:"


def test_an_editor_buffer_as_it_was_checked_is_answered_from_the_cache(project: Path) -> None:
    write(project, {**ROUTE_TO_REPO, "app/repositories/__init__.py": "", "app/repositories/users.py": ""})
    route = "app/api/users.py"
    source = (project / route).read_text()
    checked = runner.invoke(app, ["--output-format", "concise", "-q", route])
    assert "FAP101" in checked.output
    arguments = ("--output-format", "concise", "-q", "-", "--stdin-filename", route)
    assert imported_modules(project, *arguments, stdin=source) == "imported:"  # no parse, no libcst
    stdin = runner.invoke(app, list(arguments), input=source)
    assert stdin.output == checked.output
    # An edited buffer is checked; so is an unchanged one whose imported module changed layer.
    assert imported_modules(project, *arguments, stdin=source + "\n# edited\n") == "imported: libcst"
    # A path given whole is checked: the stored result shows other files as the run that stored it saw them.
    absolute = ("--output-format", "concise", "-q", "-", "--stdin-filename", str(project / route))
    assert imported_modules(project, *absolute, stdin=source) == "imported: libcst"
    write(project, {"app/repositories/users.py": "from fastapi import APIRouter\nrouter = APIRouter()\n"})
    assert imported_modules(project, *arguments, stdin=source) == "imported: libcst"


def test_answers_confirmed_once_are_stamped_for_the_next_run(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(project, {**ROUTE_TO_REPO, "app/repositories/__init__.py": "", "app/repositories/users.py": ""})
    first = runner.invoke(app, ["--output-format", "concise"])  # directories too new to vouch for anything
    aged(project)
    monkeypatch.setattr(batch, "_checker", no_checker)
    assert runner.invoke(app, ["--output-format", "concise"]).output == first.output  # answers asked again

    def no_questions(self: object, stamps: object) -> bool:
        raise AssertionError("the directory stamps should have vouched for the answers")

    monkeypatch.setattr(ProjectIndex, "still_holds", no_questions)
    assert runner.invoke(app, ["--output-format", "concise"]).output == first.output


def test_only_directories_that_exist_are_stamped(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A missing directory (a third-party module's would-be package) is vouched for by its parent's stamp."""
    write(project, {**ROUTE_TO_REPO, "app/api/deps.py": "import sqlalchemy.orm\nfrom app.nothing.here import x\n"})
    aged(project)
    first = runner.invoke(app, ["--output-format", "concise"])
    (pack,) = (project / CACHE_DIR_NAME).rglob("*.pickle")
    with pack.open("rb") as stream:
        entries = pickle.load(stream)
    stamped = {directory for entry in entries.values() for directory, _ in entry[4]}
    assert stamped and all(Path(directory).is_dir() for directory in stamped)
    monkeypatch.setattr(batch, "_checker", no_checker)
    assert runner.invoke(app, ["--output-format", "concise"]).output == first.output
    monkeypatch.undo()
    aged(project)
    write(project, {"app/repositories/users.py": "class UserRepository: ...\n"})  # a missing directory appears
    assert "FAP101" in runner.invoke(app, ["--output-format", "concise"]).output


def test_a_finding_that_depends_on_another_file_s_content_follows_it(project: Path) -> None:
    helper = "import time\n\ndef wait() -> None:\n    time.sleep(1)\n"
    route = "from app.services.slow import wait\n\nasync def h() -> None:\n    wait()\n"
    write(project, {"app/services/slow.py": helper, "app/api/routes/x.py": route})
    past = time.time() - 60
    for path in project.rglob("*"):
        os.utime(path, (past, past))  # old enough for every stamp to vouch
    assert "FAP406" in runner.invoke(app, ["--output-format", "concise"]).output
    assert "FAP406" in runner.invoke(app, ["--output-format", "concise"]).output
    write(project, {"app/services/slow.py": helper.replace("time.sleep(1)", "pass")})
    assert "FAP406" not in runner.invoke(app, ["--output-format", "concise"]).output


# ------------------------------------------------------------------ module facts

DEPS_AND_ROUTE = {
    "app/__init__.py": "",
    "app/api/__init__.py": "",
    "app/api/deps.py": (
        "from typing import Annotated\n"
        "from fastapi import Depends\n"
        "from sqlalchemy.orm import Session\n"
        "def get_db():\n"
        "    yield Session()\n"
        "SessionDep = Annotated[Session, Depends(get_db)]\n"
    ),
    "app/api/routes/__init__.py": "",
    "app/api/routes/items.py": (
        "from fastapi import APIRouter\n"
        "from app.api.deps import SessionDep\n"
        "router = APIRouter()\n"
        "@router.get('/items')\n"
        "def read_items(session: SessionDep) -> None:\n"
        "    session.commit()\n"
    ),
}


@pytest.fixture
def facts_parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The modules whose facts were read by parsing them again."""
    from fapcheck.semantic import facts_ast as facts

    parsed: list[str] = []
    original = facts.module_facts

    def counting(path: Path, *args: object, **kwargs: object) -> object:
        parsed.append(path.name)
        return original(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(facts, "module_facts", counting)
    return parsed


def test_facts_of_a_module_checked_in_the_same_run_are_not_parsed_again(project: Path, facts_parses: list[str]) -> None:
    write(project, DEPS_AND_ROUTE)
    result = runner.invoke(app, ["--no-cache", "-j", "1", "--output-format", "concise"])
    assert "app/api/routes/items.py:6:5: FAP202" in result.output
    assert facts_parses == []  # deps.py is checked (sorted) before the route that reads its facts


def test_facts_of_other_modules_come_from_the_cache(project: Path, facts_parses: list[str]) -> None:
    write(project, DEPS_AND_ROUTE)
    first = runner.invoke(app, ["--output-format", "concise"])
    route = "app/api/routes/items.py"
    source = (project / route).read_bytes()
    edited = source + b"\n# edited\n"  # a buffer the cache has no result for: checked, with stored facts
    stdin = runner.invoke(app, ["--output-format", "concise", "--stdin-filename", route, "-"], input=edited)
    assert stdin.output == first.output
    write(project, {"app/api/routes/items.py": source.decode() + "\n"})  # the route is checked again
    assert runner.invoke(app, ["--output-format", "concise", route]).output == first.output
    assert facts_parses == []
    # An edited module is parsed again: its stored facts describe the old text.
    edited = DEPS_AND_ROUTE["app/api/deps.py"].replace("Session, Depends", "int, Depends")
    write(project, {"app/api/deps.py": edited.replace("yield Session()", "yield 0")})
    result = runner.invoke(app, ["--output-format", "concise", route])
    assert "FAP202" not in result.output
    assert facts_parses == ["deps.py"]


def test_results_that_depend_on_the_same_file_share_one_record_of_it(project: Path) -> None:
    route = DEPS_AND_ROUTE["app/api/routes/items.py"]
    write(project, {**DEPS_AND_ROUTE, "app/api/routes/orders.py": route.replace("items", "orders")})
    first = runner.invoke(app, ["--output-format", "concise"])
    assert first.output.count("FAP202") == 2
    (pack,) = (project / CACHE_DIR_NAME).rglob("*.pickle")
    with pack.open("rb") as stream:
        entries = pickle.load(stream)
    items, orders = (entries[str(project / f"app/api/routes/{name}.py")][5] for name in ("items", "orders"))
    deps = str(project / "app/api/deps.py")
    (from_items,) = (triple for triple in items if triple[0] == deps)
    (from_orders,) = (triple for triple in orders if triple[0] == deps)
    assert from_items is from_orders  # stored once in the pack, checked once per run
    assert runner.invoke(app, ["--output-format", "concise"]).output == first.output


def test_corrupt_stored_facts_are_read_from_the_module_again(project: Path, facts_parses: list[str]) -> None:
    write(project, DEPS_AND_ROUTE)
    first = runner.invoke(app, ["--output-format", "concise"])
    (pack,) = (project / CACHE_DIR_NAME).rglob("*.pickle")
    with pack.open("rb") as stream:  # the entries, then their pickled facts
        entries, heavy = pickle.load(stream), pickle.load(stream)
    deps = str(project / "app/api/deps.py")
    answers, _, functions = heavy[deps]
    heavy[deps] = (answers, b"not a pickle", functions)
    pack.write_bytes(pickle.dumps(entries) + pickle.dumps(heavy))
    route = "app/api/routes/items.py"
    edited = (project / route).read_bytes() + b"\n# edited\n"  # a buffer the cache has no result for
    stdin = runner.invoke(app, ["--output-format", "concise", "--stdin-filename", route, "-"], input=edited)
    assert stdin.output == first.output
    assert facts_parses == ["deps.py"]


def test_worker_processes_share_module_facts_by_content(tmp_path: Path) -> None:
    from fapcheck.semantic.exchange import FactsExchange
    from fapcheck.semantic.symbols import ModuleFacts

    exchange = FactsExchange(tmp_path)
    facts = ModuleFacts("app.models", "model", imports=("sqlalchemy.orm",))
    exchange.put("/p/app/models.py", b"digest-1", facts)
    assert exchange.get("/p/app/models.py", "app.models", "model", b"digest-1") == facts
    assert exchange.get("/p/app/models.py", "app.models", "model", b"digest-2") is None  # the file changed
    assert exchange.get("/p/app/models.py", "models", "model", b"digest-1") is None  # reached by another name
    from fapcheck.semantic.symbols import FunctionFacts

    functions = {"app.models.load": FunctionFacts("app.models.load", False, "/p/app/models.py", "open()")}
    exchange.put_functions("/p/app/models.py", "app.models", b"digest-1", functions)
    assert exchange.get_functions("/p/app/models.py", "app.models", b"digest-1") == functions
    assert exchange.get_functions("/p/app/models.py", "app.models", b"digest-2") is None
    for entry in tmp_path.glob("*.pickle"):
        entry.write_bytes(b"not a pickle")
    assert exchange.get("/p/app/models.py", "app.models", "model", b"digest-1") is None
    assert exchange.get_functions("/p/app/models.py", "app.models", b"digest-1") is None


def test_facts_kept_between_checks_are_used_while_the_module_is_unchanged(
    project: Path, facts_parses: list[str]
) -> None:
    """The language server keeps one dict of facts for all its checks."""
    from fapcheck.engine.runner import Checker
    from fapcheck.semantic.index import KnownFacts

    write(project, DEPS_AND_ROUTE)
    route = project / "app/api/routes/items.py"
    kept: KnownFacts = {}

    def check() -> list[str]:
        checker = Checker(Config(root=project))
        checker.index.known_facts = kept
        return [f.code for f in checker.check_source(route.read_bytes(), route, "items.py").findings]

    assert check() == ["FAP202"]
    assert check() == ["FAP202"]
    assert facts_parses == ["deps.py"]
    edited = DEPS_AND_ROUTE["app/api/deps.py"].replace("Session, Depends", "int, Depends")
    write(project, {"app/api/deps.py": edited.replace("yield Session()", "yield 0")})
    assert check() == []
    assert facts_parses == ["deps.py", "deps.py"]


def test_facts_parsed_for_a_module_no_rule_parses_are_kept_in_its_cache_entry(
    project: Path, facts_parses: list[str]
) -> None:
    service = "from app.errors import credentials_error\n\ndef check() -> None:\n    raise credentials_error\n"
    write(
        project,
        {
            "app/__init__.py": "",
            "app/errors.py": "from fastapi import HTTPException\ncredentials_error = HTTPException(401)\n",
            "app/services/__init__.py": "",
            "app/services/auth.py": service,
        },
    )
    first = runner.invoke(app, ["--output-format", "concise"])
    assert "app/services/auth.py:4:5: FAP301" in first.output
    assert facts_parses == ["errors.py"]  # no rule parses errors.py itself: its facts are parsed for auth.py
    name = "app/services/auth.py"
    stdin = runner.invoke(app, ["--output-format", "concise", "--stdin-filename", name, "-"], input=service.encode())
    assert stdin.output == first.output
    assert facts_parses == ["errors.py"]  # the next run found them in errors.py's own cache entry


def test_facts_parsed_elsewhere_attach_to_the_module_s_entry_with_the_same_content(tmp_path: Path) -> None:
    from fapcheck.engine.cache import ResultCache
    from fapcheck.findings import FileResult
    from fapcheck.semantic.storage import load_facts
    from fapcheck.semantic.symbols import ModuleFacts

    cache = ResultCache(tmp_path / "cache", Config(root=tmp_path))
    facts = ModuleFacts("app.errors", "unmapped", imports=("fastapi.HTTPException",))
    stored, later, changed = str(tmp_path / "a.py"), str(tmp_path / "b.py"), str(tmp_path / "c.py")
    cache.store(Path(stored), "a.py", b"digest-a", None, FileResult("a.py", "unmapped"), ())
    cache.store(Path(changed), "c.py", b"digest-c", None, FileResult("c.py", "unmapped"), ())
    # Parsed while other files were checked: before b.py's own entry exists, and from an older c.py.
    cache.attach_facts([(stored, b"digest-a", facts), (later, b"digest-b", facts), (changed, b"old", facts)])
    cache.store(Path(later), "b.py", b"digest-b", None, FileResult("b.py", "unmapped"), ())
    known = cache.known_facts()
    assert sorted(known) == [stored, later]
    assert all(load_facts(blob) == facts for _, blob in known.values() if isinstance(blob, bytes))


def test_the_second_part_of_a_pack_is_read_only_from_the_file_its_entries_came_from(tmp_path: Path) -> None:
    from fapcheck.engine.cache import ResultCache
    from fapcheck.findings import FileResult

    config = Config(root=tmp_path)
    path = tmp_path / "a.py"
    writer = ResultCache(tmp_path / "cache", config)
    writer.store(path, "a.py", b"digest-a", None, FileResult("a.py", "unmapped"), ())
    writer.attach_functions([(str(path), b"digest-a", ("a", {}))])
    path.write_text("")  # a pack keeps the entries of files that exist
    assert writer.save() is None
    assert str(path) in ResultCache(tmp_path / "cache", config).known_functions()
    reader = ResultCache(tmp_path / "cache", config)  # has read the entries, not the rest
    assert str(path) in reader.entries
    other = ResultCache(tmp_path / "cache", config)
    other.store(path, "a.py", b"digest-b", None, FileResult("a.py", "unmapped"), ())
    other.attach_functions([(str(path), b"digest-b", ("a", {}))])
    assert other.save() is None  # replaces the pack with another file
    assert reader.known_functions() == {}  # the replaced pack's rest does not belong to the entries read
