"""Benchmark datasets on disk: a seeds folder and its queries per size, made once and reused.

`build/bench/q100000/` holds `seeds/` and `queries.json`; a `stamp.json` records the
generator version, seed and query count, and anything else rebuilds the folder.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

from bench.generate import GENERATOR_VERSION, generate, write_seeds
from bench.queries import Query, QueryMaker

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "build" / "bench"


def folder(size: int) -> Path:
    return DATA / f"q{size}"


def seeds_bytes(seeds: Path) -> int:
    """The raw text of a seeds folder: every file, in bytes."""
    return sum(p.stat().st_size for p in seeds.rglob("*") if p.is_file())


def ensure(size: int, *, seed: int, queries: int) -> Path:
    """The dataset folder for `size` quotes, generated unless an identical one is there."""
    target = folder(size)
    stamp = {"generator": GENERATOR_VERSION, "seed": seed, "quotes": size, "queries": queries}
    stamp_file = target / "stamp.json"
    if stamp_file.exists() and json.loads(stamp_file.read_text()) == stamp:
        return target
    if target.exists():
        shutil.rmtree(target)
    dossier = generate(size, seed=seed)
    write_seeds(dossier, target / "seeds")
    made = QueryMaker(dossier).make(queries, seed=seed)
    (target / "queries.json").write_text(
        json.dumps([dataclasses.asdict(q) for q in made], ensure_ascii=False, indent=0),
        encoding="utf-8",
    )
    stamp_file.write_text(json.dumps(stamp))
    return target


def read_queries(target: Path) -> list[Query]:
    raw = json.loads((target / "queries.json").read_text(encoding="utf-8"))
    return [
        Query(
            text=q["text"],
            answer=q["answer"],
            speaker=q["speaker"],
            meant=tuple(q["meant"]),
            typos=q["typos"],
        )
        for q in raw
    ]


def main() -> None:
    """`python -m bench.datasets SIZE SEED QUERIES`, so the runner need not hold a dossier."""
    import sys

    made = ensure(int(sys.argv[1]), seed=int(sys.argv[2]), queries=int(sys.argv[3]))
    print(json.dumps({"folder": str(made)}))


if __name__ == "__main__":
    main()
