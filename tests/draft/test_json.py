"""`--format json` prints exactly the object the issue describes."""

from __future__ import annotations

import json
import re

from tests.draft.conftest import ARTICLES, Run

ISO = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def test_json_has_exactly_the_issue_s_fields(run: Run) -> None:
    result = run("draft", str(ARTICLES[1]), "--format", "json", "--rules-only")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"article", "quotes", "actors", "events"}
    assert set(data["article"]) == {"file", "date", "title", "language"}
    assert data["article"]["date"] == "2026-02-28" and data["article"]["language"] == "fr"
    assert data["article"]["title"].startswith("Trump se débarrasse")
    for quote in data["quotes"]:
        assert set(quote) == {"text", "speaker", "actor", "said_on", "sentence"}
        assert ISO.match(quote["said_on"]) and quote["text"] in quote["sentence"]
    for actor in data["actors"]:
        assert set(actor) == {"id", "name", "kind", "aliases", "new"}
        assert actor["kind"] in ("person", "organisation", "group")
    ids = {a["id"] for a in data["actors"]}
    assert {q["actor"] for q in data["quotes"]} <= ids
    for event in data["events"]:
        assert set(event) == {"date", "summary", "actors", "evidence"}
        assert ISO.match(event["date"]) and set(event["actors"]) <= ids


def test_several_articles_give_a_list_of_objects(run: Run) -> None:
    result = run("draft", *map(str, ARTICLES), "--format", "json", "--rules-only")
    data = json.loads(result.stdout)
    assert [d["article"]["date"] for d in data] == ["2026-02-25", "2026-02-28"]
