"""`python -m bot`: the Discord bot, or `--console`, or `--healthcheck`."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys

from .config import Config, ConfigError, load_config, resolve_config_path
from .console_input import LOCALES, commands_help
from .heartbeat import HeartbeatPathError, check_heartbeat_path, healthcheck
from .logs import setup_logging
from .metrics import MetricsError
from .metrics import serve as serve_metrics
from .storage import StorageError, check_storage

TOKEN_HELP = (
    "gd-tutor: DISCORD_TOKEN is not set. Create an application at "
    "https://discord.com/developers/applications, open Bot → Reset Token, and export "
    "DISCORD_TOKEN=<token> (or run with --console to try it in a terminal)."
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="gd-tutor, the gradient-descent tutor bot.",
        epilog=commands_help(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--config", metavar="PATH", help="TOML settings (default: ./config.toml if present)"
    )
    parser.add_argument(
        "--console", action="store_true", help="run the commands in this terminal, no token needed"
    )
    parser.add_argument(
        "--lang",
        choices=tuple(LOCALES),
        help="with --console: answer as a Discord client in this language, pictures included "
        "(default en; on Discord each user gets their client's language)",
    )
    parser.add_argument(
        "--healthcheck", action="store_true", help="exit 0 if the running bot's heartbeat is fresh"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Start gd-tutor; returns the exit status (2 for a bad config or a missing token)."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.lang is not None and not args.console:
        parser.error(
            "--lang goes with --console; on Discord each user gets their client's language"
        )
    try:
        config = load_config(resolve_config_path(args.config))
    except ConfigError as error:
        print(f"gd-tutor: {error}", file=sys.stderr)
        return 2
    if args.healthcheck:
        return healthcheck(config.health.heartbeat_path, config.health.max_age_seconds)
    setup_logging(config.logging.format, secrets=[os.environ.get("DISCORD_TOKEN", "").strip()])
    try:
        return _serve(args, config)
    except (StorageError, HeartbeatPathError, MetricsError) as error:
        print(f"gd-tutor: {error}", file=sys.stderr)
        return 2


def _serve(args: argparse.Namespace, config: Config) -> int:
    if args.console:
        check_storage(config)  # before torch loads: refused in 0.1 s
        from .console import run_console

        return run_console(config, sys.stdin, sys.stdout, args.lang or "en")
    token = os.environ.get("DISCORD_TOKEN", "").strip()
    if not token:
        print(TOKEN_HELP, file=sys.stderr)
        return 2
    check_storage(config)
    check_heartbeat_path(config.health.heartbeat_path)
    serve_metrics(config.metrics.port, config.metrics.address)
    import discord

    from .runtime import run_discord

    try:
        asyncio.run(run_discord(config, token))
    except discord.LoginFailure:
        print(
            "gd-tutor: Discord rejected DISCORD_TOKEN; reset the token and try again.",
            file=sys.stderr,
        )
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
