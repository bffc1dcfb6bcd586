"""Run many files: the result cache first, then a process pool for what is left.

Nothing here imports libcst: a run whose files all come from the cache, or
need no parse, never pays for it. Results are sorted by path, so the output is
the same whatever the number of processes and whichever finishes first.
"""

from __future__ import annotations

import gc
import os
import signal
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, cast

from fapcheck.config import Config
from fapcheck.engine.cache import ResultCache
from fapcheck.findings import FileResult, Finding
from fapcheck.reading import read_regular
from fapcheck.semantic.index import (
    Contents,
    FileStamp,
    KnownFacts,
    KnownFunctions,
    ProjectIndex,
    Stamps,
    digest_of,
    file_stat,
)

if TYPE_CHECKING:
    from fapcheck.engine.runner import Checker
    from fapcheck.semantic.symbols import FunctionFacts, ModuleFacts

# Below this many files to check, starting worker processes costs more than it saves.
MIN_POOL_FILES = 16
_CHUNK_MAX = 64
_GC_THRESHOLD = 100_000

# Facts of other modules parsed during a check: (file, digest of its content, facts).
Parsed = tuple[tuple[str, bytes, "ModuleFacts"], ...]
# FAP406's function facts computed during a check, the checked module's own among them.
ParsedFunctions = tuple[tuple[str, bytes, tuple[str, object]], ...]
# (path, display, result, digest, stat, directory stamps, contents depended on, the module's own facts,
# other modules' facts parsed on the way, function facts)
Outcome = tuple[
    Path,
    str,
    FileResult,
    bytes | None,
    FileStamp | None,
    Stamps,
    Contents,
    "ModuleFacts | bytes | None",
    Parsed,
    ParsedFunctions,
]


@dataclass(frozen=True, slots=True)
class Fixing:
    """What `--fix` (write) or `--diff` (do not write) applies: the safe fixes, or the unsafe ones too."""

    unsafe: bool = False
    write: bool = True

    def wanted(self, result: FileResult) -> bool:
        """Whether the file has something to fix; a file without is done once it is checked."""
        return any(f.fix is not None and (f.fix.safe or self.unsafe) for f in result.findings)


@dataclass(frozen=True, slots=True)
class FileFix:
    """What fixing one file did: the fixes written, or the diff; why nothing was written."""

    display: str
    fixed: int = 0
    diff: str = ""
    error: str | None = None  # the fixes could not be written
    problem: str | None = None  # the fixes were not applied: the result would not parse
    source: bytes | None = None  # standard input's source after the fixes
    skipped: str | None = None  # not fixed: the file changed on disk while the run went on


@dataclass(frozen=True, slots=True)
class RunResult:
    files: tuple[FileResult, ...]
    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    fixes: tuple[FileFix, ...] = ()  # with --fix or --diff, sorted by path

    @property
    def findings(self) -> list[Finding]:
        return sorted(finding for result in self.files for finding in result.findings)

    @staticmethod
    def merge(runs: Iterable[RunResult]) -> RunResult:
        """The runs of several projects as one."""
        runs = list(runs)
        return RunResult(
            tuple(sorted((r for run in runs for r in run.files), key=lambda r: r.path)),
            tuple(e for run in runs for e in run.errors),
            tuple(w for run in runs for w in run.warnings),
            tuple(sorted((f for run in runs for f in run.fixes), key=lambda f: f.display)),
        )


def default_jobs() -> int:
    """The cores this process may run on."""
    affinity = getattr(os, "sched_getaffinity", None)
    if affinity is not None:
        return max(1, len(affinity(0)))
    return max(1, os.cpu_count() or 1)


def run(
    targets: Sequence[tuple[Path, str]],
    config: Config,
    stdin: tuple[bytes, Path, str] | None = None,
    on_result: Callable[[FileResult], object] | None = None,
    *,
    jobs: int | None = None,
    cache_dir: Path | None = None,
    fixing: Fixing | None = None,
) -> RunResult:
    """Check files given as (path, display path); `stdin` is (source, path for the layer, display path).

    `jobs` processes (default: one per core) check the files the cache in `cache_dir` cannot answer;
    `on_result` is called as each file is done (progress display). With `fixing`, the files with something
    to fix are fixed (or their diffs made) by the same processes; the cache answers for the others.
    """
    results: list[FileResult] = []
    warnings: list[str] = []
    fixes: list[FileFix] = []
    cache = ResultCache(cache_dir, config) if cache_dir is not None else None
    todo: list[tuple[Path, str]] = list(targets)
    if cache is not None:
        index = ProjectIndex(config.root, config.layer_map(), config.src)
        todo = []
        for path, display in targets:
            hit = cache.lookup(path, display, index)
            if hit is None or (fixing is not None and fixing.wanted(hit)):
                todo.append((path, display))
            else:
                results.append(hit)
                if on_result is not None:
                    on_result(hit)
        # An editor's buffer as it was checked: nothing to parse. Only for a path shown relative to the
        # current directory: the stored result shows other files as the run that stored it saw them.
        if stdin is not None and fixing is None and not os.path.isabs(stdin[2]):
            source, stdin_path, stdin_display = stdin
            hit = cache.lookup_source(Path(os.path.abspath(stdin_path)), stdin_display, source, index)
            if hit is not None:
                results.append(hit)
                stdin = None
    reading = cache is not None and (todo or stdin is not None)
    known: Known = (cache.known_facts(), cache.known_functions()) if cache is not None and reading else ({}, {})
    if todo:
        outcomes = _check_all(todo, config, jobs or default_jobs(), known, fixing, caching=cache is not None)
        for (path, display, result, digest, stat, probes, contents, facts, parsed, functions), done in outcomes:
            results.append(result)
            if done is not None:
                fixes.append(done)
            if on_result is not None:
                on_result(result)
            if cache is not None and digest is not None and not result.errors:
                cache.store(path, display, digest, stat, result, probes, contents, facts)
            if cache is not None:
                cache.attach_facts(parsed)
                cache.attach_functions(functions)
    if stdin is not None:
        result, parsed, functions = _check_stdin(config, known, *stdin)
        if fixing is not None:
            result, done = _fix_stdin(config, known, fixing, result, *stdin)
            fixes.append(done)
        results.append(result)
        if cache is not None:
            cache.attach_facts(parsed)
            cache.attach_functions(functions)
    if cache is not None:
        warning = cache.save()
        if warning is not None:
            warnings.append(warning)
    warnings += [done.problem for done in fixes if done.problem]
    warnings += [done.skipped for done in fixes if done.skipped]
    return RunResult(
        tuple(sorted(results, key=lambda r: r.path)),
        tuple(done.error for done in fixes if done.error),
        tuple(warnings),
        tuple(sorted(fixes, key=lambda f: f.display)),
    )


def _check_stdin(
    config: Config, known: Known, source: bytes, path: Path, display: str
) -> tuple[FileResult, Parsed, ParsedFunctions]:
    """An editor's one file: libcst is imported only if a rule may fire in it."""
    from fapcheck.engine.plan import Planner  # not on a run the cache answers

    plan = Planner(config).plan(source, path, display)
    if plan.result is not None:
        return plan.result, (), ()
    checker = _checker(config, known)
    result = checker.check_source(source, path, display)
    # The file's own function facts describe the editor's text, not the file: not kept.
    functions = tuple(item for item in checker.index.take_parsed_functions() if item[1])
    return result, checker.index.take_parsed(), functions


def _fix_stdin(
    config: Config, known: Known, fixing: Fixing, checked: FileResult, source: bytes, path: Path, display: str
) -> tuple[FileResult, FileFix]:
    """Standard input's fixes: `--fix` gives its fixed source (its own when nothing is fixed), `--diff` a diff."""
    if not fixing.wanted(checked):
        return checked, FileFix(display, source=source if fixing.write else None)
    from fapcheck.engine.fixes import fix_source, unified_diff

    outcome = fix_source(_checker(config, known), source, path, display, fixing.unsafe, checked.findings)
    if not fixing.write:
        diff = unified_diff(source, outcome.source, display) if outcome.changed(source) else ""
        return checked, FileFix(display, diff=diff, problem=outcome.problem)
    done = FileFix(display, outcome.fixed, problem=outcome.problem, source=outcome.source)
    return FileResult(display, checked.layer, outcome.findings), done


# What earlier runs know about modules, from the result cache: their facts and their function facts.
Known = tuple[KnownFacts, KnownFunctions]


def _checker(config: Config, known: Known) -> Checker:
    from fapcheck.engine.runner import Checker

    checker = Checker(config)
    checker.index.known_facts = dict(known[0])
    checker.index.known_functions = dict(known[1])
    return checker


def _check_file(checker: Checker, path: Path, display: str) -> Outcome:
    stat = file_stat(path)
    try:
        source = read_regular(path)
    except OSError:
        return path, display, checker.check_path(path, display), None, None, (), (), None, (), ()
    digest = digest_of(source)
    checker.index.record()
    try:
        result = checker.check_source(source, path, display, digest)
    finally:
        probes, contents = checker.index.recorded(), checker.index.recorded_contents()
    learnt = checker.index.known_facts.get(str(path))
    facts = learnt[1] if learnt is not None and learnt[0] == digest else None
    own = os.path.abspath(path)  # the checked file's own function facts get the digest of what was checked
    functions = tuple(
        (key, digest if key == own else facts_digest, value)
        for key, facts_digest, value in checker.index.take_parsed_functions()
        if facts_digest or key == own
    )
    exchange = checker.index.exchange
    # Calls from other workers lead into services, repositories, dependencies and helpers, seldom elsewhere.
    if exchange is not None and result.layer not in _NOT_CALLED_INTO:
        for key, _, (module, found) in (item for item in functions if item[0] == own):
            exchange.put_functions(key, module, digest, cast("dict[str, FunctionFacts]", found))
    return path, display, result, digest, stat, probes, contents, facts, checker.index.take_parsed(), functions


_NOT_CALLED_INTO = frozenset(("route", "model", "schema"))


def _process(checker: Checker, path: Path, display: str, fixing: Fixing | None) -> Processed:
    """Check a file; with `fixing`, fix it when the check found something to fix."""
    outcome = _check_file(checker, path, display)
    result, digest = outcome[2], outcome[3]
    if fixing is None or digest is None or not fixing.wanted(result):
        return outcome, None
    from fapcheck.engine.fixes import fix_file

    done, fixed = fix_file(checker, path, display, result, digest, fixing)
    if fixed is None:  # the file on disk is the one checked
        return outcome, done
    # Written: the next run checks and caches the new content.
    return (path, display, fixed, None, *outcome[4:]), done


# An outcome, with what fixing the file did (None when not fixing).
Processed = tuple[Outcome, "FileFix | None"]


# Lower layers are checked first: the routes checked after them then find the facts of the services
# they call already collected. Within a layer the biggest files go first, so that the last files handed
# out are small ones. Output is sorted by path, whatever the order of checking.
_CHECK_ORDER = {layer: rank for rank, layer in enumerate(("model", "schema", "repository", "service", "dependency"))}


def _check_order(todo: list[tuple[Path, str]], config: Config) -> list[tuple[Path, str, int]]:
    """The files in the order they are checked, each with its size."""
    layer_map = config.layer_map()
    last = len(_CHECK_ORDER)
    sized = [(path, display, (file_stat(path) or (0, 0, 0))[2]) for path, display in todo]
    return sorted(sized, key=lambda item: (_CHECK_ORDER.get(layer_map.path_layer(item[0]), last), -item[2], item[1]))


def _chunks(ordered: list[tuple[Path, str, int]], jobs: int) -> list[list[tuple[Path, str]]]:
    """Consecutive files of about the same total size, eight chunks per process at least: a chunk of big
    files holds fewer of them, so the chunk checked last does not decide when the run ends."""
    target = max(1, sum(size for *_, size in ordered) // (jobs * 8))
    chunks: list[list[tuple[Path, str]]] = []
    chunk: list[tuple[Path, str]] = []
    weight = 0
    for path, display, size in ordered:
        chunk.append((path, display))
        weight += size
        if weight >= target or len(chunk) >= _CHUNK_MAX:
            chunks.append(chunk)
            chunk, weight = [], 0
    if chunk:
        chunks.append(chunk)
    return chunks


def _check_all(
    todo: list[tuple[Path, str]],
    config: Config,
    jobs: int,
    known: Known,
    fixing: Fixing | None,
    *,
    caching: bool = True,
) -> Iterator[Processed]:
    """Each file's outcome, checked in this process or by `jobs` workers; without `caching`, the workers
    send no facts back (only the result cache keeps them)."""
    ordered = _check_order(todo, config)
    if jobs <= 1 or len(ordered) < MIN_POOL_FILES:
        checker = _checker(config, known)
        with _rare_collections():
            for path, display, _ in ordered:
                yield _process(checker, path, display, fixing)
        return
    import multiprocessing
    import shutil
    import tempfile  # these three only when files are checked in worker processes

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    if context.get_start_method() == "fork":
        _warm(config)  # children inherit the imported parser and rules instead of each importing them
    chunks = _chunks(ordered, jobs)
    exchange = tempfile.mkdtemp(prefix="fapcheck-facts-")
    # The children's collectors never walk what they inherit: walking it would write to (so copy) its pages.
    gc.freeze()
    try:
        initargs = (config, known, exchange, fixing, caching)
        with ExitStack() as stack:  # a Ctrl-C held while the workers started arrives inside: the pool is ended
            with _interrupts_held():
                pool = stack.enter_context(context.Pool(min(jobs, len(chunks)), _init_worker, initargs))
            for outcomes in pool.imap_unordered(_check_chunk, chunks):
                yield from outcomes
    finally:
        gc.unfreeze()
        shutil.rmtree(exchange, ignore_errors=True)


def _warm(config: Config) -> None:
    import libcst

    from fapcheck.engine.plan import ENGINE_CODES
    from fapcheck.rules import rule_class

    for code in config.enabled_codes - ENGINE_CODES:
        rule_class(code)
    libcst.parse_module("async def f():\n    import x\n")


@contextmanager
def _interrupts_held() -> Iterator[None]:
    """SIGINT is held (blocked, not lost) while workers are started: they inherit the block and ignore
    the signal before they lift it (Ctrl-C reaches the whole process group; only the parent answers it, by
    ending the pool, never each worker with a traceback), and the parent gets a Ctrl-C pressed meanwhile
    as soon as the block is lifted."""
    block = getattr(signal, "pthread_sigmask", None)
    if block is None:
        yield
        return
    previous = block(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        block(signal.SIG_SETMASK, previous)


def _ignore_interrupts() -> None:
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        # The parent ends its workers with SIGTERM: a worker dies at once (never inside a file's
        # replacement, see `writes.replace_file`), whatever handler it inherited from the parent.
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    block = getattr(signal, "pthread_sigmask", None)
    if block is not None:
        block(signal.SIG_UNBLOCK, {signal.SIGINT})


@contextmanager
def _rare_collections() -> Iterator[None]:
    """Syntax trees are many small objects without cycles: a full collection every 700 of them is waste."""
    old = gc.get_threshold()
    gc.set_threshold(_GC_THRESHOLD, *old[1:])
    try:
        yield
    finally:
        gc.set_threshold(*old)


_WORKER: Checker | None = None
_FIXING: Fixing | None = None
_CACHING = True


def _init_worker(config: Config, known: Known, exchange: str, fixing: Fixing | None, caching: bool) -> None:
    global _WORKER, _FIXING, _CACHING
    _ignore_interrupts()
    _FIXING, _CACHING = fixing, caching
    from fapcheck.semantic.exchange import FactsExchange

    _WORKER = _checker(config, known)
    _WORKER.index.exchange = FactsExchange(Path(exchange))
    gc.set_threshold(_GC_THRESHOLD, *gc.get_threshold()[1:])  # a worker process is ours alone


def _check_chunk(chunk: list[tuple[Path, str]]) -> list[Processed]:
    assert _WORKER is not None
    done = [_process(_WORKER, path, display, _FIXING) for path, display in chunk]
    if _CACHING:
        return done
    # Facts travel to the parent only for the result cache: without one, pickling them is waste.
    return [((*outcome[:7], None, (), ()), fixed) for outcome, fixed in done]
