"""`python -m fapcheck`, and the `fapcheck` command."""

import os
import sys

EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it; typer exits with it on Ctrl-C


EXIT_TERMINATED = 143  # 128 + SIGTERM


class Terminated(BaseException):
    """SIGTERM arrived: unwound like Ctrl-C, so worker processes are ended and temporary files removed."""


def _on_terminate(signum: int, frame: object) -> None:
    raise Terminated


def main() -> None:
    """Run the command line; a Ctrl-C at any moment, even while it starts, ends it with one line and 130,
    and SIGTERM with one line and 143, after ending the worker processes."""
    import signal

    signal.signal(signal.SIGTERM, _on_terminate)
    try:
        from fapcheck.cli import app

        app(prog_name="fapcheck")
    except Terminated:
        sys.stderr.write("fapcheck: terminated\n")
        _end(EXIT_TERMINATED)
        raise SystemExit(EXIT_TERMINATED) from None
    except KeyboardInterrupt:
        _interrupted()
    except SystemExit as exit:
        if exit.code == EXIT_INTERRUPTED:
            _interrupted()
        if exit.code is None or isinstance(exit.code, int):
            _end(exit.code or 0)
        raise


def _interrupted() -> None:
    sys.stderr.write("fapcheck: interrupted\n")
    raise SystemExit(EXIT_INTERRUPTED) from None


def _end(code: int) -> None:
    """Ends the process once its output is flushed, without tearing down the interpreter: freeing every
    object of a run one by one takes longer than a warm run's work. The report file is closed by then,
    worker processes are ended and temporary directories removed; if flushing fails (a reader that left),
    the ordinary exit reports it as before."""
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return
    os._exit(code)


def _without_current_directory() -> None:
    """`python -m fapcheck` puts the current directory first on the import path: inside an untrusted
    checkout its `typer.py` or `hashlib.py` would be imported instead of the real ones. fapcheck never
    imports the code it checks, so the entry goes (as `python -P` would do), and so does an empty entry
    of PYTHONPATH, which means the same."""
    try:
        here = os.getcwd()
    except OSError:  # a deleted working directory: nothing of it can be imported either
        here = None
    sys.path[:] = [entry for entry in sys.path if entry != "" and (here is None or entry != here)]


if __name__ == "__main__":
    _without_current_directory()
    main()
