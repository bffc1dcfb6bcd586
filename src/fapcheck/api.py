"""The public Python API."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fapcheck.config import Config, ConfigResolver
from fapcheck.engine.files import discover, display_path
from fapcheck.engine.runner import Checker, RunResult, run
from fapcheck.findings import Finding


def lint_source(source: str | bytes, path: str = "module.py", config: Config | None = None) -> list[Finding]:
    """Check source text as if it were the file at `path` (which decides its layer)."""
    config = config or Config()
    data = source.encode("utf-8") if isinstance(source, str) else source
    return list(Checker(config).check_source(data, Path(path), path).findings)


def lint_paths(paths: Sequence[str | Path], config: Config | None = None) -> RunResult:
    """Check files and directories, each under `config` or else the closest configuration above it."""
    discovery = discover([str(p) for p in paths], config or ConfigResolver())
    result = RunResult.merge(run([(p, display_path(p)) for p in files], each) for each, files in discovery.projects())
    return RunResult(result.files, (*discovery.errors, *result.errors))
