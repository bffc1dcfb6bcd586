"""FAP002 unused-noqa."""

from __future__ import annotations

from fapcheck.rules.base import Rule


class UnusedNoqa(Rule):
    """Flags a `# noqa: FAPnnn` directive that suppresses nothing.

    ## What it does
    Reports each FAP code in a `# noqa:` comment that silenced no finding on
    its line during the run, and each FAP code no rule has (`FAP999`, a typo).
    Codes of other tools (`E501`, `F401`) and a bare
    `# noqa` are left alone; codes switched off by `--select`/`--ignore` or
    `per-file-ignores` are not reported either, since they could not fire.

    ## Why is this bad?
    A stale suppression hides the next real violation on that line.

    ## Example
    ```python
    from app.services.users import UserService  # noqa: FAP101
    ```

    ## Use instead
    ```python
    from app.services.users import UserService
    ```

    ## Fix safety
    Safe: `--fix` removes the unused codes from the comment, or the whole
    `# noqa: ...` when none is left; the rest of the comment stays.
    """

    code = "FAP002"
    message = "Unused `noqa` directive (unused: {codes})"
