"""Splits an article body into paragraphs and sentences and finds every quotation in it.

Sentences never break inside a quotation, so a quote of several sentences stays whole and
its attribution stays in its sentence. Offsets are into the body, so every span is verbatim.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

# A photo caption ends with its credit: "( AFP / LUDOVIC MARIN )", "(Reuters)".
_CREDIT = re.compile(r"\(\s*(?:AFP|AP|Reuters|Photo|Getty|EPA|ANP|Belga|DPA)\b[^()]*\)\s*$", re.I)
_ABBREVIATIONS = frozenset(
    "m mm mme mmes mlle dr pr me st ste mr mrs ms prof gen gov sen rep jr sr inc ltd co corp"
    " no vs etc av bd ave jan feb mar apr jun jul aug sep sept oct nov dec janv fevr juil".split()
)
_OPENERS = "«“"
_CLOSERS = {"»": "«", "”": "“"}


@dataclass(frozen=True, slots=True, kw_only=True)
class Quotation:
    """The words between a pair of quote marks (the outer pair when they nest)."""

    text: str  # verbatim, spaces at either end trimmed
    start: int  # offsets of `text` in the body
    end: int
    open_mark: int  # offset of the opening mark
    continues: bool = False  # part B of a quote interrupted by its attribution


@dataclass(frozen=True, slots=True, kw_only=True)
class Sentence:
    """One sentence of the body, with where it stands and what kind of line it is in."""

    text: str  # verbatim, trimmed
    start: int
    end: int
    paragraph: int
    caption: bool  # a photo caption (its credit cut off)
    heading: bool  # a section title such as `- "Egoïsme" -`
    quotes: tuple[Quotation, ...]


def find_quotations(body: str, start: int = 0, end: int | None = None) -> list[Quotation]:
    """Every outermost quotation in body[start:end], in order («…», “…” and "…")."""
    stop = len(body) if end is None else end
    found: list[Quotation] = []
    stack: list[tuple[str, int]] = []
    for at in range(start, stop):
        char = body[at]
        closing = False
        if char in _OPENERS:
            stack.append((char, at))
        elif char in _CLOSERS:
            opener = _CLOSERS[char]
            if any(mark == opener for mark, _ in stack):
                while stack and stack[-1][0] != opener:
                    stack.pop()
                closing = True
        elif char == '"':
            if any(mark == '"' for mark, _ in stack):
                while stack[-1][0] != '"':
                    stack.pop()
                closing = True
            else:
                stack.append((char, at))
        if closing:
            _, opened = stack.pop()
            if not stack:
                quote = _trimmed(body, opened + 1, at)
                if quote is not None:
                    found.append(quote)
    if stack:  # a mark left open runs to the end of its paragraph
        opened = stack[0][1]
        quote = _trimmed(body, opened + 1, stop)
        if quote is not None and len(quote.text.split()) >= 3:
            found.append(quote)
    return found


def _trimmed(body: str, start: int, end: int) -> Quotation | None:
    opened = start - 1
    while start < end and body[start].isspace():
        start += 1
    while end > start and body[end - 1].isspace():
        end -= 1
    while end > start and body[end - 1] == ",":  # the sentence's comma, not the speaker's
        end -= 1
    if end <= start:
        return None
    return Quotation(text=body[start:end], start=start, end=end, open_mark=opened)


# `"A, a martelé X. B"`: an attribution inserted in a quote that stays open around it.
_INSERTED = re.compile(
    r",\s+(?=(?:a|ont|avait|s'est|se sont|[a-z]+(?:ent|e))(?:-t-(?:il|elle|on)|-(?:ils|elles))?\s"
    r"[^\n]{0,100}?[.;]\s+[A-ZÀ-Ý«“\"])"
)


def split_interrupted(
    body: str, quote: Quotation, is_attribution: Callable[[str], bool]
) -> list[Quotation]:
    """A quote left open around its attribution (`"A, a martelé X. B"`) as its two parts.

    `is_attribution` says whether the words after a comma start an attribution (a speech
    verb); the quote is returned whole when none does.
    """
    for match in _INSERTED.finditer(body, quote.start, quote.end):
        rest = body[match.end() : quote.end]
        if not is_attribution(rest):
            continue
        stop = re.search(r"[.;]\s+(?=[A-ZÀ-Ý«“\"])", rest)
        if stop is None:
            continue
        first = _trimmed(body, quote.start, match.start())
        second = _trimmed(body, match.end() + stop.end(), quote.end)
        if first is None or second is None:
            continue
        first = Quotation(
            text=first.text, start=first.start, end=first.end, open_mark=quote.open_mark
        )
        second = Quotation(
            text=second.text,
            start=second.start,
            end=second.end,
            open_mark=second.start,
            continues=True,
        )
        return [first, second]
    return [quote]


def split_sentences(body: str) -> list[Sentence]:
    """The body's sentences, paragraph by paragraph, none cut inside a quotation."""
    sentences: list[Sentence] = []
    offset = 0
    for number, line in enumerate(body.split("\n")):
        begin, end = offset, offset + len(line)
        offset = end + 1
        if not line.strip():
            continue
        if not sentences and (dateline := _DATELINE.match(line)):
            begin += dateline.end()  # "Rennes (AFP) - ": where it was filed, not a sentence
        quotes = find_quotations(body, begin, end)
        caption = bool(_CREDIT.search(line))
        if caption:
            end = begin + _CREDIT.search(line).start()  # type: ignore[union-attr]
        heading = _is_heading(line)
        for s_start, s_end in _cuts(body, begin, end, quotes):
            inside = tuple(q for q in quotes if s_start <= q.open_mark < s_end)
            sentences.append(
                Sentence(
                    text=body[s_start:s_end],
                    start=s_start,
                    end=s_end,
                    paragraph=number,
                    caption=caption,
                    heading=heading,
                    quotes=inside,
                )
            )
    return sentences


_DATELINE = re.compile(
    r"^\s*(?:[^\n()]{1,60}\((?:AFP|AP|Reuters|Bloomberg)\)|[^\n,.]{1,40}, correspondance)"
    r"\s*[-–—]\s*"
)


def _is_heading(line: str) -> bool:
    stripped = line.strip()
    if re.fullmatch(r"[-–—•*]\s.*\s[-–—•*]", stripped):
        return True
    return len(stripped) < 60 and stripped[-1] not in '.!?»"”:…)' and len(stripped.split()) <= 8


def _cuts(body: str, start: int, end: int, quotes: list[Quotation]) -> list[tuple[int, int]]:
    """Where the sentences of body[start:end] begin and end."""
    inside = [(q.open_mark, q.end + 1) for q in quotes]
    spans: list[tuple[int, int]] = []
    begin = start
    at = start
    # A quotation whose own words end a sentence (`would "not walk away." Tran said …`): the
    # sentence ends after its closing mark when a new one starts there.
    closing = {_closing_mark(body, q, end): q.end - 1 for q in quotes if q.end > q.start}
    while at < end:
        char = body[at]
        ends_quote = at in closing and body[closing[at]] in ".!?…"
        if ends_quote or (char in ".!?…" and not any(a <= at < b for a, b in inside)):
            stop = at + 1
            while stop < end and body[stop] in '.!?…"»”)':
                stop += 1
            if _ends_sentence(body, begin, at, stop, end):
                spans.append((begin, stop))
                begin = stop
                at = stop
                continue
        at += 1
    spans.append((begin, end))
    trimmed = []
    for a, b in spans:
        while a < b and body[a].isspace():
            a += 1
        while b > a and body[b - 1].isspace():
            b -= 1
        if b > a:
            trimmed.append((a, b))
    return trimmed


def _closing_mark(body: str, quote: Quotation, end: int) -> int:
    """Where the mark closing `quote` stands (after a no-break space before `»`), or -1."""
    at = quote.end
    while at < end and body[at] in " \u00a0\u202f":
        at += 1
    return at if at < end and body[at] in '"»”' else -1


def _ends_sentence(body: str, begin: int, at: int, stop: int, end: int) -> bool:
    if stop < end and not body[stop].isspace():
        return False  # "U.S.", "3.5", "Anthropic.com"
    rest = body[stop:end].lstrip()
    if not rest:
        return True
    if not (rest[0].isupper() or rest[0] in '«“"-–—(' or rest[0].isdigit()):
        return False
    if body[at] == ".":
        word = re.search(r"(\w+)$", body[begin:at])
        if word and (
            word[1].lower() in _ABBREVIATIONS or (len(word[1]) == 1 and word[1].isupper())
        ):
            return False
    return True
