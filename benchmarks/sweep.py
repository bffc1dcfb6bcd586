"""Run fapcheck over a large tree of real Python and report files, findings, FAP001s, crashes and time.

    python benchmarks/sweep.py [DIRECTORY ...]      # default: this interpreter's site-packages

Every file is checked with every rule, each as if it were a route, a service and
an unmapped module, in one process through the engine. A crash is an exception
that escapes the engine or an internal error it reports; there must be none.
Each FAP001 is compared with CPython's own parser: a file CPython compiles but
fapcheck cannot parse is listed, since that is a bug unless libcst knows newer
syntax than the running Python.
"""

from __future__ import annotations

import argparse
import ast
import site
import sys
import time
import traceback
import warnings
from collections import Counter
from pathlib import Path

from fapcheck.config import Config
from fapcheck.engine.runner import Checker

PLACES = ("app/api/routes/{}.py", "app/services/{}.py", "app/{}.py")


def python_files(roots: list[Path]) -> list[Path]:
    return sorted(p for root in roots for p in root.rglob("*.py") if p.is_file() and not p.is_symlink())


def cpython_parses(source: bytes) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(source)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return False
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("roots", nargs="*", type=Path, help="directories to sweep (default: site-packages)")
    parser.add_argument("--limit", type=int, default=0, help="check at most this many files")
    args = parser.parse_args()
    roots = args.roots or [Path(p) for p in site.getsitepackages()]
    files = python_files(roots)
    if args.limit:
        files = files[: args.limit]
    checker = Checker(Config(root=Path.cwd(), select=("ALL",)))
    codes: Counter[str] = Counter()
    crashes: list[str] = []
    disagreements: list[str] = []
    started = time.perf_counter()
    for number, path in enumerate(files):
        source = path.read_bytes()
        place = Path(PLACES[number % len(PLACES)].format(path.stem))
        try:
            result = checker.check_source(source, place, str(path))
        except Exception:
            crashes.append(f"{path}: {traceback.format_exc(limit=3)}")
            continue
        crashes.extend(f"{path}: {error}" for error in result.errors)
        codes.update(f.code for f in result.findings)
        if any(f.code == "FAP001" for f in result.findings) and cpython_parses(source):
            disagreements.append(str(path))
    elapsed = time.perf_counter() - started
    print(f"files: {len(files)}")
    print(f"findings: {sum(codes.values())} ({', '.join(f'{c} {n}' for c, n in sorted(codes.items()))})")
    print(
        f"FAP001: {codes['FAP001']} (CPython {sys.version_info.major}.{sys.version_info.minor} parses "
        f"{len(disagreements)} of them)"
    )
    print(f"crashes: {len(crashes)}")
    print(f"time: {elapsed:.1f} s ({1000 * elapsed / max(1, len(files)):.1f} ms a file)")
    for line in disagreements[:20]:
        print(f"  parsed by CPython, FAP001 here: {line}")
    for line in crashes[:20]:
        print(f"  crash: {line}")
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
