"""FAP001 syntax-error."""

from __future__ import annotations

from fapcheck.rules.base import Rule


class SyntaxErrorRule(Rule):
    """Flags a file that cannot be read, decoded or parsed.

    ## What it does
    Reports a file that fapcheck could not check at all: a syntax error, bytes
    that are not valid in the file's encoding (UTF-8 unless a PEP 263 cookie or
    a BOM says otherwise), NUL bytes, or a file that cannot be read. The finding
    carries the position the parser stopped at; the run goes on with the other
    files.

    ## Why is this bad?
    Every other rule is silent on a file it cannot read, so a broken file would
    otherwise pass unnoticed.

    ## Example
    ```python
    def handler(:
        ...
    ```

    ## Use instead
    ```python
    def handler() -> None:
        ...
    ```

    ## Fix safety
    No fix: the engine never rewrites a file it cannot parse.
    """

    code = "FAP001"
    message = "{error}"
