"""Search at one size, side by side: the project's /quote, SQLite FTS5, and the naive scan.

Run as `python -m bench.measure_search --size 100000`; prints one JSON document. Every
system answers the same queries, interleaved query by query so that a burst of load on the
machine falls on all of them alike; the whole set is run `--rounds` times and each round's
p50 and p99 are kept (the runner reports their medians). The naive scan costs about two
seconds a query at 100,000 quotes, so it answers only the first `--naive` queries, once.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable

from msgspec import structs

from bench import datasets
from bench.alternatives import Fts5Search, NaiveScan, fts5_available, quote_documents
from bench.queries import TOP, Query
from bench.stats import latency_summary
from bot.app import build_core
from bot.config import load_settings
from bot.core import Core
from bot.matching.folding import words

Search = Callable[[str], list[str]]
AUTOCOMPLETE_PREFIXES = ("tru", "hegs", "amod")


def _timed(search: Search, query: Query) -> tuple[float, bool]:
    started = time.perf_counter()
    found = search(query.text)
    return time.perf_counter() - started, query.answer in found[:TOP]


def _run(systems: dict[str, Search], queries: list[Query], rounds: int) -> dict[str, object]:
    """Each system's per-round latency summaries and its quality."""
    results: dict[str, dict[str, list[object]]] = {n: {"rounds": []} for n in systems}
    found: dict[str, int] = dict.fromkeys(systems, 0)
    for number in range(rounds):
        spent: dict[str, list[float]] = {n: [] for n in systems}
        for query in queries:
            for name, search in systems.items():
                seconds, hit = _timed(search, query)
                spent[name].append(seconds)
                if number == 0:
                    found[name] += hit
        for name in systems:
            results[name]["rounds"].append(latency_summary(spent[name]))
    return {
        name: {
            "queries": len(queries),
            "quality": found[name] / len(queries) if queries else float("nan"),
            "rounds": results[name]["rounds"],
        }
        for name in systems
    }


def _miss_causes(core: Core, queries: list[Query], search: Search) -> dict[str, int]:
    """Why the project missed: a speaker resolved wrongly, or the ranking."""
    causes = {"keyword_taken_for_speaker": 0, "speaker_not_resolved": 0, "ranking": 0}
    for query in queries:
        if query.answer in search(query.text)[:TOP]:
            continue
        span = core.dossier.speakers.find(words(query.text))
        resolved = span.match.target if span else None
        if resolved != query.speaker and resolved is not None:
            causes["keyword_taken_for_speaker"] += 1
        elif resolved != query.speaker:
            causes["speaker_not_resolved"] += 1
        else:
            causes["ranking"] += 1
    return causes


def _autocomplete(core: Core, repeats: int) -> dict[str, object]:
    spent: list[float] = []
    first: dict[str, str] = {}
    for prefix in AUTOCOMPLETE_PREFIXES:
        for _ in range(repeats):
            started = time.perf_counter()
            choices = core.complete("speaker", prefix)
            spent.append(time.perf_counter() - started)
        first[prefix] = choices[0].name if choices else ""
    return {"first_choice": first, **latency_summary(spent), "calls": len(spent)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--naive", type=int, default=30)
    parser.add_argument("--autocomplete", type=int, default=300)
    args = parser.parse_args()

    target = datasets.folder(args.size)
    queries = datasets.read_queries(target)
    settings = structs.replace(load_settings(environ={}), seeds=target / "seeds")
    started = time.perf_counter()
    core = build_core(settings)
    core_s = time.perf_counter() - started
    corpus = core.dossier.corpus
    id_of_text = {q.text: q.id for q in corpus.quotes}

    def project(text: str) -> list[str]:
        reply = core.handle_line(f"/quote {text}")
        return [id_of_text[item.quote] for item in reply.items if item.quote]

    documents = quote_documents(corpus)
    systems: dict[str, Search] = {"project": project}
    started = time.perf_counter()
    fts: Fts5Search | None = None
    if fts5_available():
        fts = Fts5Search(corpus.quotes, documents)
        systems["fts5"] = fts.top
    fts_s = time.perf_counter() - started
    started = time.perf_counter()
    naive = NaiveScan(corpus.quotes, documents)
    naive_s = time.perf_counter() - started

    measured = _run(systems, queries, args.rounds)
    sample = queries[: args.naive]
    alongside = _run({**systems, "naive": naive.top}, sample, 1)
    print(
        json.dumps(
            {
                "size": args.size,
                "quotes": len(corpus.quotes),
                "vocabulary": len(core.dossier.quote_text.vocabulary),
                "speakers": len(corpus.speakers()),
                "build_s": {"core": core_s, "fts5": fts_s, "naive": naive_s},
                "systems": measured,
                "naive_sample": alongside,
                "project_misses": _miss_causes(core, queries, project),
                "autocomplete": _autocomplete(core, args.autocomplete),
                "fts5": fts is not None,
            }
        )
    )


if __name__ == "__main__":
    main()
