"""A progress bar on a terminal, shown only once a run has lasted long enough to need one."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    import rich.progress

    from fapcheck.findings import FileResult


class ProgressBar:
    """Call `advance` once per checked file; the bar appears after `delay` seconds, on a terminal only."""

    def __init__(
        self,
        total: int,
        stream: TextIO,
        *,
        delay: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        enabled: bool | None = None,
    ) -> None:
        self.total = total
        self.stream = stream
        self.delay = delay
        self.clock = clock
        self.enabled = stream.isatty() if enabled is None else enabled
        self.started = clock()
        self.done = 0
        self._bar: rich.progress.Progress | None = None
        self._task: rich.progress.TaskID | None = None

    def advance(self, result: FileResult | None = None) -> None:
        self.done += 1
        if not self.enabled:
            return
        if self._bar is None:
            if self.clock() - self.started < self.delay or self.done >= self.total:
                return
            self._start()
        assert self._bar is not None and self._task is not None
        self._bar.update(self._task, completed=self.done)

    def _start(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        console = Console(file=self.stream, force_terminal=True)
        self._bar = Progress(
            TextColumn("Checking"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self._task = self._bar.add_task("check", total=self.total)
        self._bar.start()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
