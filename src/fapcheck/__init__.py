"""fapcheck: a static architecture linter for FastAPI projects."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["FileResult", "Finding", "__version__", "lint_paths", "lint_source"]

if TYPE_CHECKING:
    from fapcheck.api import lint_paths, lint_source
    from fapcheck.findings import FileResult, Finding


def __getattr__(name: str) -> Any:
    # Imported lazily so `import fapcheck` (and the CLI's start-up) stays cheap.
    if name in ("lint_paths", "lint_source"):
        from fapcheck import api

        return getattr(api, name)
    if name in ("Finding", "FileResult"):
        from fapcheck import findings

        return getattr(findings, name)
    raise AttributeError(name)
