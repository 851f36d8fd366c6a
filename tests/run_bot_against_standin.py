"""Run the production bot against a Discord stand-in, with no test hooks in the bot.

    python tests/run_bot_against_standin.py --rest URL --gateway URL [bot arguments...]

Points discord.py's REST base and gateway URL at the stand-in, then calls
bot.__main__.main(remaining argv) and exits with its result.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> int:
    """Parse --rest/--gateway, patch discord.py, hand the rest of argv to the bot."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], allow_abbrev=False)
    parser.add_argument("--rest", required=True, help="e.g. http://127.0.0.1:PORT/api/v10")
    parser.add_argument("--gateway", required=True, help="e.g. ws://127.0.0.1:PORT/gateway")
    args, rest = parser.parse_known_args()
    if rest[:1] == ["--"]:
        rest = rest[1:]

    from discord_standin.pointing import apply

    apply(args.rest, args.gateway)
    from bot.__main__ import main as bot_main

    return bot_main(rest)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(main())
