"""Prometheus metrics of one process (gateway or worker), served when `[metrics] port` is set.

Every metric is defined here, once, so that each process exposes the same names; the code that
knows a number updates it (all are cheap and thread-safe, and count nothing when not served):

| metric | type | updated by |
|---|---|---|
| `gd_tutor_interactions_total{kind, command}` | counter | the gateway client, per interaction |
| `gd_tutor_runs_total{outcome}` | counter | whoever finishes a /solve run |
| `gd_tutor_queue_depth` | gauge | jobs admitted and not yet running (local pool or queue) |
| `gd_tutor_queue_wait_seconds` | histogram | from admission to a worker starting the job |
| `gd_tutor_job_seconds` | histogram | a job's time in a worker (solve, then picture) |
| `gd_tutor_redeliveries_total` | counter | jobs delivered again (a worker died before its ack) |
| `gd_tutor_failed_deliveries_total{reason}` | counter | answers Discord did not take, or dropped jobs |
| `gd_tutor_shard_latency_seconds{shard}` | gauge | gateway heartbeat round trip, per shard |
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterable
from typing import Any

from prometheus_client import Counter, Gauge, Histogram, start_http_server

from .tutor.custom_ids import decode

log = logging.getLogger(__name__)

# Seconds: from a few milliseconds (a queued job picked at once) to Discord's 15-minute window.
_WAIT_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900)
_JOB_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 600)

interactions = Counter(
    "gd_tutor_interactions",
    "Interactions received: kind (command, autocomplete, component, modal) and command or button",
    ["kind", "command"],
)
runs = Counter("gd_tutor_runs", "/solve runs computed, by outcome", ["outcome"])
queue_depth = Gauge("gd_tutor_queue_depth", "Jobs admitted and not yet running")
queue_wait = Histogram(
    "gd_tutor_queue_wait_seconds",
    "Seconds from a job's admission to a worker starting it",
    buckets=_WAIT_BUCKETS,
)
stream_wait = Histogram(
    "gd_tutor_stream_wait_seconds",
    "Seconds from a queued interaction to a worker taking its job from Redis",
    buckets=_WAIT_BUCKETS,
)
job_time = Histogram("gd_tutor_job_seconds", "Seconds a job ran in a worker", buckets=_JOB_BUCKETS)
redeliveries = Counter(
    "gd_tutor_redeliveries", "Jobs delivered again because a worker did not acknowledge them"
)
failed_deliveries = Counter(
    "gd_tutor_failed_deliveries",
    "Answers that never reached Discord (e.g. reason=expired past the 15-minute token)",
    ["reason"],
)
shard_latency = Gauge(
    "gd_tutor_shard_latency_seconds", "Gateway heartbeat round trip of each shard", ["shard"]
)


class MetricsError(Exception):
    """The metrics cannot be served; the message names the setting and what to do."""


def serve(port: int, address: str) -> None:
    """Serve /metrics on address:port in a daemon thread (port 0: do nothing).

    Raises MetricsError when the address cannot be listened on.
    """
    if not port:
        return
    try:
        start_http_server(port, addr=address)
    except OSError as e:
        raise MetricsError(
            f"metrics.port {port} on {address}: cannot listen ({e.strerror or e})"
            " — choose a free port, or 0 to serve no metrics"
        ) from None
    log.info("metrics on http://%s:%d/metrics", address, port)


def track_depth(pending: Callable[[], int]) -> None:
    """Read the queue depth from `pending` at each scrape (the local WorkPool's count)."""
    queue_depth.set_function(pending)


def record_latencies(latencies: Iterable[tuple[int, float]]) -> None:
    """Set each shard's latency; a shard with no heartbeat answered yet is left out."""
    for shard_id, seconds in latencies:
        if math.isfinite(seconds):
            shard_latency.labels(shard=str(shard_id)).set(seconds)


def interaction_labels(data: dict[str, Any]) -> tuple[str, str]:
    """(kind, command) of an INTERACTION_CREATE payload, with few distinct values.

    A button is labelled by its action (explain, step, csv, half, double), never by the run
    and step its custom id carries; a custom id that is not ours counts as "other".
    """
    kind = {2: "command", 3: "component", 4: "autocomplete", 5: "modal"}.get(
        data.get("type", 0), "other"
    )
    inner = data.get("data") or {}
    if kind in ("command", "autocomplete"):
        name = str(inner.get("name", ""))
    else:
        button = decode(str(inner.get("custom_id", "")))
        name = button.action if button is not None else "other"
    return kind, name[:32]
