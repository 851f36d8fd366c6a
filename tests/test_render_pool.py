"""Figures drawn in worker processes: the same picture, and a dead process is survived."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from PIL import Image

from bot.render_pool import Renderer
from solver import Settings, solve, solve_batch
from solver.plots.prepare import comparison_picture, convergence_picture


def size(png: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(png)) as image:
        image.load()
        return image.size


def test_processes_draw_in_other_processes_and_in_parallel_slots():
    renderer = Renderer(2)
    try:
        png = renderer.draw_now(convergence_picture(solve(Settings()), "en"))
        assert size(png) == (1200, 500)
        pool = renderer._executor
        assert pool is not None
        pids = set(pool._processes)  # the drawing really happens elsewhere
        assert pids and os.getpid() not in pids
        runs = solve_batch(Settings(equation="x**2 - 2"), [0.01, 0.1])
        assert size(renderer.draw_now(comparison_picture(runs, "ja"))) == (1200, 500)
    finally:
        renderer.shutdown()


def test_zero_processes_draws_in_the_calling_thread():
    renderer = Renderer(0)
    assert size(renderer.draw_now(convergence_picture(solve(Settings(steps=5)), "en"))) == (
        1200,
        500,
    )
    assert renderer._executor is None


def test_a_killed_drawing_process_is_survived():
    renderer = Renderer(1)
    try:
        renderer.draw_now(convergence_picture(solve(Settings(steps=5)), "en"))
        pool = renderer._executor
        assert pool is not None
        for pid in list(pool._processes):
            os.kill(pid, signal.SIGKILL)
        # The figure caught by the breakage is drawn here; the next one in a fresh process.
        assert size(renderer.draw_now(convergence_picture(solve(Settings(steps=5)), "en"))) == (
            1200,
            500,
        )
        assert size(renderer.draw_now(convergence_picture(solve(Settings(steps=5)), "en"))) == (
            1200,
            500,
        )
        assert renderer._executor is not None and renderer._executor is not pool
    finally:
        renderer.shutdown()


KILLED_OWNER = """
import os, signal
from bot.render_pool import Renderer
from solver import Settings, solve
from solver.plots.prepare import convergence_picture
if __name__ == "__main__":
    renderer = Renderer(1)
    renderer.draw_now(convergence_picture(solve(Settings(steps=3)), "en"))
    print(*renderer._executor._processes, flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
"""


def test_drawing_processes_do_not_outlive_a_killed_bot(tmp_path):
    script = tmp_path / "owner.py"
    script.write_text(KILLED_OWNER)
    root = Path(__file__).resolve().parents[1]
    result = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    assert result.returncode == -signal.SIGKILL
    workers = [int(pid) for pid in result.stdout.split()]
    assert workers
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(alive(pid) for pid in workers):
        time.sleep(0.2)
    assert not any(alive(pid) for pid in workers)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
