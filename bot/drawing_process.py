"""What runs inside a drawing process besides the drawing: lower priority, and an exit when
the bot is gone.

Kept apart from render_pool so that a drawing process imports only this, the standard
library and solver.plots.draw (matplotlib, numpy, PIL): no torch, no sympy, no discord.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time

NICENESS = 10  # the solves, the event loop and Discord's edits go first on a busy machine


def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            # A killed bot stays a zombie until its parent reaps it: that counts as gone.
            return stat.read().rpartition(")")[2].split()[0] in ("Z", "X")
    except FileNotFoundError:
        return True
    except OSError:  # no /proc: ask the kernel whether the pid exists
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
        return False


def _exit_when_gone(owner: int) -> None:
    # A worker's parent is the fork server, not the bot, so nothing tells it that a SIGKILLed
    # bot is gone: without this it would wait on its queue for ever.
    while not _gone(owner):
        time.sleep(1.0)
    os._exit(0)


def start_drawing_process(owner: int) -> None:
    """The initializer of each drawing process: yield the CPU to the bot, and watch it."""
    with contextlib.suppress(OSError):  # not allowed here: draw at the same priority
        os.nice(NICENESS)
    threading.Thread(target=_exit_when_gone, args=(owner,), daemon=True).start()


def rss_kib(pid: int) -> int | None:
    """The resident set size (VmRSS) of a process in KiB, or None if it cannot be read."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None
