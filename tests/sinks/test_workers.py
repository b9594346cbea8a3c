"""``--jobs`` workers never outlive their parent, and SIGTERM cleans up like Ctrl-C (issue 13)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sink_samples import ROOT, generate_csv

pytestmark = pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc to find the workers")


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("workers") / "big.csv"
    generate_csv(path, 24_000_000, seed=12)
    return path


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError):
            found.update(int(x) for x in (task / "children").read_text().split())
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def _start(source: Path, out: Path) -> tuple[subprocess.Popen[bytes], set[int]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "cableparse", "convert", str(source), "-o", str(out), "--jobs", "2", "--no-progress"],
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        parts = [p for p in out.parent.glob(".*.parts") if p.is_dir() and any(p.iterdir())]
        workers = _children(process.pid)
        if parts and len(workers) >= 2:
            return process, workers
        assert process.poll() is None, "conversion finished before it could be stopped"
        time.sleep(0.02)
    os.killpg(process.pid, signal.SIGKILL)
    pytest.fail("no worker was writing within 60 s")


def _wait_gone(pids: set[int], seconds: float = 30) -> set[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(_alive(pid) for pid in pids):
        time.sleep(0.05)
    return {pid for pid in pids if _alive(pid)}


def test_workers_exit_when_the_parent_is_killed(tmp_path: Path, big_csv: Path) -> None:
    process, workers = _start(big_csv, tmp_path / "out.jsonl")
    try:
        os.kill(process.pid, signal.SIGKILL)  # the parent only, as the OOM killer would
        process.wait()
        assert _wait_gone(workers) == set()
    finally:
        for pid in workers:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)


def test_sigterm_cleans_up_like_ctrl_c(tmp_path: Path, big_csv: Path) -> None:
    out = tmp_path / "out.jsonl"
    process, workers = _start(big_csv, out)
    try:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 128 + signal.SIGTERM
        assert _wait_gone(workers) == set()
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert list(tmp_path.iterdir()) == []  # no output, no .tmp file, no .parts directory
