"""Who a phrase names: one of the dossier's actors, someone named earlier, or a new actor.

Keeps the people and bodies an article has named, in order, so that a pronoun ("il",
"she"), a title ("la préfète", "the mayor") or a surname points back to the last one
that fits, as a reader would.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.corpus.model import Actor
from bot.date_rules import fold_same_length
from bot.draft.model import DraftActor
from bot.draft.names import (
    ORG_WORDS,
    find_names,
    gender_of_first_name,
    is_media,
    looks_like_person,
)
from bot.draft.speech import (
    DETERMINERS,
    ENGLISH_VERB,
    FRENCH_VERB_GROUP,
    PERSON_NOUNS,
    PLURAL_START,
    PRONOUNS,
)
from bot.matching.folding import fold

_FEMININE_TITLES = frozenset(
    """presidente prefete deputee senatrice avocate directrice cheffe adjointe conseillere
    representante deleguee militante patronne dirigeante elue spokeswoman woman femme
    mme madame mrs ms""".split()
)
_PRONOUN_REACH = 3  # sentences: a pronoun points back no further than this
_FEMININE_DETERMINERS = ("la ", "une ", "cette ", "mme ", "madame ", "ms ", "mrs ")
_MASCULINE_DETERMINERS = ("le ", "un ", "ce ", "m ", "monsieur ", "mr ")


@dataclass(slots=True, kw_only=True)
class Entry:
    """An actor as the article reveals it: known to the dossier or new."""

    id: str
    name: str
    kind: str
    aliases: list[str]
    new: bool
    gender: str | None = None
    plural: bool = False
    role: str = ""
    rule: str = ""
    sentence: str = ""
    used: bool = False  # named by a quote or an event, so part of the draft
    seen_at: int = -100  # the last sentence that named it
    spoke: bool = False  # the speaker of a quote: "il"/"elle" may point back to a body then
    subject_at: int = -100  # the last sentence it was the subject of
    folded_aliases: set[str] = field(default_factory=set)
    loose_aliases: set[str] = field(default_factory=set)  # written lower case: "porte-parole"

    def add_alias(self, alias: str) -> None:
        alias = alias.strip(" ,.;:")
        folded = fold(alias)
        if alias and folded and folded not in self.folded_aliases:
            self.aliases.append(alias)
            self.folded_aliases.add(folded)
            if alias == alias.lower():
                self.loose_aliases.add(folded)

    def frozen(self) -> DraftActor:
        return DraftActor(
            id=self.id,
            name=self.name,
            kind=self.kind,
            aliases=tuple(self.aliases),
            new=self.new,
            role=self.role,
            rule=self.rule,
            sentence=self.sentence,
        )


class ActorBook:
    """The dossier's actors and the ones an article adds, with what was named last."""

    def __init__(self, known: Sequence[Actor]) -> None:
        self.entries: list[Entry] = []
        for actor in known:
            entry = Entry(
                id=actor.id,
                name=actor.name.en,
                kind=actor.kind,
                aliases=list(actor.aliases),
                new=False,
                plural=actor.kind == "group",
                gender=_gender_from_text(fold(actor.role.fr)) if actor.kind == "person" else None,
            )
            entry.folded_aliases = {fold(a) for a in (actor.name.en, *actor.aliases) if fold(a)}
            entry.loose_aliases = {fold(a) for a in actor.aliases if a == a.lower()}
            self.entries.append(entry)
        self._recent: list[Entry] = []  # most recent last
        self.sentence = 0  # the sentence being read, set by `begin`
        self._before: list[Entry] = []  # _recent as the sentence began
        self._here: dict[str, int] = {}  # where this sentence first named each actor

    def begin(self, index: int) -> None:
        """A new sentence: what was named before it is what its pronouns may point back to."""
        self.sentence = index
        self._before = list(self._recent)
        self._here = {}

    # --- what the text has named -------------------------------------------------------

    def mention(self, entry: Entry, at: int | None = None) -> None:
        """`entry` is named now, at `at` in the sentence when known."""
        entry.seen_at = self.sentence
        if entry in self._recent:
            self._recent.remove(entry)
        self._recent.append(entry)
        if at is not None and entry.id not in self._here:
            self._here[entry.id] = at

    def note_names(self, text: str, sentence: str, *, labels: dict[tuple[int, int], str]) -> None:
        """Remember the people and bodies named in `text`, in order (not yet actors)."""
        for start, end in sorted(self._spans(text, labels)):
            name = text[start:end]
            entry = self.by_name(name) or self._alias_hit(name)
            if entry is None and is_media(name):
                continue  # "told The Associated Press": a venue, not an actor
            if entry is None:
                label = labels.get((start, end))
                if label not in (None, "PER", "ORG") or not _worth_an_actor(name, label):
                    continue
                entry = self._new_named(name, sentence, label, rule="named in the article")
            if entry.kind == "person":
                title = title_near(text, start, end)
                body = title and not re.match(r"\S+['’]s\b", title)  # not "union's president"
                if body and entry.new and not entry.spoke and _head_noun(fold(title)) in ORG_WORDS:
                    entry.kind, entry.gender = "organisation", None  # "The union …, X,"
                elif title:
                    entry.add_alias(title)
                    entry.role = entry.role or title
                    entry.gender = entry.gender or _gender_from_text(
                        fold(title_prefix(text, start))
                    )
            self.mention(entry, start)
        for entry in self._alias_hits_in(text):
            self.mention(entry)

    def note_groups(self, prose: str, sentence: str) -> None:
        """Groups of people a sentence names anywhere, quotes blanked (`lorsque quelques
        dizaines d'étudiants ont bloqué …`), for an `ils`/`they` after them."""
        for found in _group_pattern().finditer(fold_same_length(prose)):
            noun = prose[found.start("noun") : found.end("noun")]
            entry = next(
                (
                    e
                    for e in reversed(self._recent)
                    if (e.plural or e.kind == "group")
                    and fold(noun) in {w for a in e.folded_aliases for w in a.split()}
                ),
                None,
            )
            self.mention(
                entry or self._new_role(noun, f"les {fold(noun)}", sentence), found.start()
            )

    def _spans(self, text: str, labels: dict[tuple[int, int], str]) -> set[tuple[int, int]]:
        spans = set(find_names(text))
        for (start, end), label in labels.items():
            if label in ("PER", "ORG") and end <= len(text) and text[start:end].strip():
                spans = {s for s in spans if s[1] <= start or s[0] >= end}
                spans.add((start, end))
        return spans

    def note_subject(self, phrase: str, sentence: str) -> None:
        """Remember who a sentence is about ("Le ministre de la Transition a défendu…")."""
        folded = fold(phrase)
        if folded in PRONOUNS or not folded:
            return
        heads = _heads(phrase)
        entry = next((e for n in heads if (e := self.by_name(n))), None)
        entry = entry or self._alias_hit(phrase, names=heads)
        bare = DETERMINERS.sub("", phrase, count=1).strip()
        head = _head_noun(fold(bare))
        definite = re.match(r"(?i)(?:the|le|la|l')\s*", phrase)
        named_after = heads and phrase.find(heads[0]) > phrase.find(",") >= 0
        named_after = named_after and not re.match(r"\S+['’]s\b", bare)  # "The board's chair, X"
        new_person = entry is not None and entry.new and not entry.spoke and entry.kind == "person"
        if entry is not None and new_person and definite and head in ORG_WORDS and named_after:
            entry.kind, entry.gender = "organisation", None  # "The union …, Puget Local 12,"
        if entry is None and not heads and definite and head in ORG_WORDS:
            entry = self._by_title(head, plural=False)  # "The company said…": the last body
            names = [phrase[a:b] for a, b in find_names(phrase)]
            if entry is not None and names and _names_outside(names, entry):
                entry = None  # "La chambre de commerce de la Charente": a body of its own
            if entry is not None and entry.kind == "organisation" and head not in _ANY_BODY:
                entry.add_alias(head)  # "The district…": it stays the district after
        if entry is None and not heads and definite and head in _GENERIC_PERSON:
            entry = self._last_person(_gender_from_text(folded))  # "La dirigeante a rappelé…"
        if entry is None and not heads and bare and len(bare.split()) <= 8:
            plural = bool(PLURAL_START.match(folded + " "))
            person = head in PERSON_NOUNS or (plural and head.rstrip("s") in PERSON_NOUNS)
            titled = self._titled(head, plural=plural) if person else None
            if person and definite and titled is None and not plural:
                # "Claire Dubois est maire … La maire conteste …": the last person who fits
                titled = self._by_title(head, plural=False, gender=_gender_from_text(folded))
            if person and DETERMINERS.match(phrase) and titled is None:
                entry = self._new_role(bare, folded, sentence)
            elif titled is not None and definite:
                entry = titled  # "Le président du club a rappelé …": the president named before
        if entry is not None:
            self.mention(entry, max(sentence.find(phrase), 0))
            entry.subject_at = self.sentence

    # --- resolving a speaker's phrase ----------------------------------------------------

    def resolve(
        self, phrase: str, *, sentence: str, labels: dict[tuple[int, int], str] | None = None
    ) -> tuple[Entry, str] | None:
        """The actor `phrase` names ("le maire", "Claire Dubois, préfète", "elle"), and how."""
        phrase = phrase.strip(" ,;:")
        folded = fold(phrase)
        if not folded:
            return None
        if folded in PRONOUNS:
            found = self.pronoun(folded, at=_word_at(sentence, phrase))
            return (found, f"pronoun '{phrase}' -> last fitting person named") if found else None
        honoured = self._honorific(phrase, sentence)
        if honoured is not None:
            return honoured
        agent = _AGENT.search(phrase)
        if agent is not None and (
            PLURAL_START.match(folded + " ")
            or any(w in PERSON_NOUNS or w.rstrip("s") in PERSON_NOUNS for w in folded.split())
        ):
            # "Les saisonniers employés par la SEGP": the workers, not their employer
            subject = self.resolve(_without_participle(phrase[: agent.start()]), sentence=sentence)
            if subject is not None:
                return subject
        names = [phrase[a:b] for a, b in find_names(phrase)]
        heads = _heads(phrase)
        for name in heads:
            entry = self.by_name(name)
            if entry is not None:
                self._learn_title(entry, phrase, name)
                return entry, f"named: {name}"
        if (
            heads
            and self.by_name(heads[0]) is None
            and _common_word_opening(heads[0], sentence, labels)
        ):
            if phrase.startswith(heads[0]):
                among = _AMONG.search(phrase)  # "Inquiétude chez les commerçants : « … »"
                if among is not None:
                    return self.resolve(among["who"], sentence=sentence, labels=labels)
                return None  # "Insuffisant, …", "Colère au port : « … »": no one is named
            heads = heads[1:]
        indefinite = bool(re.match(r"(?i)(?:un|une|a|an|des|some)\s", phrase))
        bare = DETERMINERS.sub("", phrase, count=1).strip()
        if heads and looks_like_person(heads[0]) and labels_allow(labels, heads[0], sentence):
            entry = self._new_named(heads[0], sentence, "PER", rule="new speaker, named")
            self._learn_title(entry, phrase, heads[0])
            return entry, f"new speaker named: {heads[0]}"
        alias = self._alias_hit(phrase, names=names, known_only=indefinite)
        if alias is not None:
            return alias, "a name or title the dossier knows"
        if not heads:
            pointed = self._pointed_back(phrase, folded, bare, names)
            if pointed is not None:
                return pointed
        if heads and not looks_like_person(heads[0]) and phrase.startswith(heads[0]):
            entry = self._new_named(heads[0], sentence, "ORG", rule="new speaker, a body named")
            return entry, f"new speaker named: {heads[0]}"
        if not bare or len(bare.split()) > 10:
            return None
        entry = self._new_role(bare, folded, sentence)
        return entry, f"new speaker, a role or group: {bare}"

    def _honorific(self, phrase: str, sentence: str) -> tuple[Entry, str] | None:
        """ "M. Le Bihan", "Mme Roux": a person, the name after the honorific (None: no
        honorific, or no name after it)."""
        honorific = _HONORIFIC.match(phrase)
        named = _HONORIFIC_NAME.match(phrase, honorific.end()) if honorific else None
        if honorific is None or named is None:
            return None
        name = named[0]
        entry = self.by_name(name)
        if entry is None:
            entry = self._new_named(name, sentence, "PER", rule="new speaker, named")
            entry.gender = entry.gender or _HONORIFIC_GENDER.get(honorific[1].rstrip("."))
        return entry, f"named: {honorific[0].strip()} {name}"

    def _pointed_back(
        self, phrase: str, folded: str, bare: str, names: list[str]
    ) -> tuple[Entry, str] | None:
        """Who a title with no name points back to ("l'élu", "la préfète", "the company"):
        the last person who fits, or the last one so named; None when it names a new one."""
        definite = re.match(r"^(?:le|la|les|the)\s", folded)
        head = _head_noun(fold(bare))
        elided = folded.startswith("l ")  # fold makes "l'élu" "l elu"
        if (definite or elided) and head in _GENERIC_PERSON:
            person = self._last_person(_gender_from_text(folded))
            if person is not None:  # "L'élu a écrit…": the last person named who fits
                return person, f"title '{phrase}' -> the last person named"
        if not definite:
            return None
        found = self._by_title(
            head,
            plural=bool(PLURAL_START.match(folded + " ")),
            gender=_gender_from_text(folded),
        )
        if found is None:
            return None
        if names and _names_outside(names, found):
            return None  # "la chambre de commerce de la Charente": not the body before
        if head in ORG_WORDS and _qualified_elsewhere(bare, found):
            return None  # "la chambre régionale des comptes": a body of its own
        return found, f"title '{phrase}' -> last one so named"

    def pronoun(self, word: str, *, at: int | None = None) -> Entry | None:
        """The last person named that fits ("il", "she"), or the last group ("ils", "they").

        A pronoun points back: an actor this sentence names only after the pronoun (`Selon
        lui, l'entreprise a …`) is not what it points to, unless named before.
        """
        gender, plural = PRONOUNS[word]
        order = self._recent
        if at is not None:
            here = [e for e in self._recent if self._here.get(e.id, -1) in range(at)]
            order = [e for e in self._before if e not in here] + here
        recent = [e for e in order if self.sentence - e.seen_at <= _PRONOUN_REACH]
        if gender == "n":  # "it": the body the sentence before was about, else the last named
            bodies = [e for e in reversed(recent) if e.kind == "organisation"]
            about = [e for e in bodies if self.sentence - e.subject_at <= 1]
            return next(iter(about or bodies), None)
        if plural:
            for entry in reversed(recent):
                if entry.plural or entry.kind == "group":
                    return entry
            for entry in reversed(recent):
                if entry.kind == "organisation" and entry.spoke:
                    return entry
            return None
        for entry in reversed(recent):
            if entry.plural or (entry.kind != "person" and not entry.spoke):
                continue  # a body answers to "il"/"elle" only once it has spoken
            if entry.kind != "person" and word in _PERSONAL_ONLY:
                continue  # English "he"/"she" is a person, never a company ("it")
            if gender is None or entry.gender in (None, gender):
                return entry
        return None

    def by_name(self, name: str) -> Entry | None:
        """An actor this proper name is: its full name, an alias, or a person's surname."""
        folded = fold(name)
        if not folded:
            return None
        for entry in reversed(self._recent):
            if folded in entry.folded_aliases:
                return entry
        for entry in self.entries:
            if folded in entry.folded_aliases or fold(entry.name) == folded:
                return entry
        last = folded.split()[-1]
        for entry in [*reversed(self._recent), *self.entries]:
            surname = entry.kind == "person" and fold(entry.name).split()[-1:] == [last]
            if surname and (len(folded.split()) == 1 or folded in fold(entry.name)):
                return entry
        return None

    def _alias_hit(
        self, phrase: str, names: Sequence[str] = (), *, known_only: bool = False
    ) -> Entry | None:
        """The actor whose longest alias stands in the phrase as whole words.

        `known_only`: "a spokesperson for the office" is someone new, not the last
        spokesperson named, so only the dossier's own actors may match it.
        """
        padded = f" {fold(phrase)} "
        head = _head_noun(fold(DETERMINERS.sub("", phrase.strip(), count=1)))
        best: tuple[int, Entry] | None = None
        for entry in self.entries:
            if known_only and entry.new:
                continue
            for alias in entry.folded_aliases:
                if f" {alias} " not in padded or (best and len(alias) <= best[0]):
                    continue
                if names and alias in entry.loose_aliases and _names_outside(names, entry):
                    continue  # "porte-parole" is not "porte-parole de l'Autorité portuaire"
                if entry.new and alias in entry.loose_aliases and alias.split()[0] != head:
                    continue  # "400 personnes, salariés, familles": not the employees alone
                best = (len(alias), entry)
        return best[1] if best else None

    def _alias_hits_in(self, text: str) -> list[Entry]:
        """The dossier's actors a text names by one of their aliases, in order."""
        padded = f" {fold(text)} "
        hits = []
        for entry in self.entries:
            at = min(
                (padded.find(f" {a} ") for a in entry.folded_aliases if f" {a} " in padded),
                default=-1,
            )
            if at >= 0 and not entry.new:
                hits.append((at, entry))
        return [entry for _, entry in sorted(hits, key=lambda hit: hit[0])]

    def actors_in(self, text: str) -> list[Entry]:
        """Every known or already drafted actor that `text` names, in order of appearance."""
        padded = f" {fold(text)} "
        hits: dict[str, tuple[int, Entry]] = {}
        for entry in self.entries:
            if entry.new and not entry.used and entry.kind != "person":
                continue
            for alias in entry.folded_aliases:
                if len(alias) < 3 or (alias in entry.loose_aliases and len(alias.split()) == 1):
                    continue  # "employees", "official": too loose to tag an event with
                at = padded.find(f" {alias} ")
                if at >= 0 and (entry.id not in hits or at < hits[entry.id][0]):
                    hits[entry.id] = (at, entry)
        return [entry for _, entry in sorted(hits.values(), key=lambda hit: hit[0])]

    def _titled(self, head: str, *, plural: bool) -> Entry | None:
        """The last one named with this title word ("ministre", "mayor")."""
        for entry in reversed(self._recent):
            words = {
                w for text in (*entry.folded_aliases, fold(entry.role)) for w in _title_words(text)
            }
            if head in words and entry.plural == plural:
                return entry
        return None

    def _last_person(self, gender: str | None) -> Entry | None:
        """The last person named who fits, for a definite title that names no function."""
        for entry in reversed(self._recent):
            if self.sentence - entry.seen_at > _PRONOUN_REACH:
                break
            fits = gender is None or entry.gender in (None, gender)
            if entry.kind == "person" and not entry.plural and fits:
                return entry
        return None

    def _by_title(self, head: str, *, plural: bool, gender: str | None = None) -> Entry | None:
        if not head:
            return None
        titled = self._titled(head, plural=plural)
        if titled is not None:
            return titled
        if head in PERSON_NOUNS or head.rstrip("s") in PERSON_NOUNS:
            for entry in reversed(self._recent):
                if plural and (entry.plural or entry.kind == "group"):
                    return entry
                if not plural and entry.kind == "person" and not entry.plural:
                    if gender and entry.gender and entry.gender != gender:
                        continue  # "le maire" is not the woman named last
                    if entry.role and head not in _ANY_PERSON and head not in fold(entry.role):
                        continue  # "le maire" is not the retiree quoted before him
                    return entry
        if head in ORG_WORDS or head in ("start-up", "start up", "firme", "firm"):
            side = _side_of_word(head)
            bodies = [e for e in reversed(self._recent) if e.kind == "organisation"]
            same = [e for e in bodies if side is not None and _sides(e) == {side}]
            return next(iter(same or [e for e in bodies if _side_fits(side, e)]), None)
        return None

    # --- new actors ---------------------------------------------------------------------

    def _new_named(self, name: str, sentence: str, label: str | None, *, rule: str) -> Entry:
        person = label == "PER" or (label is None and looks_like_person(name))
        entry = Entry(
            id=self._fresh_id(name),
            name=name,
            kind="person" if person else "organisation",
            aliases=[],
            new=True,
            gender=gender_of_first_name(name) if person else None,
            rule=rule,
            sentence=sentence,
        )
        if person and len(name.split()) > 1:
            words = name.split()
            particle = words[1] in ("Le", "La", "de", "du", "Van", "Von", "van", "von", "De", "Du")
            entry.add_alias(" ".join(words[1:]) if particle else words[-1])  # "Le Gall"
        entry.add_alias(name)
        self.entries.append(entry)
        return entry

    def _new_role(self, bare: str, folded: str, sentence: str) -> Entry:
        for entry in self.entries:
            if entry.new and fold(entry.name) == fold(bare):
                return entry
        plural = bool(PLURAL_START.match(folded + " "))
        head = _head_noun(fold(bare))
        collective = head in ("opposition", "collectif", "majorite", "intersyndicale")
        kind = (
            "group" if plural or collective else "organisation" if head in ORG_WORDS else "person"
        )
        entry = Entry(
            id=self._fresh_id(bare),
            name=bare[:1].upper() + bare[1:],
            kind=kind,
            aliases=[],
            new=True,
            plural=plural,
            gender=_gender_from_text(folded) if kind == "person" else None,
            role=bare,
            rule="new speaker, a role or group",
            sentence=sentence,
        )
        entry.add_alias(bare)
        self.entries.append(entry)
        return entry

    def _fresh_id(self, name: str) -> str:
        base = "-".join(fold(name).split()[:6]) or "actor"
        taken = {e.id for e in self.entries}
        ident, number = base, 2
        while ident in taken:
            ident, number = f"{base}-{number}", number + 1
        return ident

    def _learn_title(self, entry: Entry, phrase: str, name: str) -> None:
        at = phrase.find(name)
        if at < 0 or not entry.new:
            return
        title = title_near(phrase, at, at + len(name))
        if title:
            entry.add_alias(title)
            entry.role = entry.role or title
        if entry.gender is None and entry.kind == "person":
            entry.gender = _gender_from_text(fold(title_prefix(phrase, at)))

    def drafted(self) -> list[DraftActor]:
        return [e.frozen() for e in self.entries if e.used]


def _common_word_opening(
    name: str, sentence: str, labels: dict[tuple[int, int], str] | None
) -> bool:
    """Whether a capitalised word is only a sentence's first word, not a name: one word, no
    first name, no acronym, opening the sentence, and not a person or a body to spaCy (to the
    rules alone, when spaCy did not run: the ending of an adjective or a common noun)."""
    if (
        len(name.split()) != 1
        or any(c.isupper() for c in name[1:])
        or gender_of_first_name(name) is not None
        or not sentence.lstrip().startswith(name)
    ):
        return False
    if labels is not None:
        at = len(sentence) - len(sentence.lstrip())
        return not any(
            a < at + len(name) and at < b and label in ("PER", "ORG")
            for (a, b), label in labels.items()
        )
    return bool(_COMMON_ENDING.search(fold(name)))


# `Colère chez les pêcheurs`, `Du côté des élus`: who the mood is of.
_AMONG = re.compile(
    r"(?<![\w-])(?:chez|parmi|du côté (?:des|du|de la|de l'|de)|côté|among)\s+(?P<who>.+)$",
    re.IGNORECASE,
)


# Endings of French and English adjectives and common nouns, rare in names.
_COMMON_ENDING = re.compile(
    r"(?:ant|ants|able|ible|if|ive|ifs|eux|euse|ion|ions|isme|ite|age|ment|ure|ence|ance|aire"
    r"|iste|ique|ude|ere|ete|eur|oir|ness|ful|less|ous|ing|tion|ity)$"
)


def _title_words(folded: str) -> list[str]:
    """A title's words, not an owner's (`company s counsel`: counsel, not company)."""
    words = folded.replace("'", " ").replace("’", " ").split()
    return [w for i, w in enumerate(words) if words[i + 1 : i + 2] != ["s"] and w != "s"]


_HONORIFIC = re.compile(r"(M|MM|Mme|Mmes|Mlle|Me|Dr|Pr|Mr|Mrs|Ms)\.?\s+(?=[A-ZÉ])")
_HONORIFIC_NAME = re.compile(
    r"(?:(?:Le|La|De|Du|de|du|d['’]|van|von)\s*)?[A-ZÉ][\w'’-]*(?:\s+(?:[A-ZÉ][\w'’-]*|Le|La|de|du))*"
)
_HONORIFIC_GENDER = {"M": "m", "Mr": "m", "Mme": "f", "Mlle": "f", "Mrs": "f", "Ms": "f"}


def _word_at(sentence: str, word: str) -> int | None:
    """Where `word` stands in the sentence as a whole word, or None."""
    found = re.search(rf"(?<![\w-]){re.escape(word)}(?![\w])", sentence)
    return found.start() if found else None


def labels_allow(labels: dict[tuple[int, int], str] | None, name: str, sentence: str) -> bool:
    """spaCy, when it ran, has not called this name a place ("Provence"): a place overlaps
    it where the sentence writes it, and no person does."""
    if not labels:
        return True
    at = sentence.find(name)
    if at < 0:
        return True
    end = at + len(name)
    found = {label for (a, b), label in labels.items() if a < end and at < b}
    return "LOC" not in found or "PER" in found


def title_prefix(text: str, start: int) -> str:
    """The words before a name in its phrase: "la préfète du Finistère" for "…, Anne Dupont"."""
    before = text[:start].rstrip(" ,")
    before = re.split(r"[,:;]|(?<![\w-])(?:[Ss]elon|[Dd]['’]après|[Pp]our)\s", before)[-1].strip()
    # "a déclaré la préfète du Finistère": the title starts at its article
    for found in _TITLE_START.finditer(before):
        if not before[found.end() : found.end() + 1].isupper():  # not "l'AFP"
            return before[found.start() :].strip()
    return before


_TITLE_START = re.compile(
    r"(?:^|\s)(?:[Ll]es?|[Ll]a|[Ll]['’]|[Tt]he|[Ss]on|[Ss]a|[Ss]es|[Ll]eur)(?:\s+|(?<=['’]))"
)


def title_near(text: str, start: int, end: int) -> str:
    """The title given with a name: before it ("le maire Jean Martin") or after a comma."""
    before = title_prefix(text, start)
    bare = DETERMINERS.sub("", before, count=1).strip()
    if (
        bare
        and bare[0].islower()
        and len(bare.split()) <= 8
        and _head_noun(fold(bare))
        and not _SAYS.match(fold_same_length(bare))  # "s'indigne Anne Roux": a verb, not her title
        and not DETERMINERS.match(f"{bare} ")  # "selon le SDE": an article alone
        and not _RELATIVE_START.match(fold(bare))  # "…, who chairs the Calloway Council"
    ):
        return bare
    after = text[end:].lstrip()
    if after.startswith(","):
        rest = after[1:].strip()
        cut = re.search(r",|;|\.|\s(?P<verb>qui|who|a|ont|said|has|have|est)\s", rest)
        if cut and cut["verb"] and cut["verb"] not in ("qui", "who"):
            return ""  # "selon Paul Roux, l'entreprise a accepté": the next clause's subject
        rest = rest[: cut.start()] if cut else rest
        bare = DETERMINERS.sub("", rest.strip(), count=1).strip()
        said = _SAYS.match(fold_same_length(bare)) or _RELATIVE_START.match(fold(bare))
        if bare and bare[0].islower() and len(bare.split()) <= 8 and not said:
            return bare
    return ""


_RELATIVE_START = re.compile(r"(?:qui|que|qu|dont|ou|who|whose|whom|which|that|where)\b")
# A speech verb, French or English, where a title was looked for.
_SAYS = re.compile(rf"(?:{FRENCH_VERB_GROUP.pattern})|(?:{ENGLISH_VERB.pattern})")


_QUANTITIES = frozenset(
    "dizaine dizaines centaine centaines millier milliers groupe poignee partie majorite "
    "dozens hundreds thousands group number".split()
)


_GROUP: list[re.Pattern[str]] = []


def _group_pattern() -> re.Pattern[str]:
    """A plural group of people after a quantity or a determiner (`quelques dizaines
    d'étudiants`, `plus de 300 salariés`, `the protesters`), compiled on first use."""
    if not _GROUP:
        nouns = sorted((n for n in PERSON_NOUNS if n.endswith(("s", "x"))), key=len, reverse=True)
        _GROUP.append(
            re.compile(
                r"(?<![\w-])(?:les|des|ces|quelques|plusieurs|nombreux|nombreuses|\d[\d  ]*"
                r"|dizaines? d'|centaines? d[e']|milliers? d[e']|the|some|several|many|dozens of"
                r"|hundreds of|thousands of)\s*(?:[\w-]+\s+)?(?P<noun>"
                + "|".join(re.escape(n) for n in nouns)
                + r")(?![\w-])"
            )
        )
    return _GROUP[0]


_PERSONAL_ONLY = frozenset(("he", "she", "him", "her"))
# A participle's agent (`employés par la SEGP`, `hired by the city`) names someone else.
_AGENT = re.compile(r"(?<=\w)\s+(?:par|by)\s", re.IGNORECASE)
_PARTICIPLE = re.compile(r"\s\w+(?:é|ée|és|ées|ed)(?!\w).*$", re.IGNORECASE)


def _without_participle(phrase: str) -> str:
    """`Les saisonniers employés chaque hiver` -> `Les saisonniers`: the people, not what is
    said of them (the participle after the noun, past its first word)."""
    words = DETERMINERS.sub("", phrase, count=1)
    lead = len(phrase) - len(words)
    first = words.split(" ", 1)[0]
    cut = _PARTICIPLE.search(words, len(first))
    return phrase[: lead + cut.start()] if cut else phrase


# Titles that name no function, only someone already named: `la dirigeante`, `l'édile`,
# `the official` point back to the last person named who fits.
_GENERIC_PERSON = frozenset(
    "dirigeant dirigeante edile elu elue interesse interessee official executive".split()
)


# Person words that name no function of their own: any person named may be one.
_ANY_PERSON = frozenset(
    "responsable homme femme auteur man woman person personne interesse interessee".split()
)


# Words for any body, which point to the last one named each time (`la société`, `the group`),
# where `the district` or `le rectorat`, once it has pointed to one, keeps naming it.
_ANY_BODY = frozenset(
    "societe entreprise groupe firme company firm group corporation organisation organization "
    "association collectif syndicat union".split()
)


# Which side of a dispute a body's word names: `la direction`, `l'entreprise`, `the company`
# are the employer, never a union or a court named before them; `le syndicat` is a union,
# never the company; `the court`, `le ministère` are public bodies. Union names are widely
# known acronyms.
_EMPLOYER_WORDS = frozenset(
    "entreprise societe direction groupe firme employeur exploitant operateur delegataire "
    "filiale company firm employer corporation management operator inc ltd llc corp sa sas "
    "plc gmbh partners holdings industries technologies solutions ventures enterprises".split()
)
_UNION_WORDS = frozenset(
    "syndicat syndicats intersyndicale union unions cgt cfdt fo unsa sud sud-rail fsu snes "
    "cftc cfe-cgc fnsea solidaires confederation".split()
)


# Words that qualify a body's title without making it another body ("la direction du groupe").
_PLAIN_QUALIFIERS = frozenset(
    """de du des d la le les l et en of the and usine site club ville commune local locale
    locaux""".split()
)


def _qualified_elsewhere(bare: str, entry: Entry) -> bool:
    """Whether a body's title says more than its head (`chambre régionale des comptes`,
    `conseil municipal`) in words the body pointed to is not known by: another body."""
    words = fold(bare).replace("'", " ").split()[1:]
    known = {
        part
        for text in (entry.name, entry.role, *entry.aliases)
        for part in fold(text).replace("'", " ").split()
    }
    return any(
        w not in known and w not in _PLAIN_QUALIFIERS and w not in ORG_WORDS and len(w) > 2
        for w in words
    )


# Public bodies: a court, a ministry, a council is never `the company` nor `le syndicat`.
_PUBLIC_WORDS = frozenset(
    "tribunal cour court ministere ministry prefecture mairie gouvernement government agence "
    "agency departement department region commission senat senate assemblee assembly "
    "authority autorite rectorat conseil council parquet prosecutor prosecutors".split()
)


def _side_of_word(word: str) -> str | None:
    if word in _EMPLOYER_WORDS:
        return "employer"
    if word in _UNION_WORDS:
        return "union"
    if word in _PUBLIC_WORDS:
        return "public"
    return None


def _side_fits(side: str | None, entry: Entry) -> bool:
    """Whether a body may be the one `la direction` or `le syndicat` points back to: it is
    not known to be of the other side (by its name, aliases or role)."""
    if side is None:
        return True
    sides = _sides(entry)
    return not sides or side in sides


def _sides(entry: Entry) -> set[str]:
    """The sides a body's name, aliases and role say it is of (none, one, or several)."""
    words = {
        part
        for text in (entry.name, entry.role, *entry.aliases)
        for word in fold(text).split()
        for part in (word, *word.split("-"))
    }
    return {side for w in words if (side := _side_of_word(w)) is not None}


def _head_noun(folded: str) -> str:
    words = folded.split()
    if len(words) >= 3 and words[0] in _QUANTITIES and words[1] in ("de", "d", "of"):
        words = words[2:]  # "quelques dizaines d'étudiants" is about students
    if not words:
        return ""
    if words[0] in ("porte", "porte-parole") or folded.startswith("porte parole"):
        return "porte-parole"
    return words[0]


def _gender_from_text(folded: str) -> str | None:
    padded = f"{folded} "
    if padded.startswith(_FEMININE_DETERMINERS) or any(
        w in _FEMININE_TITLES for w in folded.split()
    ):
        return "f"
    if padded.startswith(_MASCULINE_DETERMINERS):
        return "m"
    return None


def _names_outside(names: Sequence[str], entry: Entry) -> bool:
    """Whether the phrase names someone this actor's aliases do not cover."""
    padded = [f" {alias} " for alias in entry.folded_aliases]
    return any(not any(f" {fold(n)} " in alias for alias in padded) for n in names)


def _heads(phrase: str) -> list[str]:
    """The names a speaker's phrase is headed by, not complements (`porte-parole d'Anthropic`);
    in `Karim Aït, délégué CGT`, the names of the apposition after the comma are what is said
    of the speaker, unless the part before the comma names no one (`le directeur de Varpropre,
    Stéphane Lambertin`)."""
    spans = [s for s in find_names(phrase) if not _complement(phrase, s)]
    if len(spans) >= 2 and len(phrase[slice(*spans[0])].split()) == 1:
        between = phrase[spans[0][1] : spans[1][0]].split()
        if (
            0 < len(between) <= 4
            and all(w.islower() for w in between)
            and len(phrase[slice(*spans[1])].split()) >= 2
            and looks_like_person(phrase[slice(*spans[1])])
        ):
            spans = spans[1:]  # "Stonington select board chair Ellen Marsh": the title's place
    comma = phrase.find(",")
    first = [s for s in spans if comma < 0 or s[1] <= comma]
    return [phrase[a:b] for a, b in (first or spans)]


def _complement(phrase: str, span: tuple[int, int]) -> bool:
    """Whether the name at `span` complements a noun ("porte-parole d'Anthropic")."""
    start, end = span
    before_text = phrase[:start].rstrip()
    words = fold(before_text).split()
    if before_text.endswith(("d'", "d’", "D'", "D’")) or words[-1:] in (["de"], ["du"], ["des"]):
        return True
    if words[-2:] in (["de", "la"], ["de", "l"]) or before_text.endswith(("de l'", "de l’")):
        return True
    if words[-1:] in (["of"], ["for"]):
        return True
    # the rest of a list of complements: "d'Amazon, Microsoft et Google"
    earlier = [s for s in find_names(phrase) if s[1] <= start]
    if not earlier or not _complement(phrase, earlier[-1]):
        return False
    joined = fold(phrase[earlier[-1][1] : start])
    return joined in ("", "et", "and") and not looks_like_person(phrase[start:end])


def _worth_an_actor(name: str, label: str | None) -> bool:
    if label in ("PER", "ORG"):
        return True
    words = [fold(w) for w in name.split()]
    return len(words) >= 2 and (looks_like_person(name) or any(w in ORG_WORDS for w in words))
