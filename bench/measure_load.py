"""One corpus load in a fresh process: time to a searchable dossier, and peak memory (RSS).

Run as `python -m bench.measure_load SEEDS`; prints one JSON line. The runner starts a new
process for every measurement, so each peak RSS is that load's alone.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path


def _peak_rss_mb() -> float:
    """This process's peak resident memory, from /proc where there is one.

    `ru_maxrss` is not used on Linux: it keeps the parent's peak across fork and exec, so a
    child of a large runner would report the runner's memory.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    seeds = Path(sys.argv[1])
    import bot.core  # noqa: F401 - the interpreter and libraries, as the bot has them
    import handlers  # noqa: F401
    from bot.corpus import load_corpus
    from bot.dossier import Dossier

    base = _peak_rss_mb()
    if len(sys.argv) > 2:  # a restart: the dossier as the bot loads it, from its snapshot
        from bot.snapshot import load_dossier

        started = time.perf_counter()
        restarted = load_dossier(seeds, Path(sys.argv[2]))
        print(
            json.dumps(
                {
                    "quotes": len(restarted.corpus.quotes),
                    "total_s": time.perf_counter() - started,
                    "base_rss_mb": base,
                    "peak_rss_mb": _peak_rss_mb(),
                }
            )
        )
        return
    started = time.perf_counter()
    corpus = load_corpus(seeds)
    loaded = time.perf_counter()
    dossier = Dossier(corpus)
    indexed = time.perf_counter()
    print(
        json.dumps(
            {
                "quotes": len(dossier.corpus.quotes),
                "parse_s": loaded - started,
                "index_s": indexed - loaded,
                "total_s": indexed - started,
                "base_rss_mb": base,
                "peak_rss_mb": _peak_rss_mb(),
            }
        )
    )


if __name__ == "__main__":
    main()
