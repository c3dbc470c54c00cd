"""`make bench`: every measurement of issue 7 in one run, side by side on the same data.

Writes `build/bench/results.json` and a Markdown summary, `build/bench/results.md`, and
prints the summary. Each measurement that needs a clean slate (a load's peak memory, a
size's search) runs in a fresh process; the figures are medians over repeated runs.
`--quick` runs a small version (half a minute, results in `build/bench/quick/`) to check
that the benchmark itself works.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from bench import datasets
from bench.measure_cold import measure as measure_cold
from bench.measure_huge_input import measure as measure_huge_input
from bench.measure_slack import measure as measure_slack
from bench.report import markdown
from bench.stats import median

ROOT = datasets.ROOT
SEED = 7


def _python_module(module: str, *args: str, timeout: float = 1800) -> dict[str, Any]:
    """Runs `python -m module args` in a fresh process and returns the JSON it prints."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{module} {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _machine() -> dict[str, Any]:
    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    import rapidfuzz
    import yaml

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(memory_gb, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "rapidfuzz": rapidfuzz.__version__,
        "pyyaml": yaml.__version__,
        "libyaml": bool(yaml.__with_libyaml__),
        "sqlite": sqlite3.sqlite_version,
    }


def _loads(size: int, runs: int) -> dict[str, Any]:
    seeds = datasets.folder(size) / "seeds"
    samples = [_python_module("bench.measure_load", str(seeds)) for _ in range(runs)]
    raw_mb = datasets.seeds_bytes(seeds) / 2**20

    def mid(key: str) -> float:
        return median([s[key] for s in samples])

    base, peak = mid("base_rss_mb"), mid("peak_rss_mb")
    # A restart: the first run keeps the snapshot (bot.snapshot), the others read it.
    with tempfile.TemporaryDirectory() as kept:
        restarts = [
            _python_module("bench.measure_load", str(seeds), kept) for _ in range(runs + 1)
        ][1:]
    restart_peak = median([s["peak_rss_mb"] for s in restarts])
    restart_base = median([s["base_rss_mb"] for s in restarts])
    return {
        "restart_s": median([s["total_s"] for s in restarts]),
        "restart_peak_rss_mb": restart_peak,
        "restart_rss_over_base_per_raw": (restart_peak - restart_base) / raw_mb,
        "runs": runs,
        "quotes": samples[0]["quotes"],
        "raw_mb": raw_mb,
        "parse_s": mid("parse_s"),
        "index_s": mid("index_s"),
        "total_s": mid("total_s"),
        "base_rss_mb": base,
        "peak_rss_mb": peak,
        "rss_over_base_mb": peak - base,
        "rss_over_base_per_raw": (peak - base) / raw_mb,
        "samples": samples,
    }


def _digest_sample(size: int) -> int:
    """Channels actually timed: all 10,000 on small dossiers, fewer as a channel costs more."""
    return max(20, min(10_000, 2_000_000 // max(size, 1)))


class Steps:
    """Runs named steps, keeping each one's duration and the machine's load around it."""

    def __init__(self) -> None:
        self.log: list[dict[str, Any]] = []

    def run(self, name: str, work: Callable[[], Any]) -> Any:
        load_before = os.getloadavg()[0]
        started = time.perf_counter()
        print(f"bench: {name}...", file=sys.stderr, flush=True)
        result = work()
        self.log.append(
            {
                "step": name,
                "seconds": time.perf_counter() - started,
                "load_before": load_before,
                "load_after": os.getloadavg()[0],
            }
        )
        return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--load-runs", type=int, default=3)
    parser.add_argument("--naive", type=int, default=30, help="queries for the naive scan")
    parser.add_argument("--cold-runs", type=int, default=15)
    parser.add_argument("--huge-runs", type=int, default=5)
    parser.add_argument("--channels", type=int, default=10_000)
    parser.add_argument("--slack-seconds", type=float, default=10.0)
    parser.add_argument("--slack-runs", type=int, default=3)
    parser.add_argument(
        "--skip", default="", help="comma-separated: load,search,cold,huge,digest,slack"
    )
    parser.add_argument("--quick", action="store_true", help="a small run to check the bench")
    parser.add_argument("--out", type=Path, default=datasets.DATA)
    args = parser.parse_args()
    if args.quick:
        if args.out == datasets.DATA:  # keep the full run's results
            args.out = datasets.DATA / "quick"
        args.sizes, args.queries, args.rounds, args.load_runs = "1000,5000", 200, 2, 2
        args.naive, args.cold_runs, args.slack_seconds, args.slack_runs = 10, 5, 3.0, 1
    sizes = [int(s) for s in args.sizes.split(",") if s]
    skip = set(filter(None, args.skip.split(",")))

    steps = Steps()
    started = time.perf_counter()
    results: dict[str, Any] = {
        "machine": _machine(),
        "load_average_at_start": os.getloadavg(),
        "settings": {k: v for k, v in vars(args).items() if k != "out"} | {"out": str(args.out)},
    }
    for size in sizes:  # in a child process, so that this one stays small
        steps.run(
            f"dataset {size}",
            partial(_python_module, "bench.datasets", str(size), str(SEED), str(args.queries)),
        )
    if "load" not in skip:
        results["load"] = {
            str(size): steps.run(f"load {size}", partial(_loads, size, args.load_runs))
            for size in sizes
        }
    if "search" not in skip:
        results["search"] = {
            str(size): steps.run(
                f"search {size}",
                partial(
                    _python_module,
                    "bench.measure_search",
                    f"--size={size}",
                    f"--rounds={args.rounds}",
                    f"--naive={args.naive}",
                ),
            )
            for size in sizes
        }
    if "cold" not in skip:
        results["cold_start"] = steps.run("cold start", partial(measure_cold, args.cold_runs))
    if "huge" not in skip:
        results["huge_input"] = steps.run("huge input", partial(measure_huge_input, args.huge_runs))
    if "digest" not in skip:
        digests = {"shipped": (ROOT / "seeds", args.channels)}
        for size in sizes:
            digests[str(size)] = (datasets.folder(size) / "seeds", _digest_sample(size))
        results["digest"] = {
            name: steps.run(
                f"digest {name}",
                partial(
                    _python_module,
                    "bench.measure_digest",
                    f"--seeds={seeds}",
                    f"--channels={args.channels}",
                    f"--sample={sample}",
                ),
            )
            for name, (seeds, sample) in digests.items()
        }
    if "slack" not in skip:
        results["slack_http"] = steps.run(
            "slack http", partial(measure_slack, args.slack_seconds, args.slack_runs)
        )
    results["steps"] = steps.log
    results["load_average_at_end"] = os.getloadavg()
    results["duration_s"] = time.perf_counter() - started
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(results, indent=1))
    summary = markdown(results)
    (args.out / "results.md").write_text(summary)
    print(summary)


if __name__ == "__main__":
    main()
