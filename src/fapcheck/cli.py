"""The command line: the only module that knows about argv and exit codes."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TextIO, TypeVar, get_args

import typer
from typer.core import TyperCommand, TyperGroup

from fapcheck import __version__
from fapcheck.catalog import BY_CODE, CATALOG, LAYERS, UNMAPPED
from fapcheck.config import ConfigError, ConfigResolver

if TYPE_CHECKING:
    from fapcheck.report.progress import ProgressBar

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2

T = TypeVar("T")


class _DefaultCheckGroup(TyperGroup):
    """`fapcheck src/` means `fapcheck check src/`, as `ruff src` once meant `ruff check src`."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("--help", "-h", "--version")):
            args = ["check", *args]
        _convert_plainly(self.get_params(ctx))
        return super().parse_args(ctx, args)


class _PlainValues(TyperCommand):
    """Converts the values of plain options without pydantic.

    typer 0.29 converts every parameter that is not a flag, even an option left out, through a pydantic
    validator it builds on first use; importing pydantic and building those costs about 100 ms a run, more
    than a warm run spends on the files. fapcheck's options hold strings, paths, a count and choices,
    converted here as typer converts them; a value typer may reject, or a type not listed here, goes through
    typer's own conversion, so its messages stay the same. Older typer versions convert with click types.
    """

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        _convert_plainly(self.get_params(ctx))
        return super().parse_args(ctx, args)


def _convert_plainly(params: Sequence[Any]) -> None:
    for param in params:
        if getattr(param, "_runtime_param", False) is None:  # typer >= 0.29, nothing converted yet
            setattr(param, "_runtime_param", _PlainConversion())  # noqa: B010


class _PlainConversion:
    """typer's `RuntimeParam` for the plain values of `_PlainValues`."""

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        multiple = param.multiple or param.nargs == -1
        if value is None:
            return () if multiple else None
        descriptor = param.type_descriptor
        info = descriptor.parameter_info
        if multiple and isinstance(value, (list, tuple)):
            kinds = get_args(descriptor.annotation)
            kind = kinds[0] if len(kinds) == 1 else None
            items = [_plain_value(kind, item, info, ctx) for item in value]
            if not any(item is _UNSURE for item in items):
                return items
        elif not multiple:
            converted = _plain_value(descriptor.annotation, value, info, ctx)
            if converted is not _UNSURE:
                return converted
        from typer._coercion import build_runtime_param

        typer_conversion = build_runtime_param(descriptor)
        setattr(param, "_runtime_param", typer_conversion)  # noqa: B010
        return typer_conversion.coerce(value, param=param, ctx=ctx)


_UNSURE = object()
_PLAIN_PATH = {"exists": False, "file_okay": True, "dir_okay": True, "writable": False, "readable": True}


def _plain_value(kind: Any, value: Any, info: Any, ctx: Any) -> Any:
    """The value typer would give, or `_UNSURE`."""
    if getattr(info, "parser", None) is not None:
        return _UNSURE
    if kind is str or kind is bool:
        return value if isinstance(value, kind) else _UNSURE
    if kind is int:
        number = value if type(value) is int else None
        if isinstance(value, str) and value.isascii() and value.isdigit():
            number = int(value)
        low, high = getattr(info, "min", None), getattr(info, "max", None)
        if number is None or (low is not None and number < low) or (high is not None and number > high):
            return _UNSURE
        return number
    if isinstance(kind, type) and issubclass(kind, Enum):
        if isinstance(value, kind):
            return value
        sensitive = getattr(info, "case_sensitive", True)
        if isinstance(value, str) and getattr(ctx, "token_normalize_func", None) is None:
            for choice in kind:
                if str(choice.value) == value or (not sensitive and str(choice.value).casefold() == value.casefold()):
                    return choice
        return _UNSURE
    if kind is Path and getattr(info, "path_type", None) is None and isinstance(value, str) and value:
        plain = all(getattr(info, flag, default) == default for flag, default in _PLAIN_PATH.items())
        if not plain or getattr(info, "resolve_path", False) or getattr(info, "allow_dash", False):
            return _UNSURE
        if os.path.exists(value) and not os.access(value, os.R_OK):
            return _UNSURE  # typer says why
        return Path(value)
    return _UNSURE


app = typer.Typer(
    cls=_DefaultCheckGroup,
    add_completion=False,
    no_args_is_help=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    help="An architecture linter for FastAPI projects: `fapcheck [PATH...]` checks files (default: .).",
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


class OutputFormat(str, Enum):
    full = "full"
    concise = "concise"
    json = "json"
    json_lines = "json-lines"
    sarif = "sarif"
    github = "github"
    gitlab = "gitlab"
    junit = "junit"


def _fail(messages: Sequence[str]) -> NoReturn:
    for message in messages:
        sys.stderr.write(f"error: {message}\n")
    raise typer.Exit(EXIT_ERROR)


def _guard(action: Callable[[], T]) -> T:
    """Configuration problems exit 2 with their messages; anything unexpected exits 2 with one line."""
    try:
        return action()
    except ConfigError as error:
        _fail(error.problems)
    except (typer.Exit, KeyboardInterrupt):  # typer turns Ctrl-C into exit 130; `__main__` says so
        raise
    except BrokenPipeError:  # `fapcheck | head`: the reader left, nothing more to say
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_ERROR  # type: ignore[return-value]
    except Exception as error:  # an internal error must never show a traceback to users
        baseline = sys.modules.get("fapcheck.baseline")  # imported only by the runs that use a baseline
        if baseline is not None and isinstance(error, baseline.BaselineError):
            _fail([str(error)])
        if _VERBOSE[0]:
            import traceback

            traceback.print_exc()
        _fail([f"internal error: {type(error).__name__}: {error}. Please report this as a fapcheck bug."])


# Set by --verbose: tracebacks of internal errors are printed.
_VERBOSE = [False]


def _split(values: list[str] | None) -> list[str] | None:
    if values is None:
        return None
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _use_color(stream: TextIO) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return stream.isatty()


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"fapcheck {__version__}")
        raise typer.Exit(EXIT_CLEAN)


VersionOption = Annotated[
    bool, typer.Option("--version", callback=_version_callback, is_eager=True, help="Show the version and exit.")
]


@app.callback()
def main(version: VersionOption = False) -> None:
    """An architecture linter for FastAPI projects."""


ConfigOption = Annotated[
    Path | None, typer.Option("--config", help="Use this configuration file for every file (else the closest).")
]
SelectOption = Annotated[
    list[str] | None, typer.Option("--select", help="Rule codes or prefixes to enable (comma-separated).")
]


@app.command("check", cls=_PlainValues)
def check(
    paths: Annotated[list[str] | None, typer.Argument(help="Files or directories to check; '-' reads stdin.")] = None,
    select: SelectOption = None,
    ignore: Annotated[list[str] | None, typer.Option("--ignore", help="Rule codes or prefixes to disable.")] = None,
    extend_select: Annotated[
        list[str] | None, typer.Option("--extend-select", help="Rule codes or prefixes to enable as well.")
    ] = None,
    output_format: Annotated[OutputFormat, typer.Option("--output-format", help="How to print findings.")] = (
        OutputFormat.full
    ),
    output_file: Annotated[Path | None, typer.Option("--output-file", help="Write the report to this file.")] = None,
    config_file: ConfigOption = None,
    isolated: Annotated[bool, typer.Option("--isolated", help="Ignore all configuration files.")] = False,
    stdin_filename: Annotated[
        str | None, typer.Option("--stdin-filename", help="The path of the source read from stdin.")
    ] = None,
    exit_zero: Annotated[bool, typer.Option("--exit-zero", help="Exit 0 even when there are findings.")] = False,
    statistics: Annotated[bool, typer.Option("--statistics", help="Show counts per rule instead.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print findings only, no summary.")] = False,
    fix: Annotated[bool, typer.Option("--fix", help="Apply the safe fixes in place.")] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Say which files are skipped; show tracebacks of internal errors.")
    ] = False,
    unsafe_fixes: Annotated[
        bool, typer.Option("--unsafe-fixes", help="With --fix or --diff, apply unsafe fixes too.")
    ] = (False),
    diff: Annotated[bool, typer.Option("--diff", help="Print the fixes as a unified diff; write nothing.")] = False,
    baseline: Annotated[
        Path | None, typer.Option("--baseline", help="Report only findings that are not in this baseline file.")
    ] = None,
    write_baseline_file: Annotated[
        Path | None, typer.Option("--write-baseline", help="Record today's findings in this file and exit 0.")
    ] = None,
    jobs: Annotated[
        int | None, typer.Option("--jobs", "-j", min=1, help="Processes to check files with (default: one per core).")
    ] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the result cache.")] = False,
    cache_dir: Annotated[
        Path | None, typer.Option("--cache-dir", help="Where to keep the result cache (default: .fapcheck_cache).")
    ] = None,
    version: VersionOption = False,
) -> None:
    """Check files and directories (the default command)."""
    from fapcheck.engine.batch import Fixing, RunResult, run
    from fapcheck.engine.cache import CACHE_DIR_NAME
    from fapcheck.engine.files import NOTEBOOKS_REFUSED, discover, display_path

    _VERBOSE[0] = verbose

    def execute() -> int:
        if output_file is not None:
            _check_write_target("--output-file", output_file)
        if write_baseline_file is not None:
            _check_write_target("--write-baseline", write_baseline_file)
        resolver = ConfigResolver(
            config_file, isolated, _split(select), _split(extend_select) or [], _split(ignore) or []
        )
        targets = list(paths or ["."])
        stdin = None
        if "-" in targets or (not paths and stdin_filename):
            targets = [t for t in targets if t != "-"] if paths else []
            name = stdin_filename or "-"
            stdin = (sys.stdin.buffer.read(), Path(stdin_filename or "-"), name)
        discovery = discover(targets, resolver)
        if verbose:
            for notebook in discovery.notebooks:
                sys.stderr.write(f"skipped {display_path(notebook)}: {NOTEBOOKS_REFUSED}\n")
        if not discovery.files and stdin is None and not discovery.errors:
            sys.stderr.write("warning: No Python files found under the given path(s)\n")
        # Each project (files under one configuration) is checked under its own configuration and root.
        projects = {config: [(path, display_path(path)) for path in files] for config, files in discovery.projects()}
        stdin_config = resolver.for_file(Path(stdin_filename)) if stdin_filename else resolver.for_directory(Path.cwd())
        if stdin is not None:
            projects.setdefault(stdin_config, [])
        if cache_dir is not None and not no_cache:
            from fapcheck.engine.cache import cache_dir_problem

            problems = sorted({p for each in projects if (p := cache_dir_problem(cache_dir, each.root))})
            if problems:
                _fail([f"--cache-dir {problem}" for problem in problems])
        enabled = frozenset(code for each in projects for code in each.enabled_codes) or stdin_config.enabled_codes
        fixing = Fixing(unsafe_fixes, write=not diff) if fix or diff else None
        progress = _progress(len(discovery.files))
        try:
            result = RunResult.merge(
                run(
                    files,
                    each,
                    stdin if each == stdin_config else None,
                    progress.advance,
                    jobs=jobs,
                    cache_dir=None if no_cache else (cache_dir or Path(each.root) / CACHE_DIR_NAME),
                    fixing=fixing,
                )
                for each, files in projects.items()
            )
        finally:
            progress.close()
        for warning in result.warnings:
            sys.stderr.write(f"warning: {warning}\n")
        if diff:
            return _report_diff([done.diff for done in result.fixes if done.diff], discovery.errors, result.errors)
        fixed = sum(done.fixed for done in result.fixes) if fixing is not None else None
        fixed_sources = [done.source for done in result.fixes if done.source is not None]
        for source in fixed_sources:
            sys.stdout.buffer.write(source)  # like ruff: fixed stdin goes to stdout
        if fixed_sources:
            sys.stdout.flush()
        findings = result.findings
        if write_baseline_file is not None:
            from fapcheck.baseline import write_baseline

            root = resolver.for_file(write_baseline_file).root
            count = write_baseline(write_baseline_file, findings, root)
            typer.echo(f"Wrote {count} finding{'s' if count != 1 else ''} to the baseline {write_baseline_file}.")
            return EXIT_CLEAN
        stale: list[tuple[tuple[str, str, str], int]] = []
        if baseline is not None:
            from fapcheck.baseline import apply_baseline, read_baseline

            applied = apply_baseline(findings, read_baseline(baseline), resolver.for_file(baseline).root)
            findings, stale = applied.new, applied.stale
        fixed_stdin = fixed is not None and stdin is not None  # stdout carries the fixed source
        file_errors = [(e, t) for r in result.files for e, t in zip(r.errors, r.traces, strict=False)]
        failed = bool(discovery.errors or result.errors or file_errors)
        _write_report(
            findings,
            OutputFormat.concise if fixed_stdin else output_format,
            output_file,
            statistics,
            quiet or fixed_stdin or (failed and not findings),  # no "All checks passed!" beside an error
            tuple(sorted(enabled)),
            fixed,
            sys.stderr if fixed_stdin else None,
        )
        if statistics and stale:
            total = sum(count for _, count in stale)
            to_stderr = output_format is OutputFormat.json  # standard output holds JSON only
            typer.echo(
                f"\n{total} baseline entr{'ies are' if total != 1 else 'y is'} stale (fixed since):", err=to_stderr
            )
            for (path, code, _), count in stale:
                typer.echo(f"  {path}: {code}" + (f" x{count}" if count > 1 else ""), err=to_stderr)
        for problem in (*discovery.errors, *result.errors):
            sys.stderr.write(f"error: {problem}\n")
        for problem, trace in file_errors:
            if verbose:
                sys.stderr.write(trace)
            sys.stderr.write(f"error: {problem}\n")
        if failed:
            return EXIT_ERROR
        if (findings and not exit_zero) or any(done.skipped for done in result.fixes):
            return EXIT_FINDINGS
        return EXIT_CLEAN

    raise typer.Exit(_guard(execute))


def _progress(total: int) -> ProgressBar:
    from fapcheck.report.progress import ProgressBar

    return ProgressBar(total, sys.stderr)


def _report_diff(diffs: Sequence[str], *errors: Sequence[str]) -> int:
    for text in diffs:
        sys.stdout.write(text)
    count = len(diffs)
    if count:
        sys.stderr.write(f"Would fix {count} file{'s' if count != 1 else ''}.\n")
    problems = [problem for group in errors for problem in group]
    for problem in problems:
        sys.stderr.write(f"error: {problem}\n")
    if problems:
        return EXIT_ERROR
    return EXIT_FINDINGS if diffs else EXIT_CLEAN


HUMAN_FORMATS = frozenset({"full", "concise"})


def _write_report(
    findings: Sequence[Any],
    output_format: OutputFormat,
    output_file: Path | None,
    statistics: bool,
    quiet: bool,
    codes: tuple[str, ...],
    fixed: int | None = None,
    to: TextIO | None = None,
) -> None:
    import io

    from fapcheck.report import ReportOptions, reporter
    from fapcheck.report.summary import summary_line

    # A report for a file is made whole first, then put in place atomically: an old report is never half lost.
    stream: TextIO = io.StringIO() if output_file is not None else (to or sys.stdout)
    try:
        if statistics and output_format is OutputFormat.json:
            _write_statistics_json(findings, stream)
        elif statistics:
            _write_statistics(findings, stream)
            if not quiet:
                stream.write(summary_line(findings, fixed) + "\n")
        else:
            docs = _rule_docs(codes) if output_format is OutputFormat.sarif else {}
            options = ReportOptions(color=_use_color(stream), quiet=quiet, codes=codes, rule_docs=docs)
            reporter(output_format.value)(findings, stream, options)
            if output_format.value in HUMAN_FORMATS and not quiet:
                stream.write(summary_line(findings, fixed) + "\n")
    finally:
        if output_file is not None:
            assert isinstance(stream, io.StringIO)
            _write_output_file(output_file, stream.getvalue())


def _check_write_target(option: str, path: Path) -> None:
    """Refuse, before any work, a file to write that is not a regular file (a link, a FIFO, a device) or
    whose directory does not exist."""
    from fapcheck.writes import write_target

    try:
        write_target(path, "refuse")
    except OSError as error:
        _fail([f"{option} {error}"])
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        _fail([f"{option} {path}: the directory {directory} does not exist"])
    from fapcheck.engine.cache import inside_cache_directory

    cache = inside_cache_directory(directory)
    if cache is not None:  # a report over the cache's tag would make the cache a stranger's
        _fail([f"{option} {path}: is inside fapcheck's cache directory {cache}; write it elsewhere"])


def _write_output_file(path: Path, text: str) -> None:
    from fapcheck.writes import WriteRefused, replace_file

    try:
        replace_file(path, text.encode("utf-8"))
    except WriteRefused as error:
        _fail([f"--output-file {error}"])
    except OSError as error:
        _fail([f"{path}: cannot write the report: {error.strerror or error}"])


def _rule_docs(codes: Sequence[str]) -> dict[str, str]:
    from fapcheck.rules import rule_class

    return {code: rule_class(code).documentation() for code in codes}


def _statistics(findings: Sequence[Any]) -> list[tuple[int, str, str, bool]]:
    """(count, code, name, fixable) per rule, the most frequent first."""
    counts: dict[str, int] = {}
    for finding in findings:
        counts[finding.code] = counts.get(finding.code, 0) + 1
    return [
        (count, code, BY_CODE[code].name, any(f.fix for f in findings if f.code == code))
        for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]


def _write_statistics(findings: Sequence[Any], stream: TextIO) -> None:
    rows = [(str(count), code, name, "*" if fixable else "") for count, code, name, fixable in _statistics(findings)]
    _table(("count", "code", "name", "fixable"), rows, stream)


def _write_statistics_json(findings: Sequence[Any], stream: TextIO) -> None:
    """As ruff gives them: one object per rule, with `code`, `name`, `count` and `fixable`."""
    import json

    rows = [
        {"code": code, "name": name, "count": count, "fixable": fixable}
        for count, code, name, fixable in _statistics(findings)
    ]
    stream.write(json.dumps(rows, indent=2) + "\n")


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], stream: TextIO) -> None:
    """A rich table on a terminal; aligned plain columns otherwise."""
    if _use_color(stream):
        from rich.console import Console
        from rich.table import Table

        table = Table(*header, box=None, header_style="bold")
        for row in rows:
            table.add_row(*row)
        Console(file=stream, force_terminal=True, highlight=False).print(table)
        return
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=False)]
    for row in (header, *rows):
        stream.write("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)).rstrip() + "\n")


@app.command("rules")
def rules_command() -> None:
    """List every rule: code, name, family, fixable, selected by default."""
    rows = [
        (spec.code, spec.name, spec.family, "yes" if spec.fixable else "", "yes" if spec.default else "no")
        for spec in CATALOG
    ]
    _table(("code", "name", "family", "fixable", "default"), rows, sys.stdout)


@app.command("explain", cls=_PlainValues)
def explain(code: Annotated[str, typer.Argument(help="A rule code, e.g. FAP301.")]) -> None:
    """Print the documentation of a rule."""
    from fapcheck.config import did_you_mean
    from fapcheck.rules import rule_class

    code = code.upper()
    if code not in BY_CODE:
        _fail([f"unknown rule code '{code}'{did_you_mean(code, BY_CODE)}"])
    spec = BY_CODE[code]
    typer.echo(f"# {spec.code} ({spec.name})\n")
    typer.echo(f"Family: {spec.family}. Applies to: {', '.join(sorted(spec.layers))}.\n")
    typer.echo(rule_class(code).documentation())


class LayersFormat(str, Enum):
    table = "table"
    json = "json"


@app.command("layers", cls=_PlainValues)
def layers_command(
    paths: Annotated[list[str] | None, typer.Argument(help="Files or directories to map.")] = None,
    output_format: Annotated[
        LayersFormat, typer.Option("--output-format", help="A table with a count per layer, or JSON for scripts.")
    ] = LayersFormat.table,
    config_file: ConfigOption = None,
    isolated: Annotated[bool, typer.Option("--isolated", help="Ignore all configuration files.")] = False,
) -> None:
    """Print each file with its layer and what decided it: a pattern, or the file's content."""
    import json
    from collections import Counter

    from fapcheck.engine.files import discover, display_path

    def execute() -> int:
        discovery = discover(list(paths or ["."]), ConfigResolver(config_file, isolated))
        rows = []
        for config, files in discovery.projects():
            layer_map = config.layer_map()
            for path in files:
                decision = layer_map.layer_for(path)
                rows.append((display_path(path), decision.layer, decision.pattern))
        rows.sort()
        if rows or not discovery.errors:  # only the error for paths that do not exist
            if output_format is LayersFormat.json:
                entries = [{"path": path, "layer": layer, "reason": reason} for path, layer, reason in rows]
                sys.stdout.write(json.dumps(entries, indent=2) + "\n")
            else:
                _table(("path", "layer", "decided by"), [(p, la, reason or "-") for p, la, reason in rows], sys.stdout)
                counts = Counter(layer for _, layer, _ in rows)
                summary = ", ".join(f"{counts[layer]} {layer}" for layer in (*LAYERS, UNMAPPED) if counts[layer])
                sys.stdout.write(f"\n{len(rows)} file{'s' if len(rows) != 1 else ''}: {summary or 'none'}\n")
        for problem in discovery.errors:
            sys.stderr.write(f"error: {problem}\n")
        return EXIT_ERROR if discovery.errors else EXIT_CLEAN

    raise typer.Exit(_guard(execute))


class GraphFormat(str, Enum):
    mermaid = "mermaid"
    dot = "dot"


@app.command("graph", cls=_PlainValues)
def graph_command(
    paths: Annotated[list[str] | None, typer.Argument(help="Files or directories to include.")] = None,
    graph_format: Annotated[GraphFormat, typer.Option("--format", help="Mermaid (default) or Graphviz DOT.")] = (
        GraphFormat.mermaid
    ),
    modules: Annotated[bool, typer.Option("--modules", help="One node per module instead of per layer.")] = False,
    config_file: ConfigOption = None,
    isolated: Annotated[bool, typer.Option("--isolated", help="Ignore all configuration files.")] = False,
) -> None:
    """Print the import graph between layers; forbidden edges are red and name their rule."""
    from fapcheck.engine.files import discover
    from fapcheck.engine.graph import build_graph, to_dot, to_mermaid

    def execute() -> int:
        discovery = discover(list(paths or ["."]), ConfigResolver(config_file, isolated))
        graph = build_graph(discovery.projects())
        render = to_dot if graph_format is GraphFormat.dot else to_mermaid
        if discovery.files or not discovery.errors:  # only the error for paths that do not exist
            sys.stdout.write(render(graph, modules))
        for problem in discovery.errors:
            sys.stderr.write(f"error: {problem}\n")
        return EXIT_ERROR if discovery.errors else EXIT_CLEAN

    raise typer.Exit(_guard(execute))


@app.command("server")
def server_command() -> None:
    """Run the language server (LSP over stdio) for editors; needs the lsp extra (pygls 2)."""
    try:
        from fapcheck.lsp import serve
    except ImportError as error:
        if error.name not in ("pygls", "lsprotocol") and not str(error.name).startswith(("pygls.", "lsprotocol.")):
            raise
        _fail([f"the language server needs the lsp extra (pygls 2): pip install '/path/to/fapcheck[lsp]' ({error})"])
    serve()
