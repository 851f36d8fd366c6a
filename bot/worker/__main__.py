"""`python -m bot.worker --config FILE`: take jobs from `[queue] url` and answer them."""

from __future__ import annotations

import argparse
import asyncio
import sys

from ..config import ConfigError, load_config, resolve_config_path
from ..heartbeat import HeartbeatPathError, check_heartbeat_path
from ..logs import setup_logging
from ..metrics import MetricsError
from ..metrics import serve as serve_metrics
from ..storage import StorageError, check_storage

NO_QUEUE = (
    "gd-tutor worker: [queue] url is empty; set it to the Redis the gateway queues to "
    '(e.g. url = "redis://127.0.0.1:6379/0")'
)


def main(argv: list[str] | None = None) -> int:
    """Run a worker; returns the exit status (2 for a bad config or unusable storage)."""
    parser = argparse.ArgumentParser(
        prog="python -m bot.worker",
        description="gd-tutor's worker: computes queued runs and answers them on Discord.",
    )
    parser.add_argument(
        "--config", metavar="PATH", help="TOML settings (default: ./config.toml if present)"
    )
    args = parser.parse_args(argv)
    try:
        config = load_config(resolve_config_path(args.config))
    except ConfigError as error:
        print(f"gd-tutor worker: {error}", file=sys.stderr)
        return 2
    if not config.queue.url:
        print(NO_QUEUE, file=sys.stderr)
        return 2
    setup_logging(config.logging.format)  # interaction tokens are redacted in either format
    try:
        check_storage(config)  # before torch loads
        check_heartbeat_path(config.health.heartbeat_path)
        serve_metrics(config.metrics.port, config.metrics.address)
        from .serve import serve

        asyncio.run(serve(config))
    except (StorageError, HeartbeatPathError, MetricsError) as error:
        print(f"gd-tutor worker: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
