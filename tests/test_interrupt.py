"""Ctrl-C during a run with worker processes: one line, exit 130, at once; never a worker's traceback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import checkout_env, write

pytestmark = pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="finds the workers through /proc")

HANDLER = "import time\n\n\n" + "".join(
    f"async def handler_{i}(delay: float) -> None:\n    time.sleep(delay)\n    print({i})\n\n\n" for i in range(150)
)


def children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


@pytest.mark.parametrize("after_start", [0.0, 0.3, 1.0])
def test_sigint_to_a_real_pool_ends_with_one_line_and_130(tmp_path: Path, after_start: float) -> None:
    write(tmp_path, {f"app/services/s{i}.py": HANDLER for i in range(400)})
    process = subprocess.Popen(
        [sys.executable, "-m", "fapcheck", "--no-cache", "--jobs", "2", "app"],
        cwd=tmp_path,
        env=checkout_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # a process group of its own, as a terminal's Ctrl-C signals
    )
    deadline = time.monotonic() + 60
    while len(children(process.pid)) < 2 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert process.poll() is None, "the run ended before its workers started"
    time.sleep(after_start)
    os.killpg(process.pid, signal.SIGINT)
    sent = time.monotonic()
    stdout, stderr = process.communicate(timeout=30)
    assert time.monotonic() - sent < 10
    assert (process.returncode, stdout, stderr) == (130, "", "fapcheck: interrupted\n")
