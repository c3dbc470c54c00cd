"""Check gold files against their articles (run: python3 check_gold.py [FOLDER]).

FOLDER defaults to this one (the held-out set); `check_gold.py ../unseen` checks set 3,
`check_gold.py ../unseen4` set 4, `check_gold.py ../unseen5` set 5 and `check_gold.py ../unseen6`
set 6.
"""

import datetime as dt
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
BASES = {"stated", "inferred", "reported"}
KINDS = {"person", "organisation", "group"}
# Quoted spans that are not quotations (see README: names and AFP section headings).
NOT_QUOTES = {
    "2026-05-21-greve-dockers-saint-nazaire.txt": {"Montoir 2030", "Pas de retour en arrière"},
    "2026-05-28-prix-du-lait-bocalait.txt": {"Pas de lait, pas de fromage"},  # unseen set 3
}
PAIRS = {"«": "»", "“": "”"}


def quoted_spans(body: str) -> list[str]:
    """Outermost quoted spans, found by a naive scan of the marks (an independent cross-check)."""
    spans = []
    for para in body.split("\n"):
        i = 0
        while i < len(para):
            c = para[i]
            close = PAIRS.get(c) or ('"' if c == '"' else None)
            if close is None:
                i += 1
                continue
            j = para.find(close, i + 1)
            if j < 0:  # a quotation continued in the next paragraph
                j = len(para)
            spans.append(para[i + 1 : j].strip())
            i = j + 1
    return spans


def main() -> int:
    folder = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else HERE
    errors: list[str] = []
    golds = sorted(folder.glob("*.gold.json"))
    for gpath in golds:
        g = json.loads(gpath.read_text(encoding="utf-8"))
        art = g["article"]
        apath = folder / art["file"]
        raw = apath.read_text(encoding="utf-8")
        first, _, body = raw.partition("\n")
        err = lambda m: errors.append(f"{gpath.name}: {m}")  # noqa: E731
        m = re.match(r"^date (\d{4}-\d{2}-\d{2}) (.+)$", first)
        if not m or m.group(1) != art["date"] or m.group(2) != art["title"]:
            err("date line does not match article.date/title")
        if not 2500 <= len(raw) <= 5000:
            err(f"length {len(raw)} outside 2500-5000")
        if art["language"] not in {"fr", "en"}:
            err("language")
        actors = {a["id"]: a for a in g["actors"]}
        if len(actors) != len(g["actors"]):
            err("duplicate actor id")
        low = body.casefold()
        for a in g["actors"]:
            if not ID_RE.match(a["id"]) or a["kind"] not in KINDS or not a["aliases"]:
                err(f"actor {a['id']}: bad id/kind/aliases")
            for al in a["aliases"]:
                if al.casefold() not in low:
                    err(f"actor {a['id']}: alias {al!r} not in text")
        used = set()
        pos = -1
        for q in g["quotes"]:
            t, s = q["text"], q["sentence"]
            if s not in body:
                err(f"sentence not verbatim: {s[:60]!r}")
                continue
            if body.count(s) != 1:
                err(f"sentence not unique: {s[:60]!r}")
            if t not in s or t != t.strip() or t.endswith(","):
                err(f"text not in its sentence (or untrimmed): {t[:60]!r}")
                continue
            start = body.index(s)
            off = body.find(t, max(pos + 1, start))
            if off < 0 or off > start + len(s):
                err(f"quote out of order: {t[:60]!r}")
            pos = max(pos, off)
            if not DATE_RE.match(q["said_on"]) or q["said_on_basis"] not in BASES:
                err(f"said_on/basis: {t[:40]!r}")
            if q["said_on_basis"] == "reported" and q["said_on"] != art["date"]:
                err(f"reported quote not on the article's date: {t[:40]!r}")
            if q["said_on"] > art["date"]:
                err(f"quote said after the article's date: {t[:40]!r}")
            a = actors.get(q["actor"])
            if a is None or a["name"] != q["speaker"]:
                err(f"speaker/actor mismatch: {q['actor']}")
            used.add(q["actor"])
        spans = quoted_spans(body)
        texts = [q["text"] for q in g["quotes"]]
        skip = NOT_QUOTES.get(art["file"], set())
        for sp in spans:
            if sp in skip:
                continue
            if not any(t in sp for t in texts):
                err(f"quoted span with no gold quote: {sp[:60]!r}")
        for t in texts:
            if not any(t in sp for sp in spans):
                err(f"gold quote not inside quote marks: {t[:60]!r}")
        for e in g["events"]:
            if not DATE_RE.match(e["date"]):
                err(f"event date {e['date']}")
            if e["evidence"] not in body:
                err(f"evidence not verbatim: {e['evidence'][:60]!r}")
            for aid in e["actors"]:
                if aid not in actors:
                    err(f"event actor {aid} unknown")
            used.update(e["actors"])
        if not 3 <= len(g["events"]) <= 8:
            err(f"{len(g['events'])} events")
        for aid in actors:
            if aid not in used:
                print(f"note {gpath.name}: actor {aid} is in no quote or event")
        # A table to eyeball resolved days against their weekdays.
        d0 = dt.date.fromisoformat(art["date"])
        print(
            f"\n{art['file']} ({art['language']}, {d0:%A}): {len(raw)} chars, "
            f"{len(g['quotes'])} quotes, {len(g['actors'])} actors, {len(g['events'])} events"
        )
        for q in g["quotes"]:
            if q["said_on_basis"] != "reported":
                d = q["said_on"]
                wd = dt.date.fromisoformat(d).strftime("%a") if len(d) == 10 else ""
                print(f"  quote {d} {wd:3} {q['said_on_basis']:8} {q['speaker']}: {q['text'][:40]}")
        for e in g["events"]:
            d = e["date"]
            wd = dt.date.fromisoformat(d).strftime("%a") if len(d) == 10 else ""
            print(f"  event {d:10} {wd:3} {e['summary'][:70]}")
    for line in errors:
        print("ERROR", line)
    print(f"\n{len(golds)} gold files, {len(errors)} errors")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
