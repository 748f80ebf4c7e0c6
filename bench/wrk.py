"""HTTP load from wrk (Debian's `wrk` package: C and LuaJIT, one thread driving every connection), so the load
generator costs a small share of what the server it measures costs; its own CPU is printed beside each figure.

A Lua script written for each run cycles through the plan's requests (method, path, headers, JSON body, e.g.
a different token per account), each connection from its own place, and tallies the answers' statuses and the
heartbeats that recorded nothing. A first, shorter run warms the server up; only the second is measured.
"""

import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import msgspec

from bench.load import cpu_seconds
from bench.report import Latency, Row

SCRIPT = """
local requests = {%(requests)s}
local step = %(step)d
local threads, started = {}, 0

function setup(thread)
  thread:set("offset", started)
  started = started + 1
  table.insert(threads, thread)
end

function init(args)
  formatted = {}
  for i, r in ipairs(requests) do formatted[i] = wrk.format(r[1], r[2], r[3], r[4]) end
  n, statuses, absorbed = offset * step, {}, 0
end

function request()
  n = n + 1
  return formatted[(n %% #formatted) + 1]
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if body and string.find(body, '"position":null', 1, true) then absorbed = absorbed + 1 end
end

function done(summary, latency, requests)
  local counts, kept = {}, 0
  for _, t in ipairs(threads) do
    for s, c in pairs(t:get("statuses")) do counts[s] = (counts[s] or 0) + c end
    kept = kept + t:get("absorbed")
  end
  local parts = {}
  for s, c in pairs(counts) do table.insert(parts, string.format('"%%d": %%d', s, c)) end
  local e = summary.errors
  io.write(string.format('\\nRESULT {"requests": %%d, "duration_us": %%d, "p50": %%d, "p95": %%d, "p99": %%d, ' ..
    '"absorbed": %%d, "errors": %%d, "statuses": {%%s}}\\n', summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), kept,
    e.connect + e.read + e.write + e.timeout, table.concat(parts, ", ")))
end
"""


class Figure(msgspec.Struct, kw_only=True):
    """What one measured wrk run saw: answers per second (2xx only), latency, statuses, cores used."""
    rate: float
    latency: Latency
    statuses: dict[str, int]
    absorbed: int  # answers reading {"position": null}: heartbeats that recorded nothing
    errors: int  # connections refused, reset or timed out
    seconds: float
    cores: dict[str, float]  # each watched part of the stack, and "load": wrk itself


def lua_string(text: str) -> str:
    """Any text as a Lua string literal (every byte outside a safe set as a decimal escape)."""
    safe = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -_/.:,=?&"
    return '"' + "".join(chr(b) if b in safe else f"\\{b:03d}" for b in text.encode()) + '"'


def lua_request(r: dict[str, Any]) -> str:
    headers = dict(r.get("headers") or {})
    body = None
    if r.get("json") is not None:
        headers["Content-Type"] = "application/json"
        body = json.dumps(r["json"])
    fields = ", ".join(f"[{lua_string(k)}] = {lua_string(v)}" for k, v in headers.items())
    return (f"{{{lua_string(r['method'])}, {lua_string(r['path'])}, {{{fields}}}, "
            f"{lua_string(body) if body is not None else 'nil'}}}")


def wrk() -> str:
    """The wrk executable: found, installed (Debian or Ubuntu, as root), or asked for."""
    found = shutil.which("wrk")
    if found is None and shutil.which("apt-get") and os.geteuid() == 0:
        subprocess.run(["apt-get", "install", "-y", "wrk"], capture_output=True, check=False)
        found = shutil.which("wrk")
    if found is None:
        raise SystemExit("the benchmark drives its HTTP load with wrk: install it first "
                         "(Debian or Ubuntu: sudo apt-get install wrk; macOS: brew install wrk)")
    return found


def run_once(base: str, script: Path, connections: int, threads: int, seconds: float,
             watch: dict[str, int]) -> tuple[dict[str, Any], dict[str, float], float]:
    command = [wrk(), "-t", str(threads), "-c", str(connections), "-d", f"{max(1, round(seconds))}s",
               "--timeout", "30s", "-s", str(script), base]
    before, began = cpu_seconds(watch), time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = process.communicate()
    after, wall = cpu_seconds(watch), time.monotonic() - began
    if process.returncode != 0:
        raise SystemExit(f"wrk failed: {err.decode(errors='replace')}")
    [line] = [x for x in out.decode().splitlines() if x.startswith("RESULT ")]
    cores = {part: (after[part] - before.get(part, 0.0)) / wall for part in after}
    return json.loads(line.removeprefix("RESULT ")), cores, wall


def measure(base: str, requests: list[dict[str, Any]], connections: int, seconds: float,
            watch: dict[str, int], threads: int = 1, warmup: float = 1.0) -> Figure:
    """Drive `requests` (cycled) over `connections` keep-alive connections for `seconds`, after a warm-up."""
    with tempfile.TemporaryDirectory(prefix="bench-wrk-") as folder:
        script = Path(folder) / "plan.lua"
        script.write_text(SCRIPT % {"requests": ",\n".join(map(lua_request, requests)),
                                    "step": max(1, len(requests) // max(connections, 1))})
        if warmup:
            run_once(base, script, connections, threads, warmup, {})
        times_before = os.times()
        result, cores, wall = run_once(base, script, connections, threads, seconds, watch)
        times_after = os.times()
    # wrk is this process's child: its CPU is what our children used meanwhile
    load = (times_after.children_user + times_after.children_system
            - times_before.children_user - times_before.children_system) / wall
    ok = sum(c for s, c in result["statuses"].items() if 200 <= int(s) < 300)
    duration = result["duration_us"] / 1e6
    return Figure(rate=round(ok / duration, 1), seconds=round(duration, 2), statuses=result["statuses"],
                  latency=Latency(p50=result["p50"] / 1000, p95=result["p95"] / 1000, p99=result["p99"] / 1000),
                  absorbed=result["absorbed"], errors=result["errors"],
                  cores={**{p: round(c, 2) for p, c in cores.items()}, "load": round(load, 2)})


def row(figure: str, unit: str, mine: Figure, baseline: str, base: Figure, **details: Any) -> Row:
    """A figure and its baseline, each measured by wrk; the cores are those of Portal's run, with the
    generator's own ("load") and the generator's while it measured the baseline ("baseline load")."""
    return Row(figure=figure, value=mine.rate, unit=unit, latency=mine.latency, baseline=baseline,
               baseline_value=base.rate, baseline_latency=base.latency,
               ratio=round(mine.rate / max(base.rate, 1e-9), 3),
               cores={**mine.cores, "baseline load": base.cores.get("load", 0.0)},
               details={"statuses": mine.statuses, "errors": mine.errors, "baseline_statuses": base.statuses,
                        "baseline_cores": base.cores, "cpu_ms_per_answer": cpu_ms(mine, "gateway"),
                        "baseline_cpu_ms_per_answer": cpu_ms(base, "bare"), **details})


def cpu_ms(figure: Figure, part: str) -> float | None:
    """CPU milliseconds the part spent per answer: steadier than rates on a machine other work shares."""
    return round(figure.cores[part] * 1000 / figure.rate, 3) if figure.rate and part in figure.cores else None
