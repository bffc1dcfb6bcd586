"""Time fapcheck against its peers, in one run, on the same files.

    python benchmarks/compare.py --files 2000 --peers /tmp/bench-venv/bin
    python benchmarks/compare.py --project ../some-fastapi-app
    python benchmarks/compare.py --scaling 100,1000,5000
    python benchmarks/compare.py --files 2000 --fix-only
    python benchmarks/compare.py --project ../some-fastapi-app --before HEAD~8

`--before REF` also times fapcheck's own figures with its sources at a git ref, each figure for both
versions in turn (so that both see the same load), and prints before/after ratios, the CPU of two jobs
against one, the cold run against the libcst floor and the warm run against ruff's cached run.

Every figure is the median of several runs, process start included, as wall
time and as CPU time (user + system, of the process and every process it
waited for); ratios are a peer's time divided by fapcheck's (above 1: fapcheck
is faster). On a machine shared with other work, wall times stretch with the
load while CPU times hardly move, so read the CPU ratios there, and the wall
ratios on a quiet machine (parallel runs gain wall time, not CPU time). Peers are
looked up in `--peers` (a venv's bin directory), then on PATH; a missing one is
skipped. Nothing is written into the checked project: caches go to a
temporary directory.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate

REPO = Path(__file__).resolve().parent.parent
FAPCHECK = [sys.executable, "-m", "fapcheck", "--isolated", "--exit-zero", "--output-format", "concise"]

PARSE_ALL = """
import sys, time
from multiprocessing import Pool
import libcst

def parse(path):
    with open(path, "rb") as handle:
        libcst.parse_module(handle.read())

if __name__ == "__main__":
    paths = [line.strip() for line in open(sys.argv[1]) if line.strip()]
    with Pool(int(sys.argv[2])) as pool:
        pool.map(parse, paths, chunksize=16)
"""

_CACHED_STDIN = "fapcheck one file (stdin), cache warm"
_EDITED_STDIN = "fapcheck one file (stdin), edited, cache warm"
_WARM_FIXED = "fapcheck warm, fixed tree"
_FIX_FIXED = "fapcheck --fix, fixed tree, cache warm"

AST_ALL = """
import ast, sys
for line in open(sys.argv[1]):
    if line.strip():
        with open(line.strip(), "rb") as handle:
            ast.parse(handle.read())
"""


@dataclass
class Timing:
    name: str
    seconds: list[float]
    cpu: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_once(
    command: Sequence[str], cwd: Path, stdin: bytes | None = None, env: dict[str, str] | None = None
) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one run."""
    cpu = _children_cpu()
    start = time.perf_counter()
    subprocess.run(
        list(command),
        cwd=cwd,
        input=stdin,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env if env is not None else _env(),
        check=False,
    )
    return time.perf_counter() - start, _children_cpu() - cpu


def measure(
    name: str,
    command: Sequence[str],
    cwd: Path,
    repeat: int,
    budget: float,
    stdin: bytes | None = None,
    env: dict[str, str] | None = None,
    before: Callable[[], None] | None = None,
) -> Timing:
    """Median of `repeat` runs, fewer when the runs exceed `budget` seconds in total."""
    seconds: list[float] = []
    cpu: list[float] = []
    while len(seconds) < repeat and (not seconds or sum(seconds) < budget):
        if before is not None:
            before()
        wall, used = run_once(command, cwd, stdin, env)
        seconds.append(wall)
        cpu.append(used)
    timing = Timing(name, seconds, cpu)
    print(f"  {name:<46} {timing.median:8.3f} s wall {timing.cpu_median:8.3f} s CPU  (n={len(seconds)})", flush=True)
    return timing


def peak_memory_mb(command: Sequence[str], cwd: Path, env: dict[str, str] | None = None) -> float:
    """The largest sum of resident memory over the process and its children, sampled every 20 ms."""
    process = subprocess.Popen(
        list(command), cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env or _env()
    )
    peak = 0
    while process.poll() is None:
        peak = max(peak, _tree_rss(process.pid))
        time.sleep(0.02)
    return peak / 1024


def _tree_rss(root: int) -> int:
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{entry}/statm") as handle:
                pages = int(handle.read().split()[1])
        except OSError:
            continue
        parents[int(entry)] = int(fields[1])
        rss[int(entry)] = pages * os.sysconf("SC_PAGE_SIZE") // 1024
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(child for child, parent in parents.items() if parent == pid)
    return total


def find_tool(name: str, peers: Path | None) -> str | None:
    if peers is not None and (peers / name).exists():
        return str((peers / name).absolute())  # the peers run in the project's directory
    return shutil.which(name)


def python_files(root: Path) -> list[Path]:
    skip = {".git", ".venv", "venv", "node_modules", "__pycache__", ".fapcheck_cache", ".ruff_cache"}
    found: list[Path] = []
    for directory, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in skip)
        found.extend(Path(directory) / f for f in filenames if f.endswith(".py"))
    return sorted(found)


def one_file(files: list[Path]) -> Path:
    """A route module of typical size: the editor's case."""
    routes = [p for p in files if "route" in p.as_posix() or "api" in p.as_posix()] or files
    return min(routes, key=lambda p: abs(len(p.read_bytes().splitlines()) - 300))


def fix_timings(project: Path, scratch: Path, repeat: int, budget: float, env: dict[str, str]) -> list[Timing]:
    """`--fix` on a tree it has fixed before, cache warm, beside a warm check of the same tree (a copy)."""
    tree = scratch / "fixed"
    shutil.copytree(project, tree)
    cache = ["--cache-dir", str(scratch / "fix-cache")]
    for _ in range(2):  # fix; then check and cache the files the fixes rewrote
        run_once([*FAPCHECK, *cache, "--fix", "."], tree, env=env)
    return [
        measure(_WARM_FIXED, [*FAPCHECK, *cache, "."], tree, repeat, budget, env=env),
        measure(_FIX_FIXED, [*FAPCHECK, *cache, "--fix", "."], tree, repeat, budget, env=env),
    ]


def compare_fix(project: Path, repeat: int, budget: float) -> None:
    scratch = Path(tempfile.mkdtemp(prefix="fapcheck-bench-"))
    try:
        print(f"{project}: {len(python_files(project))} files; Python {sys.version.split()[0]}")
        results = {timing.name: timing for timing in fix_timings(project, scratch, repeat, budget, _env())}
        _ratios(results)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


_CACHE = "{cache}"
BEFORE = "before: "


def _figures(single: str, source: bytes) -> list[tuple[str, list[str], bytes | None]]:
    """fapcheck's own figures: (name, arguments, stdin)."""
    return [
        ("fapcheck cold", ["--no-cache", "."], None),
        ("fapcheck cold, 1 process", ["--no-cache", "-j", "1", "."], None),
        ("fapcheck warm", ["--cache-dir", _CACHE, "."], None),
        ("fapcheck one file (stdin)", ["--no-cache", "-", "--stdin-filename", single], source),
        # The editor's case: the project was checked before, so other modules' facts come from the cache.
        (_CACHED_STDIN, ["--cache-dir", _CACHE, "-", "--stdin-filename", single], source),
        # The same with the buffer edited since: the cache has no result for this text, only the facts.
        (_EDITED_STDIN, ["--cache-dir", _CACHE, "-", "--stdin-filename", single], source + b"\n# edited\n"),
    ]


def _checkout(ref: str, into: Path, env: dict[str, str]) -> dict[str, str]:
    """fapcheck's sources at a git ref of this repository, and the environment that runs them."""
    into.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(REPO), "archive", ref, "src"], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return {**env, "PYTHONPATH": str(into / "src")}


def _before_after(results: dict[str, Timing], ref: str) -> None:
    print(f"\nbefore ({ref}) / after (this checkout)        wall before   after  ratio    CPU before   after  ratio")
    for name, _, _ in _figures("", b""):
        old, new = results.get(BEFORE + name), results.get(name)
        if old is not None and new is not None:
            wall, cpu = old.median / new.median, old.cpu_median / new.cpu_median
            print(
                f"  {name:<42} {old.median:9.3f} {new.median:7.3f} {wall:6.2f}"
                f"  {old.cpu_median:11.3f} {new.cpu_median:7.3f} {cpu:6.2f}"
            )
    floor = next((t for n, t in results.items() if n.startswith("libcst.parse_module")), None)
    ruff = results.get("ruff ASYNC,FAST cached")
    for prefix, label in ((BEFORE, "before"), ("", "after")):
        cold, one, warm = (
            results.get(prefix + n) for n in ("fapcheck cold", "fapcheck cold, 1 process", "fapcheck warm")
        )
        if cold is None or one is None:
            continue
        line = f"  {label:<6} CPU of 2 jobs / 1 job {cold.cpu_median / one.cpu_median:5.2f}"
        if floor is not None:
            line += f"; libcst floor / cold (wall) {floor.median / cold.median:5.2f}"
        if ruff is not None and warm is not None:
            line += f"; warm / ruff cached (wall) {warm.median / ruff.median:6.1f}"
        print(line)


def compare(
    project: Path,
    peers: Path | None,
    repeat: int,
    budget: float,
    jobs: int,
    single: Path | None,
    skip: set[str],
    before: str | None = None,
) -> None:
    files = python_files(project)
    lines = sum(len(p.read_bytes().splitlines()) for p in files)
    print(f"{project}: {len(files)} files, {lines} lines; {jobs} cores; Python {sys.version.split()[0]}")
    scratch = Path(tempfile.mkdtemp(prefix="fapcheck-bench-"))
    listing = scratch / "files.txt"
    listing.write_text("\n".join(str(p) for p in files))
    env = _env()
    fapcheck = FAPCHECK
    single = single.resolve() if single is not None else one_file(files)
    single_rel = str(single.relative_to(project))
    results: dict[str, Timing] = {}

    def add(timing: Timing) -> None:
        results[timing.name] = timing

    versions = [("", env)]
    if before is not None:
        versions.insert(0, (BEFORE, _checkout(before, scratch / "before", env)))
    source = single.read_bytes()
    for _, version_env in versions:  # byte-compiles fapcheck, as installing would
        run_once([*fapcheck, "--no-cache", single_rel], project, env=version_env)
    # Each figure for each version in turn, so that both see the same load.
    for name, arguments, stdin in _figures(single_rel, source):
        for number, (prefix, version_env) in enumerate(versions):
            cache = scratch / f"fapcheck-cache-{number}"
            command = [*fapcheck, *(a.replace(_CACHE, str(cache)) for a in arguments)]
            if _CACHE in arguments and not cache.exists():
                run_once([*fapcheck, "--cache-dir", str(cache), "."], project, env=version_env)
            add(measure(prefix + name, command, project, repeat, budget, stdin=stdin, env=version_env))
    for timing in fix_timings(project, scratch, repeat, budget, env):
        add(timing)
    floor = [sys.executable, "-c", PARSE_ALL, str(listing), str(jobs)]
    add(measure(f"libcst.parse_module, every file, {jobs} processes", floor, project, repeat, budget))
    add(measure("ast.parse, every file, 1 process", [sys.executable, "-c", AST_ALL, str(listing)], project, 3, budget))

    ruff = None if "ruff" in skip else find_tool("ruff", peers)
    if ruff:
        base = [ruff, "check", "--isolated", "--select", "ASYNC,FAST", "--exit-zero", "--quiet"]
        run_once([*base, "--no-cache", "."], project)
        add(measure("ruff ASYNC,FAST --no-cache", [*base, "--no-cache", "."], project, repeat, budget))
        ruff_cache = scratch / "ruff-cache"
        run_once([*base, "--cache-dir", str(ruff_cache), "."], project)
        add(measure("ruff ASYNC,FAST cached", [*base, "--cache-dir", str(ruff_cache), "."], project, repeat, budget))
        ruff_stdin = [*base, "--no-cache", "--stdin-filename", single_rel, "-"]
        add(measure("ruff one file (stdin)", ruff_stdin, project, repeat, budget, stdin=single.read_bytes()))
    flake8 = None if "flake8" in skip else find_tool("flake8", peers)
    if flake8:
        base = [flake8, "--isolated", "--select", "ASYNC", "--exit-zero"]
        run_once([*base, single_rel], project)  # a first run byte-compiles the tool itself
        add(measure("flake8 + flake8-async one file", [*base, single_rel], project, repeat, budget))
        add(measure("flake8 + flake8-async", [*base, "."], project, repeat, budget))
    fixit = None if "fixit" in skip else find_tool("fixit", peers)
    if fixit:
        run_once([fixit, "lint", single_rel], project)
        add(measure("fixit one file", [fixit, "lint", single_rel], project, repeat, budget))
        add(measure("fixit lint", [fixit, "lint", "."], project, repeat, budget))
    pylint = None if "pylint" in skip else find_tool("pylint", peers)
    if pylint:
        base = [pylint, "--disable=all", "--enable=unused-import", "--exit-zero", f"-j{jobs}", "--recursive=y"]
        run_once([*base, single_rel], project)
        add(measure(f"pylint unused-import -j{jobs}", [*base, "."], project, repeat, budget))

    memory = peak_memory_mb([*fapcheck, "--no-cache", "."], project, env=env)
    print(f"\nfapcheck cold peak memory (all processes): {memory:.0f} MB")
    _ratios(results)
    if before is not None:
        _before_after(results, before)
    shutil.rmtree(scratch, ignore_errors=True)


def _ratios(results: dict[str, Timing]) -> None:
    print("\nratios (other / fapcheck; above 1 means fapcheck is faster)        wall      CPU")
    pairs = [
        ("fapcheck cold", "libcst.parse_module", "cold vs libcst parse of every file (target >= 1)"),
        ("fapcheck cold", "flake8 + flake8-async", "cold vs flake8 + flake8-async (target > 1)"),
        ("fapcheck cold", "fixit lint", "cold vs Fixit (target >= 3)"),
        ("fapcheck cold", "pylint", "cold vs pylint (target >= 3)"),
        ("fapcheck cold", "ruff ASYNC,FAST --no-cache", "cold vs ruff --no-cache"),
        ("fapcheck warm", "ruff ASYNC,FAST cached", "warm vs ruff cached (target >= 0.67)"),
        (_FIX_FIXED, _WARM_FIXED, "--fix on a fixed tree vs warm check (target >= 0.67)"),
        ("fapcheck one file (stdin)", "fixit one file", "one file vs Fixit (target >= 2.5)"),
        ("fapcheck one file (stdin)", "flake8 + flake8-async one file", "one file vs flake8-async (target >= 2.5)"),
        ("fapcheck one file (stdin)", "ruff one file (stdin)", "one file vs ruff"),
        ("fapcheck one file (stdin), cache warm", "fixit one file", "one file, cache warm, vs Fixit"),
        (
            "fapcheck one file (stdin), cache warm",
            "flake8 + flake8-async one file",
            "one file, cache warm, vs flake8-async",
        ),
    ]
    for ours, prefix, label in pairs:
        theirs = results.get(prefix) or next((t for name, t in results.items() if name.startswith(prefix)), None)
        if theirs is not None and ours in results:
            wall = theirs.median / results[ours].median
            cpu = theirs.cpu_median / results[ours].cpu_median
            print(f"  {label:<58} {wall:7.2f} {cpu:8.2f}")


def _env() -> dict[str, str]:
    """fapcheck from this checkout; byte-code is written, as for an installed package (and the peers')."""
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def scaling(counts: list[int], repeat: int, budget: float) -> None:
    env = _env()
    command = [*FAPCHECK, "--no-cache"]
    print(f"{'files':>6} {'lines':>8} {'wall s':>8} {'CPU s':>8} {'CPU ms/file':>12} {'peak MB':>8}")
    for count in counts:
        root = Path(tempfile.mkdtemp(prefix=f"fapcheck-scale-{count}-"))
        generate(root, count)
        lines = sum(len(p.read_bytes().splitlines()) for p in python_files(root))
        timing = measure(f"fapcheck cold, {count} files", [*command, "."], root, repeat, budget, env=env)
        memory = peak_memory_mb([*command, "."], root, env)
        per_file = 1000 * timing.cpu_median / count
        print(f"{count:>6} {lines:>8} {timing.median:>8.2f} {timing.cpu_median:>8.2f} {per_file:>12.2f} {memory:>8.0f}")
        shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--files", type=int, default=2000, help="generate a project of this many files")
    where.add_argument("--project", type=Path, help="a real project directory instead")
    where.add_argument("--scaling", help="comma-separated file counts: fapcheck's cold time and memory against N")
    parser.add_argument("--peers", type=Path, help="a bin directory holding ruff, flake8, fixit, pylint")
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure (median)")
    parser.add_argument("--budget", type=float, default=60.0, help="stop repeating a figure after this many seconds")
    parser.add_argument("--one-file", type=Path, help="the file of the one-file runs (default: a route module)")
    parser.add_argument("--skip", default="", help="comma-separated peers not to run (ruff,flake8,fixit,pylint)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes for the libcst floor, pylint")
    parser.add_argument("--fix-only", action="store_true", help="only time --fix on a fixed tree against a warm check")
    parser.add_argument("--before", help="a git ref: fapcheck's figures at that ref too, and each before/after ratio")
    args = parser.parse_args()
    skip = {name.strip() for name in args.skip.split(",") if name.strip()}
    if args.scaling:
        scaling([int(n) for n in args.scaling.split(",")], args.repeat, args.budget)
        return
    if args.project is not None and args.fix_only:
        compare_fix(args.project.resolve(), args.repeat, args.budget)
        return
    if args.project is not None:
        project = args.project.resolve()
        compare(project, args.peers, args.repeat, args.budget, args.jobs, args.one_file, skip, args.before)
        return
    root = Path(tempfile.mkdtemp(prefix="fapcheck-bench-project-"))
    generate(root, args.files)
    if args.fix_only:
        try:
            compare_fix(root, args.repeat, args.budget)
        finally:
            shutil.rmtree(root, ignore_errors=True)
        return
    # A route that imports a repository: fapcheck must parse it, as it will most route modules once
    # the rules for async code land.
    single = args.one_file or root / "app" / "api" / "routes" / "entity3.py"
    try:
        compare(root, args.peers, args.repeat, args.budget, args.jobs, single, skip, args.before)
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
