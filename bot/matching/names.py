"""Names that stand for things (actors, issues, months, commands), resolved forgivingly."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.matching.folding import fold
from bot.matching.fuzzy import close, closest

if TYPE_CHECKING:
    from bot.matching.keywords import TextIndex


@dataclass(frozen=True, slots=True, kw_only=True)
class Match:
    target: str  # what the name stands for (an actor id, an issue id, a month number)
    label: str  # the name as written in the dossier
    score: float


@dataclass(frozen=True, slots=True, kw_only=True)
class Span:
    """A name found inside a longer query: which words it took."""

    match: Match
    start: int
    end: int  # exclusive word index


class NameIndex:
    """Names (with aliases) that stand for targets; resolves typed names forgivingly.

    A query of n words is compared only with names of n words, so `trump woke` resolves
    `trump` and leaves `woke` for the keywords instead of matching `donald trump` loosely.
    """

    def __init__(self, names: Iterable[tuple[str, str]], *, score_cutoff: float = 75) -> None:
        self.score_cutoff = score_cutoff
        self._by_words: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
        self._entries: list[tuple[str, str, str]] = []  # (folded, label, target)
        seen: set[tuple[str, str]] = set()
        for label, target in names:
            folded = fold(label)
            if not folded or (folded, target) in seen:
                continue
            seen.add((folded, target))
            entry = (folded, label, target)
            self._entries.append(entry)
            self._by_words[folded.count(" ") + 1].append(entry)

    def __len__(self) -> int:
        return len(self._entries)

    def _best(
        self, folded: str, entries: Sequence[tuple[str, str, str]], cutoff: float
    ) -> Match | None:
        if not folded or not entries:
            return None
        found = closest(folded, [e[0] for e in entries], cutoff=cutoff)
        if found is None:
            return None
        _, score, index = found
        _, label, target = entries[index]
        return Match(target=target, label=label, score=score)

    def resolve(self, query: str) -> Match | None:
        """The target a whole query names, or None when nothing is close enough."""
        folded = fold(query)
        return self._best(folded, self._by_words.get(folded.count(" ") + 1, []), self.score_cutoff)

    def find(self, query_words: Sequence[str], *, keywords: TextIndex | None = None) -> Span | None:
        """The first name inside a list of folded words, preferring longer names at a position.

        With `keywords`, a single word is taken for a name only when it is at least as close
        to that name as to a word of the searched text: `trunp` is Trump, but a word that
        merely resembles one of a thousand names stays a keyword.
        """
        for start in range(len(query_words)):
            for size in (3, 2, 1):
                end = start + size
                if end > len(query_words):
                    continue
                entries = self._by_words.get(size, [])
                match = self._best(" ".join(query_words[start:end]), entries, self.score_cutoff)
                if match and not (
                    size == 1
                    and keywords is not None
                    and keywords.closeness(query_words[start]) > match.score
                ):
                    return Span(match=match, start=start, end=end)
        return None

    def suggest(self, query: str, *, limit: int = 3, score_cutoff: float = 70) -> list[Match]:
        """Close names for "did you mean", one per target, best first."""
        folded = fold(query)
        if not folded:
            return []
        scored = close(
            folded, [e[0] for e in self._entries], scorer="weighted", cutoff=score_cutoff
        )
        found: dict[str, Match] = {}
        for _, score, index in scored:
            _, label, target = self._entries[index]
            if target not in found:
                found[target] = Match(target=target, label=label, score=score)
        return sorted(found.values(), key=lambda m: -m.score)[:limit]

    def complete(self, prefix: str, *, limit: int = 25) -> list[Match]:
        """Autocomplete: names that start with the text first, then fuzzy ones; one per target."""
        folded = fold(prefix)
        if not folded:
            return [Match(target=t, label=lbl, score=100) for _, lbl, t in self._unique_targets()][
                :limit
            ]
        scored: list[tuple[float, int]] = []
        for index, (name, _, _) in enumerate(self._entries):
            if name.startswith(folded) or any(w.startswith(folded) for w in name.split(" ")):
                scored.append((200 - len(name) / 100, index))
        fuzzy = close(folded, [e[0] for e in self._entries], scorer="partial", cutoff=70)
        scored.extend((score, index) for _, score, index in fuzzy)
        found: dict[str, Match] = {}
        for score, index in sorted(scored, key=lambda s: -s[0]):
            _, label, target = self._entries[index]
            if target not in found:
                found[target] = Match(target=target, label=label, score=min(score, 100))
        return list(found.values())[:limit]

    def _unique_targets(self) -> list[tuple[str, str, str]]:
        seen: set[str] = set()
        out = []
        for entry in self._entries:
            if entry[2] not in seen:
                seen.add(entry[2])
                out.append(entry)
        return out


def best_command(name: str, commands: Iterable[str]) -> str | None:
    """The command a mistyped command name most likely meant."""
    found = closest(fold(name), list(commands), cutoff=60)
    return found[0] if found else None
