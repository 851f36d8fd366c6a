"""Run the production worker against a Discord stand-in, with no test hooks in the worker.

    python tests/run_worker_against_standin.py --rest URL [worker arguments...]

Points discord.py's REST base (the interaction webhooks) at the stand-in, then calls
bot.worker.__main__.main(remaining argv) and exits with its result.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> int:
    """Parse --rest, patch discord.py, hand the rest of argv to the worker."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], allow_abbrev=False)
    parser.add_argument("--rest", required=True, help="e.g. http://127.0.0.1:PORT/api/v10")
    args, rest = parser.parse_known_args()

    from discord_standin.pointing import apply

    apply(args.rest, "ws://127.0.0.1:9/unused")  # a worker never connects to a gateway
    from bot.worker.__main__ import main as worker_main

    return worker_main(rest)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(main())
