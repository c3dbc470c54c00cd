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
    Basis,
    Context,
    Corpus,
    Event,
    EventKind,
    Evidence,
    EvidenceKind,
    Issue,
    Period,
    Position,
    Precision,
    Quote,
    SpeaksFor,
    Text,
    When,
    event_order,
)
from bot.corpus.rules import Located, Spot, check_rules
from bot.corpus.verbatim import fold_for_verbatim
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
STANCES = (
    "supports",
    "opposes",
    "demands",
    "refuses",
    "denies",
    "mixed",
    "neutral",
    "criticises",
    "imposes",
)
QUALIFIERS = ("early", "mid", "late", "about")
# Date rules (bot/date_rules) that read a day and month, or a year, as written; any other
# rule works the date out from the article's own date, and answers say it was inferred.
STATED_RULES = frozenset(
    (
        "iso",
        "weekday-day-month-year",
        "day-month-year",
        "month-day-year",
        "weekday-day-month",
        "weekday-month-day",
        "day-month",
        "month-day",
        "qualified-year",
        "month-year",
        "year",
    )
)
DATE_KEYS = ("date", "qualifier", "phrase", "rule", "via", "anchor")
KINDS = ("person", "organisation", "group", "document")


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

    def spot(self) -> Spot:
        return Spot(file=self.file, line=self.line, lines=self.data)

    def number(self, key: str, default: int = 0) -> int:
        value = self.data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(f"{self.what}: {key!r} must be a whole number", key)
            return default
        return value

    def pairs(self, key: str) -> tuple[tuple[str, str], ...]:
        """A mapping of text to text, such as `translations: {Defense Secretary: ministre}`."""
        value = self.data.get(key)
        if value is None:
            return ()
        if not isinstance(value, _Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()
        ):
            self.fail(
                f"{self.what}: {key!r} must map each English form to the article's words "
                "({Defense Secretary: ministre de la Défense})",
                key,
            )
            return ()
        return tuple((k.strip(), v.strip()) for k, v in value.items())

    def choice(self, key: str, allowed: tuple[str, ...], default: str) -> str:
        value = self.string(key, default) if key in self.data else default
        if value not in allowed:
            self.fail(f"{self.what}: {key} {value!r} must be one of {', '.join(allowed)}", key)
            return default
        return value


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


def _read_when(record: _Record, key: str, reported_on: dt.date) -> When:
    """A record's date: `{date, phrase, rule}` (with `via`, `anchor`, `qualifier`), or, when
    the key is absent, the day the article reported it (`reported_on`).

    The date is only read here; bot.corpus.rules reads the phrase again and checks it.
    """
    if key not in record.data:
        return When(date=reported_on, precision=Precision.DAY, basis=Basis.REPORTED)
    raw = record.data[key]
    if not isinstance(raw, _Mapping):
        record.fail(
            f"{record.what}: {key!r} must say where it was read: "
            "{date: YYYY-MM-DD, phrase: <the article's words>, rule: <date rule>} "
            "(or leave it out when the text gives no date: it is then reported on the "
            "article's date)",
            key,
        )
        return When(date=reported_on, precision=Precision.DAY, basis=Basis.REPORTED)
    sub = record.sub(raw, f"{record.what} {key}", key)
    sub.check_keys(("date",), DATE_KEYS[1:])
    qualifier = sub.optional_string("qualifier")
    if qualifier and qualifier not in QUALIFIERS:
        sub.fail(f"{sub.what}: qualifier {qualifier!r} must be {', '.join(QUALIFIERS)}", key)
    phrase, rule = sub.optional_string("phrase"), sub.optional_string("rule")
    via, anchor = sub.optional_string("via"), sub.optional_string("anchor")
    if phrase and not rule:
        sub.fail(f"{sub.what}: says {phrase!r} but not the date rule that reads it ('rule')")
    if rule and not phrase:
        sub.fail(f"{sub.what}: rule {rule!r} reads no words: give the 'phrase'", "rule")
    if not phrase and not via:
        sub.fail(
            f"{sub.what}: give the words the date was read from ('phrase' and 'rule') or "
            "the record it shares its day with ('via'); a date computed from a length "
            "(\"six mois\") is no event: put 'period' on the record that gives the length"
        )
    stated = bool(phrase) and not via and rule in STATED_RULES
    if rule == "qualified-month" and phrase and YEAR_RE.search(phrase):
        stated = not via
    return When(
        date=sub.date("date"),
        precision=sub.precision_of("date"),
        basis=Basis.STATED if stated else Basis.INFERRED,
        qualifier=qualifier,
        phrase=phrase,
        rule=rule,
        via=via,
        anchor=anchor,
    )


def _read_period(record: _Record, when: When) -> Period | None:
    if "period" not in record.data:
        return None
    sub = record.sub(record.data["period"], f"{record.what} period", "period")
    sub.check_keys(("phrase", "months", "ends"), ())
    months = sub.number("months")
    start = when.date
    return Period(
        phrase=sub.string("phrase"),
        months=months,
        start=start,
        ends=sub.date("ends"),
    )


Names = tuple[tuple[str, ...], tuple[tuple[str, str], ...], tuple[str, ...]]


def _read_names(record: _Record) -> Names:
    """aliases (the articles' words), translations (English form -> article words) and
    search terms (never shown) of an actor, an issue or an event."""
    return record.strings("aliases"), record.pairs("translations"), record.strings("search_terms")


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
    latest = max((a.date for a in articles), default=dt.date.min)
    latest_added = max((a.added for a in articles), default=dt.date.min)

    def first_report(ids: tuple[str, ...]) -> dt.date:
        """The day the first of these articles was published: what the text reports on."""
        return min((article_by_id[i].date for i in ids if i in article_by_id), default=latest)

    def article_added(ids: tuple[str, ...]) -> dt.date:
        """A record entered the dossier with the first article that reported it."""
        return min(
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

    actors: list[Located[Actor]] = []
    actor_records = list(_items(checker, docs, "actors"))
    role_phrases: dict[str, str] = {}
    for r in actor_records:
        r.check_keys(
            ("id", "name", "kind", "role"),
            (
                "aliases",
                "translations",
                "search_terms",
                "plural",
                "speaks_for",
                "main",
                "standing",
                "draft",
            ),
        )
        kind = r.string("kind")
        if r.is_draft():
            drafted.add(r.string("id"))
            pending += 1
        role = _role(r)
        if not r.is_draft():
            r.check_reviewed(role)
        if role_phrase := _role_phrase(r):
            role_phrases[r.string("id")] = role_phrase
        if kind and kind not in KINDS:
            r.fail(f"actor: kind {kind!r} must be one of {', '.join(KINDS)}", "kind")
        aliases, translations, search_terms = _read_names(r)
        actors.append(
            Located(
                record=Actor(
                    id=r.string("id"),
                    name=r.text("name"),
                    kind=kind,
                    role=role,
                    aliases=aliases,
                    translations=tuple(k for k, _ in translations),
                    search_terms=search_terms,
                    plural=r.flag("plural"),
                    speaks_for=_speaks_for(r),
                    main=r.flag("main"),
                    standing=r.optional_text("standing"),
                ),
                spot=r.spot(),
                draft=r.is_draft(),
                translations=translations,
                phrase=role_phrase,
            )
        )
    _unique(checker, _ids(actor_records, actors), "actor")
    actor_ids = {a.record.id for a in actors}

    issues: list[Located[Issue]] = []
    issue_records = list(_items(checker, docs, "issues"))
    for r in issue_records:
        r.check_keys(("id", "name", "summary"), ("aliases", "translations", "search_terms"))
        aliases, translations, search_terms = _read_names(r)
        issues.append(
            Located(
                record=Issue(
                    id=r.string("id"),
                    name=r.text("name"),
                    aliases=aliases,
                    translations=tuple(k for k, _ in translations),
                    search_terms=search_terms,
                    summary=r.text("summary"),
                ),
                spot=r.spot(),
                translations=translations,
            )
        )
    _unique(checker, _ids(issue_records, issues), "issue")
    issue_ids = {i.record.id for i in issues}

    def check_refs(
        record: _Record, key: str, ids: tuple[str, ...], known: set[str], what: str
    ) -> None:
        for ident in ids:
            if ident not in known:
                record.fail(f"{record.what}: unknown {what} {ident!r}", key)

    quotes: list[Located[Quote]] = []
    quote_records = list(_items(checker, docs, "quotes"))
    for r in quote_records:
        r.check_keys(
            ("id", "speaker", "text", "translation", "where", "articles"),
            ("said_on", "issues", "part_of", "context", "added", "draft"),
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
        context = None
        if "context" in r.data:
            sub = r.sub(r.data["context"], "quote context", "context")
            sub.check_keys(("text", "translation"), ())
            context = Context(text=sub.string("text"), translation=sub.string("translation"))
            check_verbatim(sub, "text", context.text, refs, "context")
        quotes.append(
            Located(
                record=Quote(
                    id=r.string("id"),
                    speaker=speaker,
                    text=text,
                    translation=r.string("translation"),
                    when=_read_when(r, "said_on", first_report(refs)),
                    where=r.text("where"),
                    articles=refs,
                    issues=r.strings("issues"),
                    part_of=r.optional_string("part_of"),
                    context=context,
                    added=r.date("added", article_added(refs)),
                ),
                spot=r.spot(),
                draft=r.is_draft(),
            )
        )
    _unique(checker, _ids(quote_records, quotes), "quote")
    quote_ids = {q.record.id for q in quotes}

    def read_evidence(record: _Record) -> tuple[Evidence, ...]:
        entries = record.data.get("evidence", [])
        if not isinstance(entries, list):
            record.fail(f"{record.what}: 'evidence' must be a list", "evidence")
            return ()
        found = []
        for entry in entries:
            sub = record.sub(entry, f"{record.what} evidence", "evidence")
            sub.check_keys(("article", "sentence", "kind"), ("translation", "inferred"))
            article, sentence = sub.string("article"), sub.string("sentence")
            check_verbatim(sub, "sentence", sentence, (article,), "evidence sentence")
            if not record.is_draft():
                check_accepted(sub, (article,), "article")
            kind = sub.choice("kind", tuple(EvidenceKind), EvidenceKind.NARRATION)
            found.append(
                Evidence(
                    article=article,
                    sentence=sentence,
                    kind=EvidenceKind(kind),
                    translation=sub.optional_string("translation"),
                    inferred=sub.flag("inferred"),
                )
            )
        return tuple(found)

    events: list[Located[Event]] = []
    event_records = list(_items(checker, docs, "events"))
    for r in event_records:
        r.check_keys(
            ("id", "actors", "summary", "evidence"),
            (
                "date",
                "time",
                "order",
                "kind",
                "mentions",
                "tags",
                "translations",
                "search_terms",
                "period",
                "decisive",
                "deadline",
                "added",
                "draft",
            ),
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
        evidence = read_evidence(r)
        if not evidence:
            r.fail("event: needs at least one evidence sentence", "evidence")
        actors_of, mentions = r.strings("actors"), r.strings("mentions")
        check_refs(r, "actors", actors_of, actor_ids, "actor")
        check_refs(r, "mentions", mentions, actor_ids, "actor")
        cited = tuple(e.article for e in evidence)
        when = _read_when(r, "date", first_report(cited))
        translations = r.pairs("translations")
        events.append(
            Located(
                record=Event(
                    id=r.string("id"),
                    when=when,
                    time=time,
                    order=r.number("order"),
                    kind=EventKind(r.choice("kind", tuple(EventKind), EventKind.EVENT)),
                    actors=actors_of,
                    mentions=mentions,
                    summary=r.text("summary"),
                    evidence=evidence,
                    tags=r.strings("tags"),
                    translations=tuple(k for k, _ in translations),
                    search_terms=r.strings("search_terms"),
                    period=_read_period(r, when),
                    decisive=r.flag("decisive"),
                    deadline=r.flag("deadline"),
                    added=r.date("added", article_added(cited)),
                ),
                spot=r.spot(),
                draft=r.is_draft(),
                translations=translations,
            )
        )
    _unique(checker, _ids(event_records, events), "event")

    positions: list[Located[Position]] = []
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
            Located(
                record=Position(
                    actor=actor,
                    issue=issue,
                    stance=stance,
                    summary=r.text("summary"),
                    quotes=r.strings("quotes"),
                    evidence=evidence,
                ),
                spot=r.spot(),
            )
        )

    if not checker.problems:  # the rules read the records whole: only once they all are
        for problem in check_rules(
            articles=article_by_id,
            actors=actors,
            issues=issues,
            quotes=quotes,
            events=events,
            positions=positions,
        ):
            checker.problems.append(problem)
    if checker.problems:
        return None, checker.problems
    served_events = [e.record for e in events if e.record.id not in drafted]
    corpus = Corpus(
        root=str(root),
        title=title,
        summary=summary,
        articles=tuple(sorted((a for a in articles if a.id not in drafted), key=_by_date)),
        actors=tuple(a.record for a in actors if a.record.id not in drafted),
        quotes=tuple(q.record for q in quotes if q.record.id not in drafted),
        events=tuple(sorted(served_events, key=event_order)),
        issues=tuple(i.record for i in issues),
        positions=tuple(p.record for p in positions),
        drafts=pending,
    )
    return corpus, []


def _ids(records: list[_Record], built: list[Located[Any]]) -> list[tuple[_Record, str]]:
    return [(r, b.record.id) for r, b in zip(records, built, strict=True)]


def _by_date(article: Article) -> tuple[dt.date, str]:
    return article.date, article.id


def _role(record: _Record) -> Text:
    value = record.data.get("role")
    if isinstance(value, _Mapping) and "phrase" in value:
        sub = record.sub(value, "actor role", "role")
        sub.check_keys(("en", "fr", "phrase"), ())
        return Text(en=sub.string("en"), fr=sub.string("fr"))
    return record.text("role")


def _role_phrase(record: _Record) -> str | None:
    value = record.data.get("role")
    if isinstance(value, _Mapping) and "phrase" in value:
        return str(value["phrase"]).strip() or None
    return None


def _speaks_for(record: _Record) -> SpeaksFor | None:
    if "speaks_for" not in record.data:
        return None
    sub = record.sub(record.data["speaks_for"], "actor speaks_for", "speaks_for")
    sub.check_keys(("actor", "as"), ())
    return SpeaksFor(actor=sub.string("actor"), role=sub.text("as"))


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
