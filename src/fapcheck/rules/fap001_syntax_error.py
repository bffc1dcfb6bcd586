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

    Every checked file is checked for syntax, but not always by the same
    parser. fapcheck parses a file with libcst only when a selected rule can
    fire in it: the rule applies to the file's layer and its cheap pre-check
    holds (a trigger word in the text, an import of a watched module, an
    import of a project module of a watched layer; the README lists them).
    The other files are compiled by CPython instead, ten times cheaper; when
    CPython rejects one, libcst decides, so syntax newer than the running
    Python (PEP 695 generics, `type` aliases) is not reported. The one
    difference: code that CPython accepts but libcst cannot parse is reported
    only in files a rule needs to parse. Such code is valid: the finding says
    it is a limit of the parser, not an error in the file, and points at the
    innermost statement or expression libcst cannot read.

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
