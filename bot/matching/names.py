"""Names that stand for things (actors, issues, months, commands), resolved forgivingly."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from msgspec import Struct

from bot.matching.folding import STOPWORDS, fold
from bot.matching.fuzzy import close, closest, edits_allowed, similarity, within_edits
from bot.record import Record

if TYPE_CHECKING:
    from bot.matching.keywords import TextIndex


class Match(Record, frozen=True, kw_only=True):
    target: str  # what the name stands for (an actor id, an issue id, a month number)
    label: str  # the name as written in the dossier
    score: float


class Span(Record, frozen=True, kw_only=True):
    """A name found inside a longer query: which words it took."""

    match: Match
    start: int
    end: int  # exclusive word index


class _Name(Struct, frozen=True):
    folded: str
    label: str
    target: str
    words: tuple[str, ...]  # its words that mean something (stopwords dropped)
    described: bool  # a description (a role), never a name to suggest or complete


def _meaningful(folded: str) -> tuple[str, ...]:
    found = tuple(w for w in folded.split(" ") if w)
    kept = tuple(w for w in found if w not in STOPWORDS)
    return kept or found


def _forms(word: str) -> tuple[str, ...]:
    """A word and its plural or singular (`syndicat`, `syndicats`)."""
    if len(word) > 3 and word[-1] in "sx":
        return (word, word[:-1])
    return (word, word + "s")


class NameIndex:
    """Names (with aliases) that stand for targets; resolves typed names forgivingly.

    A name is found word by word: each word it means something by (`Secretary`, `Defense`
    in `Secretary of Defense`) must be typed, in any order, with its plural, or with a
    slip or two of typing in a long word, so `trunp`, `secrétaire à la Défense` and
    `donald j. trump` find their target and `Department of War` finds no Department of
    Defense. A name two targets share is nobody's. `descriptions` (roles such as `Chief
    executive of Anthropic`) count as names for finding, never for suggesting.
    """

    def __init__(
        self,
        names: Iterable[tuple[str, str]],
        *,
        descriptions: Iterable[tuple[str, str]] = (),
        score_cutoff: float = 75,
        shortest_slip: int = 4,
    ) -> None:
        self.score_cutoff = score_cutoff
        self.shortest_slip = shortest_slip  # words shorter than this must be typed exactly
        self._entries: list[_Name] = []
        self._by_words: dict[int, list[_Name]] = defaultdict(list)  # by words in the folded name
        self._by_word: dict[str, list[_Name]] = defaultdict(list)  # by each word it means
        seen: set[tuple[str, str]] = set()
        described = [(label, target, True) for label, target in descriptions]
        for label, target, description in [(n, t, False) for n, t in names] + described:
            folded = fold(label)
            if not folded or (folded, target) in seen:
                continue
            seen.add((folded, target))
            entry = _Name(folded, label, target, _meaningful(folded), description)
            self._entries.append(entry)
            self._by_words[folded.count(" ") + 1].append(entry)
            for word in set(entry.words):
                self._by_word[word].append(entry)
        self._name_words = sorted(self._by_word)
        self._named = [e for e in self._entries if not e.described]

    def __len__(self) -> int:
        return len(self._named)

    def _word_matches(self, word: str) -> dict[str, float]:
        """The words of names a typed word may be, with their likeness: exact forms first,
        slips of typing only when it is none of them."""
        found = {form: 1.0 for form in _forms(word) if form in self._by_word}
        if not found:
            most = edits_allowed(len(word), shortest=self.shortest_slip)
            for candidate, distance, _ in within_edits(word, self._name_words, most=most):
                found[candidate] = similarity(word, candidate, distance)
        return found

    @staticmethod
    def _fits(entry: _Name, likeness: Sequence[dict[str, float]]) -> float | None:
        """How well typed words (their likeness to name words) name `entry`, each of its
        words once: the mean likeness, or None when a word is left over on either side."""
        if len(likeness) != len(entry.words):
            return None
        left = list(entry.words)
        total = 0.0
        for matches in likeness:
            score, word = max(((matches.get(w, 0.0), w) for w in left), default=(0.0, ""))
            if score <= 0:
                return None
            left.remove(word)
            total += score
        return total / len(likeness)

    def _best_at(
        self,
        words: Sequence[str],
        places: Sequence[int],
        at: int,
        likeness: dict[int, dict[str, float]],
        keywords: TextIndex | None,
    ) -> Span | None:
        """The longest name starting at the `at`-th meaningful word, if one target has it."""

        def like(n: int) -> dict[str, float]:
            if n not in likeness:
                likeness[n] = self._word_matches(words[places[n]])
            return likeness[n]

        entries = {id(e): e for w in like(at) for e in self._by_word[w]}.values()
        by_size: dict[int, list[tuple[float, _Name]]] = defaultdict(list)
        for entry in entries:
            size = len(entry.words)
            if at + size > len(places):
                continue
            fit = self._fits(entry, [like(n) for n in range(at, at + size)])
            if fit is not None:
                by_size[size].append((fit, entry))
        for size in sorted(by_size, reverse=True):
            ranked = sorted(by_size[size], key=lambda found: -found[0])
            score, entry = ranked[0]
            if any(s == score and e.target != entry.target for s, e in ranked[1:]):
                continue  # two targets answer to these words: neither is meant
            if (
                size == 1
                and score < 1
                and keywords is not None
                and keywords.closeness(words[places[at]]) > score * 100
            ):
                continue  # nearer a word of the searched text than to this name
            return Span(
                match=Match(target=entry.target, label=entry.label, score=score * 100),
                start=places[at],
                end=places[at + size - 1] + 1,
            )
        return None

    def find_all(self, words: Sequence[str], *, keywords: TextIndex | None = None) -> list[Span]:
        """Every name in a list of folded words, left to right, longest first, none overlapping.

        With `keywords`, a single word slightly misspelt is taken for a name only when it is at
        least as close to that name as to a word of the searched text: `trunp` is Trump, but a
        word that merely resembles one of a thousand names stays a keyword.
        """
        places = [n for n, w in enumerate(words) if w not in STOPWORDS]
        likeness: dict[int, dict[str, float]] = {}
        found: list[Span] = []
        at = 0
        while at < len(places):
            span = self._best_at(words, places, at, likeness, keywords)
            if span is None:
                at += 1
                continue
            found.append(span)
            at = next((n for n, place in enumerate(places) if place >= span.end), len(places))
        return found

    def find(self, words: Sequence[str], *, keywords: TextIndex | None = None) -> Span | None:
        """The first name in a list of folded words, preferring longer names at a position."""
        found = self.find_all(words, keywords=keywords)
        return found[0] if found else None

    def find_part(self, words: Sequence[str]) -> Span | None:
        """The one target whose names hold every word that means something in a query that
        names no one in full (`ministre` of `ministre de la Défense`, `chief executive` of
        `Chief executive of Anthropic`), typed exactly or as a plural; else None."""
        places = [n for n, w in enumerate(words) if w not in STOPWORDS]
        targets: set[str] | None = None
        for place in places:
            word = words[place]
            holders = {e.target for form in _forms(word) for e in self._by_word.get(form, ())}
            targets = holders if targets is None else targets & holders
            if len(targets) != 1:
                return None
        if targets is None:
            return None
        (target,) = targets
        return Span(
            match=Match(target=target, label=self.label_of(target), score=100.0),
            start=places[0],
            end=places[-1] + 1,
        )

    def _whole(self, folded: str) -> Match | None:
        """The name as a whole string, compared with names of as many words (`fuzz.ratio`)."""
        entries = self._by_words.get(folded.count(" ") + 1, [])
        if not folded or not entries:
            return None
        found = closest(folded, [e.folded for e in entries], cutoff=self.score_cutoff)
        if found is None:
            return None
        _, score, index = found
        return Match(target=entries[index].target, label=entries[index].label, score=score)

    def resolve(self, query: str, *, resemblance: bool = True) -> Match | None:
        """The target a whole query names: in full, by words only one target's names have,
        or (with `resemblance`) by likeness to a name of as many words; None when nothing
        is close enough."""
        folded = fold(query)
        typed = folded.split(" ") if folded else []
        meaningful = [n for n, w in enumerate(typed) if w not in STOPWORDS] or list(
            range(len(typed))
        )
        for span in (*self.find_all(typed)[:1], self.find_part(typed)):
            if span and span.start <= meaningful[0] and span.end > meaningful[-1]:
                return span.match
        return self._whole(folded) if resemblance else None

    def label_of(self, target: str) -> str:
        """The first name given for a target."""
        return next(e.label for e in self._entries if e.target == target)

    def suggest(self, query: str, *, limit: int = 3, score_cutoff: float = 70) -> list[Match]:
        """Close names for "did you mean", one per target, best first."""
        folded = fold(query)
        if not folded:
            return []
        scored = close(
            folded, [e.folded for e in self._named], scorer="weighted", cutoff=score_cutoff
        )
        found: dict[str, Match] = {}
        for _, score, index in scored:
            entry = self._named[index]
            if entry.target not in found:
                found[entry.target] = Match(target=entry.target, label=entry.label, score=score)
        return sorted(found.values(), key=lambda m: -m.score)[:limit]

    def complete(self, prefix: str, *, limit: int = 25) -> list[Match]:
        """Autocomplete: names that start with the text first, then fuzzy ones; one per target."""
        folded = fold(prefix)
        if not folded:
            return [Match(target=e.target, label=e.label, score=100) for e in self._unique()][
                :limit
            ]
        scored: list[tuple[float, int]] = []
        for index, entry in enumerate(self._named):
            name = entry.folded
            if name.startswith(folded) or any(w.startswith(folded) for w in name.split(" ")):
                scored.append((200 - len(name) / 100, index))
        fuzzy = close(folded, [e.folded for e in self._named], scorer="partial", cutoff=70)
        scored.extend((score, index) for _, score, index in fuzzy)
        found: dict[str, Match] = {}
        for score, index in sorted(scored, key=lambda s: -s[0]):
            entry = self._named[index]
            if entry.target not in found:
                found[entry.target] = Match(
                    target=entry.target, label=entry.label, score=min(score, 100)
                )
        return list(found.values())[:limit]

    def _unique(self) -> list[_Name]:
        seen: set[str] = set()
        out = []
        for entry in self._named:
            if entry.target not in seen:
                seen.add(entry.target)
                out.append(entry)
        return out


def best_command(name: str, commands: Iterable[str]) -> str | None:
    """The command a mistyped command name most likely meant."""
    found = closest(fold(name), list(commands), cutoff=60)
    return found[0] if found else None
