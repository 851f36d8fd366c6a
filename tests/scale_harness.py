"""The scaled deployment against the Discord stand-in, started as production starts it:
`python -m bot.worker` processes (through tests/run_worker_against_standin.py, which points
their interaction webhooks at the stand-in) beside a `python -m bot` gateway."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from discord_standin import StandIn

ROOT = Path(__file__).resolve().parents[1]
WORKER_LAUNCHER = ROOT / "tests" / "run_worker_against_standin.py"
READY_LINE = "taking jobs"


@dataclass
class WorkerProcess:
    """A running worker and the file its output goes to."""

    process: asyncio.subprocess.Process
    log_path: Path

    def log(self) -> str:
        """Everything the worker printed so far."""
        return self.log_path.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL: the worker dies at once, whatever it was doing."""
        self.process.send_signal(signal.SIGKILL)


async def wait_for_log(worker: WorkerProcess, text: str, timeout: float = 60) -> None:
    """Wait until `text` is in the worker's output; RuntimeError with the log if it exits."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while text not in worker.log():
        if worker.process.returncode is not None:
            raise RuntimeError(f"the worker exited ({worker.process.returncode}):\n{worker.log()}")
        if loop.time() > deadline:
            raise TimeoutError(f"no {text!r} from the worker within {timeout} s:\n{worker.log()}")
        await asyncio.sleep(0.1)


@contextlib.asynccontextmanager
async def worker_process(
    standin: StandIn, config_path: Path, log_path: Path
) -> AsyncIterator[WorkerProcess]:
    """`python -m bot.worker --config …` until the block ends (then SIGTERM), once it takes jobs."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("DISCORD_TOKEN", None)  # a worker needs no bot token
    command = [sys.executable, str(WORKER_LAUNCHER), "--rest", standin.rest_base]
    with log_path.open("ab") as sink:
        process = await asyncio.create_subprocess_exec(
            *command,
            "--config",
            str(config_path),
            env=env,
            cwd=config_path.parent,
            stdout=sink,
            stderr=asyncio.subprocess.STDOUT,
        )
    worker = WorkerProcess(process, log_path)
    try:
        await wait_for_log(worker, READY_LINE)
        yield worker
    finally:
        if process.returncode is None:
            process.terminate()
            try:
                await asyncio.wait_for(process.wait(), 30)
            except TimeoutError:
                process.kill()
                await process.wait()
