"""Prometheus request counts and latency histograms by route template and status."""

from __future__ import annotations

import time

from prometheus_client import CollectorRegistry, Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


class Metrics:
    """One registry per app, so two apps in one process (tests) never share counts."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "leadgate_requests_total",
            "HTTP requests answered.",
            ("method", "route", "status"),
            registry=self.registry,
        )
        self.latency = Histogram(
            "leadgate_request_duration_seconds",
            "Time from request to the end of the response.",
            ("method", "route", "status"),
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.hot_keys = Counter(
            "leadgate_hot_keys_skipped_total",
            "Blocking keys not searched because more records than the cap share them.",
            ("kind",),
            registry=self.registry,
        )

    def skipped(self, keys: tuple[str, ...]) -> None:
        for key in keys:
            self.hot_keys.labels(key.partition(":")[0]).inc()


class MetricsMiddleware:
    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics
        self._series: dict[tuple[str, str, str], tuple[Counter, Histogram]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def send_with_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_with_status)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            count, latency = self._of((scope["method"], template, str(status)))
            count.inc()
            latency.observe(time.perf_counter() - start)

    def _of(self, labels: tuple[str, str, str]) -> tuple[Counter, Histogram]:
        """The request count and latency series of these labels, looked up once: prometheus's
        `labels()` checks and locks on every call, about 7 us a request for the two."""
        series = self._series.get(labels)
        if series is None:
            metrics = self.metrics
            series = self._series[labels] = (
                metrics.requests.labels(*labels),
                metrics.latency.labels(*labels),
            )
        return series
