"""Figures and their baselines: percentiles, ratios, the printed table and the JSON file."""

import json
import time
from pathlib import Path
from typing import Any

import msgspec

RESULTS = Path(__file__).resolve().parent / "results"


class Latency(msgspec.Struct, kw_only=True):
    p50: float  # milliseconds
    p95: float
    p99: float

    def __str__(self) -> str:
        return f"{self.p50:.1f} / {self.p95:.1f} / {self.p99:.1f}"


class Row(msgspec.Struct, kw_only=True):
    figure: str
    value: float
    unit: str
    latency: Latency | None
    baseline: str
    baseline_value: float
    baseline_latency: Latency | None
    ratio: float  # value / baseline value (for latencies: Portal's p50 / the baseline's p50)
    cores: dict[str, float] = {}  # cores each part used while Portal's figure was measured
    details: dict[str, Any] = {}


def latency(seconds: list[float]) -> Latency | None:
    if not seconds:
        return None
    ordered = sorted(seconds)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 2)

    return Latency(p50=at(0.50), p95=at(0.95), p99=at(0.99))


def rate(samples: list[list[Any]]) -> float:
    """Answers per second over the span from the first request's start to the last answer."""
    if not samples:
        return 0.0
    began = min(s[2] - s[3] for s in samples)
    ended = max(s[2] for s in samples)
    return len(samples) / max(ended - began, 1e-9)


def ok(samples: list[list[Any]]) -> list[list[Any]]:
    return [s for s in samples if 200 <= s[1] < 300]


def throughput_row(figure: str, unit: str, portal: list[list[Any]], baseline: str, base: list[Any],
                   cores: dict[str, float], **details: Any) -> Row:
    value, base_value = rate(ok(portal)), rate(ok(base))
    statuses: dict[str, int] = {}
    for s in portal:
        statuses[str(s[1])] = statuses.get(str(s[1]), 0) + 1
    return Row(figure=figure, value=round(value, 1), unit=unit, latency=latency([s[3] for s in ok(portal)]),
               baseline=baseline, baseline_value=round(base_value, 1),
               baseline_latency=latency([s[3] for s in ok(base)]), ratio=round(value / max(base_value, 1e-9), 3),
               cores=cores, details={"statuses": statuses, **details})


def table(rows: list[Row]) -> str:
    head = ("figure", "Portal", "p50/p95/p99 ms", "baseline", "baseline value", "p50/p95/p99 ms", "ratio")
    lines = [head] + [(r.figure, f"{r.value:,.1f} {r.unit}", str(r.latency or "-"), r.baseline,
                       f"{r.baseline_value:,.1f}", str(r.baseline_latency or "-"), f"{r.ratio:.3f}") for r in rows]
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    text = ["  ".join(cell.ljust(w) for cell, w in zip(line, widths)) for line in lines]
    text.insert(1, "  ".join("-" * w for w in widths))
    parts = sorted({p for r in rows for p in r.cores})
    if parts:
        text += ["", "cores used while measuring Portal's figure (1.00 = one core busy): " + ", ".join(parts)]
        text += [f"  {r.figure}: " + "  ".join(f"{p} {r.cores.get(p, 0):.2f}" for p in parts) for r in rows if r.cores]
    per_answer = [r for r in rows if r.details.get("cpu_ms_per_answer")]
    if per_answer:
        text += ["", "CPU ms per answer, Portal's gateway / the baseline's bare handler:"]
        text += [f"  {r.figure}: {r.details['cpu_ms_per_answer']} / {r.details.get('baseline_cpu_ms_per_answer')}"
                 for r in per_answer]
    return "\n".join(text)


def save(rows: list[Row], meta: dict[str, Any]) -> Path:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"bench-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps({"meta": meta, "rows": msgspec.to_builtins(rows)}, indent=2))
    return path
