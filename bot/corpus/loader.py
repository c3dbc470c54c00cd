"""Reads a seeds folder into a Corpus, checking everything and naming `file:line` for each fault.

Every problem is collected before failing, so `dispute-bot corpus check` can list them all.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from bot.corpus.bulk import cycles_collected_after
from bot.corpus.model import (
    Actor,
    Article,
    Corpus,
    Event,
    Evidence,
    Issue,
    Position,
    Precision,
    Quote,
    Text,
)
from bot.corpus.yaml_reader import LinedMapping as _Mapping
from bot.corpus.yaml_reader import load_lined_yaml
from bot.errors import CorpusError
from bot.textfiles import NotUtf8Error, TooDeepError, read_utf8

SECTIONS = ("dossier", "articles", "actors", "quotes", "events", "issues", "positions")
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
TIME_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d( [A-Z]{2,5})?$")
YEAR_RE = re.compile(r"\d{4}")
MONTH_RE = re.compile(r"\d{4}-\d{2}")
FIRST_LINE_RE = re.compile(r"^\s*date (\d{4}-\d{2}-\d{2}) (.+?)\s*$")
TODO = "TODO"  # a placeholder `dispute-bot draft` leaves for the reviewer
STANCES = ("supports", "opposes", "demands", "refuses", "denies", "mixed", "neutral")
KINDS = ("person", "organisation", "group", "document")


_LOOSE_SPACE = re.compile(r" [,.;:!?)\]]|[(\['\"] ")


def fold_for_verbatim(text: str) -> str:
    """Fold what typesetting changes but a quotation does not: spacing and quote marks.

    Quote marks become `"` and apostrophes `'`; each run of spaces (no-break ones included)
    becomes one space, dropped before closing punctuation and after opening marks. Plain
    `str` methods do it, several times faster than regular expressions on 10,000 articles;
    once runs are single spaces, removing one never makes a new pair to remove.
    """
    for mark in "«»“”„‟″":
        if mark in text:
            text = text.replace(mark, '"')
    for mark in "’‘‚‛′`":
        if mark in text:
            text = text.replace(mark, "'")
    text = " ".join(text.split())  # str.split and regex \s agree on what is a space
    if _LOOSE_SPACE.search(text):  # most quotes have none: skip twelve replace calls
        for mark in ",.;:!?)]":
            text = text.replace(f" {mark}", mark)
        for mark in "(['\"":
            text = text.replace(f"{mark} ", mark)
    return text


class _Checker:
    """Collects problems as `file:line: message` while records are built."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def add(self, file: str, line: int, message: str) -> None:
        self.problems.append(f"{file}:{line}: {message}")


class _Record:
    """Typed access to one YAML mapping, reporting each fault with its line."""

    def __init__(self, checker: _Checker, file: str, data: Any, what: str, line: int) -> None:
        self.checker = checker
        self.file = file
        self.what = what
        self.ok = isinstance(data, _Mapping)
        self._draft: bool | None = None
        self.data: _Mapping = data if isinstance(data, _Mapping) else _Mapping()
        self.line = self.data.line if self.ok else line
        if not self.ok:
            self.fail(f"{what} must be a mapping")

    def line_of(self, key: str) -> int:
        return self.data.line_of(key, self.line)

    def fail(self, message: str, key: str | None = None) -> None:
        self.checker.add(self.file, self.line_of(key) if key else self.line, message)

    def check_keys(self, required: tuple[str, ...], optional: tuple[str, ...]) -> None:
        for key in self.data:
            if key not in required and key not in optional:
                allowed = ", ".join(required + optional)
                self.fail(f"{self.what}: unknown key {key!r} (allowed: {allowed})", key)
        for key in required:
            if key not in self.data:
                self.fail(f"{self.what}: missing {key!r}")

    def string(self, key: str, default: str | None = None) -> str:
        value = self.data.get(key, default)
        if type(value) is str:  # nearly always: skip the checks below
            text = value.strip()
            if not text and key in self.data:
                self.fail(f"{self.what}: {key!r} is empty", key)
            return text
        if value is None:
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.fail(f"{self.what}: {key!r} must be text", key)
            return ""
        text = str(value).strip()
        if not text and key in self.data:
            self.fail(f"{self.what}: {key!r} is empty", key)
        return text

    def optional_string(self, key: str) -> str | None:
        return self.string(key) if key in self.data else None

    def flag(self, key: str) -> bool:
        value = self.data.get(key, False)
        if not isinstance(value, bool):
            self.fail(f"{self.what}: {key!r} must be true or false", key)
            return False
        return value

    def strings(self, key: str) -> tuple[str, ...]:
        value = self.data.get(key, [])
        if type(value) is list and all(type(v) is str for v in value):
            return tuple(map(str.strip, value))
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
            self.fail(f"{self.what}: {key!r} must be a list of text", key)
            return ()
        return tuple(str(v).strip() for v in value)

    def text(self, key: str) -> Text:
        value = self.data.get(key)
        if isinstance(value, str):
            return Text(en=value.strip(), fr=value.strip())
        if not isinstance(value, _Mapping) or set(value) != {"en", "fr"}:
            if key in self.data:
                self.fail(f"{self.what}: {key!r} needs exactly 'en' and 'fr' texts", key)
            return Text(en="", fr="")
        return Text(en=str(value["en"]).strip(), fr=str(value["fr"]).strip())

    def optional_text(self, key: str) -> Text | None:
        return self.text(key) if key in self.data else None

    def date(self, key: str, default: dt.date | None = None) -> dt.date:
        raw = self.data.get(key)
        if raw is None:
            return default or dt.date.min
        text = str(raw).strip()
        try:
            if YEAR_RE.fullmatch(text):
                return dt.date(int(text), 1, 1)
            if MONTH_RE.fullmatch(text):
                return dt.date(int(text[:4]), int(text[5:]), 1)
            return dt.date.fromisoformat(text)
        except ValueError:
            self.fail(f"{self.what}: {key!r} is not a real date: {text!r}", key)
            return dt.date.min

    def precision_of(self, key: str) -> Precision:
        raw = str(self.data.get(key, "")).strip()
        if YEAR_RE.fullmatch(raw):
            return Precision.YEAR
        if MONTH_RE.fullmatch(raw):
            return Precision.MONTH
        return Precision.DAY

    def is_draft(self) -> bool:
        """Whether the record awaits review: `draft: true` or a mapping of review notes."""
        if self._draft is None:
            self._draft = self._read_draft_mark()
        return self._draft

    def _read_draft_mark(self) -> bool:
        if "draft" not in self.data:
            return False
        value = self.data["draft"]
        notes = isinstance(value, _Mapping) and all(
            isinstance(v, str | int | float) and not isinstance(v, bool) for v in value.values()
        )
        if value is not True and not notes:
            self.fail(
                f"{self.what}: 'draft' must be true or a mapping of review notes "
                "(delete it to accept the record)",
                "draft",
            )
        return True

    def check_reviewed(self, *texts: str | Text | None) -> None:
        """An accepted record may not keep a TODO the drafting tool left for a person."""
        for text in texts:
            values = (text.en, text.fr) if isinstance(text, Text) else (text or "",)
            if any(TODO in value for value in values):
                self.fail(f"{self.what}: still has a {TODO} to fill in before it is served")
                return

    def sub(self, value: Any, what: str, key: str) -> _Record:
        return _Record(self.checker, self.file, value, what, self.line_of(key))


def _read_article(checker: _Checker, root: Path, record: _Record) -> Article | None:
    record.check_keys(("id", "file"), ("credit", "added", "draft"))
    article_id, rel = record.string("id"), record.string("file")
    path = root / rel
    if not _inside(root, path):
        record.fail(f"article {article_id!r}: {rel} is outside the seeds folder", "file")
        return None
    try:
        raw = read_utf8(path)
    except NotUtf8Error as exc:
        checker.add(rel, exc.line, str(exc))
        return None
    except OSError as exc:
        record.fail(f"article {article_id!r}: cannot read {rel}: {exc.strerror or exc}", "file")
        return None
    first, _, body = raw.partition("\n")
    match = FIRST_LINE_RE.match(first)
    if not match:
        checker.add(rel, 1, "first line must be 'date YYYY-MM-DD Title'")
        return None
    try:
        date = dt.date.fromisoformat(match.group(1))
    except ValueError:
        checker.add(rel, 1, f"not a real date: {match.group(1)!r}")
        return None
    return Article(
        id=article_id,
        path=rel,
        date=date,
        title=match.group(2),
        body=body.strip(),
        credit=record.string("credit", "AFP"),
        added=record.date("added", date),
    )


def _inside(root: Path, path: Path) -> bool:
    """Whether `path`, links followed, stays in the seeds folder (`../x` and symlinks may not)."""
    return path.resolve().is_relative_to(root.resolve())


def _documents(root: Path, checker: _Checker) -> Iterator[tuple[str, _Mapping]]:
    files = sorted(root.glob("*.yaml")) + sorted(root.glob("*.yml"))
    if not files:
        checker.add(str(root), 0, "no *.yaml dossier file in the seeds folder")
    for path in files:
        rel = path.name
        if not _inside(root, path):
            checker.add(rel, 0, "a link to a file outside the seeds folder")
            continue
        try:
            data = load_lined_yaml(read_utf8(path))
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark else 0
            prefix = "" if isinstance(exc, TooDeepError) else "invalid YAML: "
            checker.add(rel, line, f"{prefix}{exc.problem or exc.context}")
            continue
        except NotUtf8Error as exc:
            checker.add(rel, exc.line, str(exc))
            continue
        except (OSError, yaml.YAMLError) as exc:
            checker.add(rel, 0, f"cannot read: {exc}")
            continue
        if data is None:
            continue
        if not isinstance(data, _Mapping):
            checker.add(rel, 1, "a dossier file must be a mapping of sections")
            continue
        for key in data:
            if key not in SECTIONS:
                checker.add(rel, data.key_lines.get(key, 1), f"unknown section {key!r}")
        yield rel, data


def _items(checker: _Checker, docs: list[tuple[str, _Mapping]], section: str) -> Iterator[_Record]:
    for rel, data in docs:
        if section not in data:
            continue
        entries = data[section]
        line = data.key_lines.get(section, 1)
        if not isinstance(entries, list):
            checker.add(rel, line, f"{section!r} must be a list")
            continue
        for entry in entries:
            yield _Record(checker, rel, entry, section.rstrip("s"), line)


def _unique(checker: _Checker, records: list[tuple[_Record, str]], what: str) -> None:
    seen: dict[str, _Record] = {}  # where each id first stands, told only for a duplicate
    for record, ident in records:
        if not ident:
            continue
        if not ID_RE.match(ident):
            record.fail(f"{what} id {ident!r} must be lowercase letters, digits and dashes", "id")
        first = seen.setdefault(ident, record)
        if first is not record:
            where = f"{first.file}:{first.line_of('id')}"
            record.fail(f"duplicate {what} id {ident!r} (first at {where})", "id")


def _parse(root: Path) -> tuple[Corpus | None, list[str]]:
    checker = _Checker()
    docs = list(_documents(root, checker))

    dossiers = [
        _Record(checker, rel, d["dossier"], "dossier", 1) for rel, d in docs if "dossier" in d
    ]
    if len(dossiers) != 1 and not checker.problems:
        checker.add(str(root), 0, f"expected one 'dossier' section, found {len(dossiers)}")
    title = summary = Text(en="", fr="")
    if dossiers:
        dossiers[0].check_keys(("title", "summary"), ("id",))
        title, summary = dossiers[0].text("title"), dossiers[0].text("summary")

    article_records = list(_items(checker, docs, "articles"))
    articles = [a for r in article_records if r.ok and (a := _read_article(checker, root, r))]
    _unique(checker, [(r, r.string("id")) for r in article_records], "article")
    # Drafts (`dispute-bot draft`) are checked like any record but served only once accepted.
    drafted = {r.string("id") for r in article_records if r.is_draft()}
    for r in article_records:
        if r.string("id") not in drafted:
            r.check_reviewed(r.optional_string("credit"))
    pending = len(drafted)

    def check_accepted(record: _Record, refs: tuple[str, ...], key: str) -> None:
        for ident in refs:
            if ident in drafted:
                record.fail(f"{record.what}: {ident!r} is still a draft: accept it first", key)

    article_by_id = {a.id: a for a in articles}
    folded_bodies = {a.id: fold_for_verbatim(a.body) for a in articles}
    latest_added = max((a.added for a in articles), default=dt.date.min)

    def article_added(ids: tuple[str, ...]) -> dt.date:
        return max(
            (article_by_id[i].added for i in ids if i in article_by_id), default=latest_added
        )

    def check_verbatim(
        record: _Record, key: str, text: str, article_ids: tuple[str, ...], what: str
    ) -> None:
        for article_id in article_ids:
            if article_id not in article_by_id:
                record.fail(f"{record.what}: unknown article {article_id!r}", key)
            elif text and fold_for_verbatim(text) not in folded_bodies[article_id]:
                path = article_by_id[article_id].path
                record.fail(f"{record.what}: {what} is not verbatim in {path}: {text!r}", key)

    actors: list[Actor] = []
    actor_records = list(_items(checker, docs, "actors"))
    for r in actor_records:
        r.check_keys(("id", "name", "kind", "role"), ("aliases", "main", "standing", "draft"))
        kind = r.string("kind")
        if r.is_draft():
            drafted.add(r.string("id"))
            pending += 1
        else:
            r.check_reviewed(r.text("role"))
        if kind and kind not in KINDS:
            r.fail(f"actor: kind {kind!r} must be one of {', '.join(KINDS)}", "kind")
        actors.append(
            Actor(
                id=r.string("id"),
                name=r.string("name"),
                kind=kind,
                role=r.text("role"),
                aliases=r.strings("aliases"),
                main=r.flag("main"),
                standing=r.optional_text("standing"),
            )
        )
    _unique(checker, [(r, a.id) for r, a in zip(actor_records, actors, strict=True)], "actor")
    actor_ids = {a.id for a in actors}

    issues: list[Issue] = []
    issue_records = list(_items(checker, docs, "issues"))
    for r in issue_records:
        r.check_keys(("id", "name", "summary"), ("aliases",))
        issues.append(
            Issue(
                id=r.string("id"),
                name=r.text("name"),
                aliases=r.strings("aliases"),
                summary=r.text("summary"),
            )
        )
    _unique(checker, [(r, i.id) for r, i in zip(issue_records, issues, strict=True)], "issue")
    issue_ids = {i.id for i in issues}

    def check_refs(
        record: _Record, key: str, ids: tuple[str, ...], known: set[str], what: str
    ) -> None:
        for ident in ids:
            if ident not in known:
                record.fail(f"{record.what}: unknown {what} {ident!r}", key)

    quotes: list[Quote] = []
    quote_records = list(_items(checker, docs, "quotes"))
    for r in quote_records:
        r.check_keys(
            ("id", "speaker", "text", "translation", "said_on", "where", "articles"),
            ("issues", "added", "draft"),
        )
        speaker, text, refs = r.string("speaker"), r.string("text"), r.strings("articles")
        if r.is_draft():
            drafted.add(r.string("id"))
            pending += 1
        else:
            r.check_reviewed(r.string("translation"), r.text("where"))
            check_accepted(r, (speaker,), "speaker")
            check_accepted(r, refs, "articles")
        check_refs(r, "speaker", (speaker,), actor_ids, "speaker")
        check_refs(r, "issues", r.strings("issues"), issue_ids, "issue")
        if not refs:
            r.fail("quote: needs at least one source article", "articles")
        check_verbatim(r, "text", text, refs, "quote")
        quotes.append(
            Quote(
                id=r.string("id"),
                speaker=speaker,
                text=text,
                translation=r.string("translation"),
                said_on=r.date("said_on"),
                precision=r.precision_of("said_on"),
                where=r.text("where"),
                articles=refs,
                issues=r.strings("issues"),
                added=r.date("added", article_added(refs)),
            )
        )
    _unique(checker, [(r, q.id) for r, q in zip(quote_records, quotes, strict=True)], "quote")
    quote_ids = {q.id for q in quotes}

    def read_evidence(record: _Record) -> tuple[Evidence, ...]:
        entries = record.data.get("evidence", [])
        if not isinstance(entries, list):
            record.fail(f"{record.what}: 'evidence' must be a list", "evidence")
            return ()
        found = []
        for entry in entries:
            sub = record.sub(entry, f"{record.what} evidence", "evidence")
            sub.check_keys(("article", "sentence"), ())
            article, sentence = sub.string("article"), sub.string("sentence")
            check_verbatim(sub, "sentence", sentence, (article,), "evidence sentence")
            if not record.is_draft():
                check_accepted(sub, (article,), "article")
            found.append(Evidence(article=article, sentence=sentence))
        return tuple(found)

    events: list[Event] = []
    event_records = list(_items(checker, docs, "events"))
    for r in event_records:
        r.check_keys(
            ("id", "date", "actors", "summary", "evidence"),
            ("time", "qualifier", "tags", "decisive", "deadline", "added", "draft"),
        )
        if r.is_draft():
            drafted.add(r.string("id"))
            pending += 1
        else:
            r.check_reviewed(r.text("summary"))
            check_accepted(r, r.strings("actors"), "actors")
        time = r.optional_string("time")
        if time and not TIME_RE.match(time):
            r.fail(f"event: time {time!r} must be HH:MM with an optional zone (22:01 GMT)", "time")
        qualifier = r.optional_string("qualifier")
        if qualifier and qualifier not in ("early", "mid", "late", "about"):
            r.fail(f"event: qualifier {qualifier!r} must be early, mid, late or about", "qualifier")
        evidence = read_evidence(r)
        if not evidence:
            r.fail("event: needs at least one evidence sentence", "evidence")
        actors_of = r.strings("actors")
        check_refs(r, "actors", actors_of, actor_ids, "actor")
        events.append(
            Event(
                id=r.string("id"),
                date=r.date("date"),
                precision=r.precision_of("date"),
                qualifier=qualifier,
                time=time,
                actors=actors_of,
                summary=r.text("summary"),
                evidence=evidence,
                tags=r.strings("tags"),
                decisive=r.flag("decisive"),
                deadline=r.flag("deadline"),
                added=r.date("added", article_added(tuple(e.article for e in evidence))),
            )
        )
    _unique(checker, [(r, e.id) for r, e in zip(event_records, events, strict=True)], "event")

    positions: list[Position] = []
    seen_pairs: dict[tuple[str, str], str] = {}
    for r in _items(checker, docs, "positions"):
        r.check_keys(("actor", "issue", "stance", "summary"), ("quotes", "evidence"))
        actor, issue, stance = r.string("actor"), r.string("issue"), r.string("stance")
        check_refs(r, "actor", (actor,), actor_ids, "actor")
        check_refs(r, "issue", (issue,), issue_ids, "issue")
        check_refs(r, "quotes", r.strings("quotes"), quote_ids, "quote")
        check_accepted(r, (actor, *r.strings("quotes")), "quotes")
        if stance and stance not in STANCES:
            r.fail(f"position: stance {stance!r} must be one of {', '.join(STANCES)}", "stance")
        evidence = read_evidence(r)
        if not r.strings("quotes") and not evidence:
            r.fail("position: needs a supporting quote or evidence sentence")
        if (actor, issue) in seen_pairs:
            r.fail(
                f"position: {actor!r} on {issue!r} given twice "
                f"(first at {seen_pairs[(actor, issue)]})"
            )
        seen_pairs[(actor, issue)] = f"{r.file}:{r.line}"
        positions.append(
            Position(
                actor=actor,
                issue=issue,
                stance=stance,
                summary=r.text("summary"),
                quotes=r.strings("quotes"),
                evidence=evidence,
            )
        )

    if checker.problems:
        return None, checker.problems
    articles = [a for a in articles if a.id not in drafted]
    events = [e for e in events if e.id not in drafted]
    corpus = Corpus(
        root=str(root),
        title=title,
        summary=summary,
        articles=tuple(sorted(articles, key=lambda a: (a.date, a.id))),
        actors=tuple(a for a in actors if a.id not in drafted),
        quotes=tuple(q for q in quotes if q.id not in drafted),
        # Date order; on one day, events with a time after those without, then as the
        # dossier lists them (the order the articles tell them in), never by id.
        events=tuple(sorted(events, key=lambda e: (e.date, e.time or ""))),
        issues=tuple(issues),
        positions=tuple(positions),
        drafts=pending,
    )
    return corpus, []


def check_corpus(root: str | Path) -> list[str]:
    """Every problem in the seeds folder, as `file:line: message`; empty when all is well."""
    path = Path(root)
    if not path.is_dir():
        return [f"{path}:0: seeds folder not found"]
    with cycles_collected_after():
        return _parse(path)[1]


def load_corpus(root: str | Path) -> Corpus:
    """The dossier in `root`, or CorpusError listing every problem."""
    path = Path(root)
    if not path.is_dir():
        raise CorpusError([f"{path}:0: seeds folder not found"])
    with cycles_collected_after():
        corpus, problems = _parse(path)
    if corpus is None:
        raise CorpusError(problems)
    return corpus
