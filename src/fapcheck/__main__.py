"""`python -m fapcheck`, and the `fapcheck` command."""

import sys

EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it; typer exits with it on Ctrl-C


def main() -> None:
    """Run the command line; a Ctrl-C at any moment, even while it starts, ends it with one line and 130."""
    try:
        from fapcheck.cli import app

        app(prog_name="fapcheck")
    except KeyboardInterrupt:
        _interrupted()
    except SystemExit as exit:
        if exit.code == EXIT_INTERRUPTED:
            _interrupted()
        raise


def _interrupted() -> None:
    sys.stderr.write("fapcheck: interrupted\n")
    raise SystemExit(EXIT_INTERRUPTED) from None


if __name__ == "__main__":
    main()
