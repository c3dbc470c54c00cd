"""Who a quote is attributed to, as news writes it: the rules, tried in order, and their names.

French and English: a speech verb after the quote (`", a-t-il ajouté`, `", said the mayor`),
"selon X" / "according to X", a colon before the quote, a speech verb before it, and the
subject of the sentence for a few words quoted inside it. Each answer names the rule that
fired, for the reviewer; the phrase found is resolved to an actor by `ActorBook`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.date_rules import fold_same_length
from bot.draft.names import ORG_WORDS, find_names, gender_of_first_name, is_media, looks_like_person
from bot.draft.speech import (
    ACCORDING,
    ADVERBIAL_START,
    DETERMINER_WORDS,
    ENGLISH_FINITE,
    ENGLISH_VERB,
    FRENCH_FINITE,
    FRENCH_VERB_GROUP,
    PERSON_NOUN,
    PERSON_NOUNS,
    PLURAL_START,
    PREPOSITIONS,
    PRONOUNS,
    SUBJECT_END,
)
from bot.draft.text import Quotation

_CLOSING = '"»”'
_QUOTE_IN = re.compile('["«»“”]')
_TIME_WORDS = frozenset(
    """lundi mardi mercredi jeudi vendredi samedi dimanche hier aujourd'hui demain matin soir
    midi apres-midi dernier derniere prochain prochaine encore ensuite aussi egalement
    today yesterday tomorrow monday tuesday wednesday thursday friday saturday sunday
    morning evening night afternoon earlier later""".split()
)
_TOKEN = re.compile(r"[\w’'-]+|[^\w\s]")
_PRESS = re.compile(
    r"(?<![\w-])(?:a l' ?afp|a l'agence|a reuters|a la presse|aux journalistes|a des journalistes"
    r"|told (?:afp|reporters|journalists|the press|reuters)|to (?:afp|reporters|journalists)"
    r"|in an interview|dans un entretien|interroge|interrogee|contacte|contactee|contacted"
    r"|aupres (?:de l' ?afp|de l'agence|de reuters|de la presse|des journalistes|de nos"
    r" confreres)|(?:lors d'un|dans un|en) point(?: de)? presse|(?:lors d'une|en) conference"
    r" de presse|at a (?:news|press) (?:conference|briefing))"
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Attribution:
    """The phrase that names a quote's speaker, where it is, and the rule that found it."""

    phrase: str
    rule: str
    clause: tuple[int, int]  # the attribution's words in the sentence, to read a day from
    to_press: bool  # said to the article's reporters ("à l'AFP", "told reporters")


def attribute(
    sentence: str,
    quote: Quotation,
    offset: int,
    language: str,
    quotes: tuple[Quotation, ...],
    *,
    own_only: bool = False,
) -> Attribution | None:
    """The attribution of `quote` within its sentence, or None when the sentence gives none.

    `offset` is where the sentence starts in the body (quote offsets are the body's).
    """
    folded = fold_same_length(sentence)
    start, end = quote.open_mark - offset, quote.end - offset
    after_start = end
    while after_start < len(sentence) and (
        sentence[after_start] in _CLOSING + "," or sentence[after_start].isspace()
    ):
        after_start += 1
    comma = "," in sentence[end:after_start]
    following = [q.open_mark - offset for q in quotes if q.open_mark - offset > end]
    after_end = min(following, default=len(sentence))
    if own_only:  # a later quote of the sentence: only words of its own may name another
        earlier = max((q.end - offset for q in quotes if q.end - offset <= start), default=0)
        while earlier < start and (sentence[earlier] in _CLOSING or sentence[earlier].isspace()):
            earlier += 1  # past the closing mark of the quote before
        return (
            _after(sentence, folded, after_start, after_end, language, comma)
            or _according(sentence, folded, after_start, after_end)
            or _own_speech_verb(sentence, folded, earlier, start, language)
        )
    return (
        _after(sentence, folded, after_start, after_end, language, comma)
        or _opening_pour(sentence, folded, start)
        or _according(sentence, folded, 0, start)
        or _according(sentence, folded, after_start, after_end)
        or _passive_agent(sentence, folded, start, after_start, after_end)
        or _before(sentence, folded, 0, start, language)
        or _quoted_verb(sentence, folded, quote, start, language)
    )


# A speech verb in the passive before a quote (`est jugée « … » par`, `qualifié d'« … » par`,
# `was called "…" by`): its agent after the quote is the speaker.
_PASSIVE_BEFORE = re.compile(
    r"(?<![\w-])(?:juge|qualifie|estime|decrit|denonce|critique|considere|presente|percu|vu"
    r"|designe|surnomme|called|described|labell?ed|dubbed|branded|denounced|critici[sz]ed"
    r"|deemed|seen)(?:e|es|s|ee|ees)?(?:\s+(?:de|comme|as)\s*|\s+d'|\s*)$"
)
_AGENT_AFTER = re.compile(r"\s*(?:par|by)\s+")


def _own_speech_verb(
    sentence: str, folded: str, start: int, end: int, language: str
) -> Attribution | None:
    """A later quote's own speech verb and subject after the quote before it (`…, dont le
    président, Jean Roux, réclame « … »`), never a mere verb or colon."""
    found = _before(sentence, folded, start, end, language)
    return found if found is not None and found.rule.startswith("speech verb") else None


def _passive_agent(
    sentence: str, folded: str, start: int, after_start: int, end: int
) -> Attribution | None:
    """`La hausse est jugée « excessive » par les syndicats`: the agent of the passive."""
    if not _PASSIVE_BEFORE.search(folded[max(0, start - 40) : start]):
        return None
    agent = _AGENT_AFTER.match(folded, after_start, end)
    if agent is None:
        return None
    stop = SUBJECT_END.search(folded, agent.end(), end)
    phrase = sentence[agent.end() : stop.start() if stop else end].strip()
    if not phrase or len(phrase.split()) > 10:
        return None
    return Attribution(
        phrase=phrase,
        rule=f"a passive speech verb, its agent: 'par {phrase}'",
        clause=(max(0, start - 40), stop.start() if stop else end),
        to_press=False,
    )


def _quoted_verb(
    sentence: str, folded: str, quote: Quotation, start: int, language: str
) -> Attribution | None:
    """`la préfecture « regrette » le blocage`: the quote is the speech verb, its subject
    before it."""
    if language != "fr" or not FRENCH_VERB_GROUP.fullmatch(fold_same_length(quote.text).strip()):
        return None
    phrase = _subject(sentence, folded, 0, start)
    if not phrase or len(phrase.split()) > 8:
        return None
    return Attribution(
        phrase=phrase,
        rule=f"the quote is the speech verb: '{phrase}'",
        clause=(0, start),
        to_press=False,
    )


def _after(
    sentence: str, folded: str, start: int, end: int, language: str, comma: bool
) -> Attribution | None:
    """`"…", a déclaré X` / `"…", a-t-il ajouté` / `"…," said X` / `"…," X said`."""
    match = re.compile(r"[\s,;]*").match(folded, start)
    at = match.end() if match else start
    previous = folded[start - 1 : start]
    if at >= end or (at == start and previous not in _CLOSING + "," and not previous.isspace()):
        return None
    tail = re.compile(r"[^,.;:!?\"«»“”]{1,80}?,\s*").match(folded, at, end)
    if tail and not _starts_attribution(folded, at, end, language):
        at = tail.end()  # `"…" du ministère, exhortent les auteurs`: the quote's own tail
    if language == "fr":
        verb = FRENCH_VERB_GROUP.match(folded, at, end)
        if verb is None:
            return None
        said = sentence[at : verb.end()]
        pronoun = verb["inv"] or verb["inv2"] or _INNER_INVERSION.search(folded, at, verb.end())
        if isinstance(pronoun, re.Match):  # "fait-il savoir", "met-elle en garde"
            pronoun = pronoun[0]
        subject = pronoun.split("-")[-1] if pronoun else ""
        how = "speech verb after the quote, inverted" if pronoun else "speech verb after the quote"
        where = _ON_AT.match(folded, verb.end(), end) if subject == "on" else None
        if where is not None:  # "indique-t-on à la préfecture": the body where `on` speaks
            stop = SUBJECT_END.search(folded, where.end(), end)
            named = sentence[where.end() : stop.start() if stop else end].strip()
            if named:
                subject = f"entourage {where['of']}{named}" if where["of"] else named
    else:
        verb = ENGLISH_VERB.search(folded, at, end)
        if verb is None or len(folded[at : verb.start()].split()) > 14:
            return None
        if not comma and verb.start() != at:
            return None  # `"reckless" and said it would…`: the quote ends no attribution
        subject = sentence[at : verb.start()].strip(" ,")  # `"…," the mayor said`
        if re.match(r"(?i)(?:and|but|or|then)\b", subject):
            return None
        said, how = verb["verb"], "speech verb after the quote"
    clause_end = _clause_end(folded, verb.end(), end)
    phrase = subject or _phrase_after(sentence, folded, verb.end(), end)
    if not phrase:
        return None
    shown = (
        f"{said}"
        if subject and language == "fr"
        else (f"{subject} {said}" if subject else f"{said} {phrase}")
    )
    return Attribution(
        phrase=phrase,
        rule=f"{how}: '{shown}'",
        clause=(at, clause_end),
        to_press=bool(_PRESS.search(folded, at, clause_end)),
    )


# `-t-on` inside a verb of two words: "fait-on savoir", "met-il en garde".
_INNER_INVERSION = re.compile(r"-(?:t-)?(?:il|elle|on|ils|elles)(?![\w-])")
# `indique-t-on à la préfecture`, `fait-on savoir dans l'entourage du ministre`: who `on` is.
_ON_AT = re.compile(
    r"[\s,]*(?:a la |au |aux |a l'|chez |aupres (?:de la |du |des |de l')|du cote (?:de la |du |des"
    r" |de l')|dans l'entourage (?P<of>du |de la |de l'|des |de ))"
)


def _opening_pour(sentence: str, folded: str, start: int) -> Attribution | None:
    """`Pour son chef de file, Marc Quéré, la ville « … »`: an opinion given to X; `Pour eux,
    …`: to whom the pronoun points."""
    pronoun = re.match(r"pour\s+(lui|elle|eux|elles)\s*,", folded)
    if pronoun is not None and pronoun.end() <= start:
        return Attribution(
            phrase=pronoun[1],
            rule=f"'Pour {pronoun[1]},' opening the sentence",
            clause=(0, pronoun.end()),
            to_press=False,
        )
    match = re.match(r"pour\s+(?:l'|le |la |les |son |sa |ses |leur |leurs )", folded)
    named = re.match(r"[Pp]our\s+(?=[A-ZÉ])", sentence)  # "Pour Yves Tanguy, président de …,"
    if (match is None and named is None) or "," not in folded[:start]:
        return None
    if match is None:
        first = sentence[named.end() : folded.find(",")].strip() if named else ""
        quoted = not folded[folded.find(",") + 1 : start].strip()  # "Pour Ferus, « … »"
        person = len(first.split()) >= 2 and looks_like_person(first)
        if not (person or (quoted and find_names(first))) or is_media(first):
            return None  # "Pour Noël, …", "Pour Paris, …": a day, a place
    stop = folded.rfind(",", 0, start)
    phrase = sentence[4:stop].strip()
    verbs = [v for v in FRENCH_VERB_GROUP.finditer(folded, stop, start) if not _a_noun(folded, v)]
    if not phrase or len(phrase.split()) > 12 or verbs:
        return None
    low = fold_same_length(phrase)
    head = re.sub(r"^(?:les|le|la|l'|son|sa|ses|leur|leurs)\s*", "", low).split()[:1]
    if not find_names(phrase) and not PERSON_NOUN.search(low) and not set(head) & ORG_WORDS:
        return None  # "Pour la première fois, …" names nobody; "Pour la direction, …" does
    return Attribution(
        phrase=phrase,
        rule=f"'Pour {phrase},' opening the sentence",
        clause=(0, stop),
        to_press=False,
    )


def _starts_attribution(folded: str, at: int, end: int, language: str) -> bool:
    if language == "fr":
        return FRENCH_VERB_GROUP.match(folded, at, end) is not None
    verb = ENGLISH_VERB.search(folded, at, end)
    return verb is not None and len(folded[at : verb.start()].split()) <= 14


def _according(sentence: str, folded: str, start: int, end: int) -> Attribution | None:
    """`selon X` / `d'après X` / `according to X`, the nearest before the quote."""
    found = [
        m
        for m in ACCORDING.finditer(folded, start, end)
        if not re.match(r"(?:qui\b|which\b|whom\b)", folded[m.end() :])
    ]
    if not found:
        return None
    match = found[-1]
    relative = _RELATIVE_ACCORDING.match(folded, match.end())
    if relative is not None:
        return _according_antecedent(sentence, folded, match.start(), relative.end())
    stop = SUBJECT_END.search(folded, match.end(), max(end, match.end()))
    stop_at = stop.start() if stop else end
    phrase = sentence[match.end() : stop_at].strip()
    if not phrase or len(phrase.split()) > 10:
        return None
    said = sentence[match.start() : match.end()].strip()
    author = _author_of_document(sentence, phrase, match.start())
    if author is not None:
        if not author:
            return None  # "selon nos informations", "selon un sondage": no one's words
        return Attribution(
            phrase=author,
            rule=f"'{said} {phrase}': the author of the figures or the document",
            clause=(match.start(), stop_at),
            to_press=False,
        )
    return Attribution(
        phrase=phrase,
        rule=f"'{said} {phrase}'",
        clause=(match.start(), stop_at),
        to_press=False,
    )


# `selon lequel`, `selon laquelle`, `d'après lequel`: the view is the noun's before it.
_RELATIVE_ACCORDING = re.compile(r"(?:lequel|laquelle|lesquels|lesquelles)\b")
# Figures and documents that a view is given `selon` (`selon leurs calculs`, `selon le
# décompte de l'association`, `according to figures from the city`): not anyone, but their
# author (`de l'association`) or their owner (`leurs`).
_DOCUMENTS = frozenset(
    """calcul calculs chiffre chiffres estimation estimations information informations source
    sources donnee donnees document documents rapport rapports etude etudes sondage sondages
    decompte bilan bilans compte comptes projection projections prevision previsions expertise
    expertises enquete enquetes audit audits analyse analyses releve releves comptage note
    notes courrier lettre communique plainte requete recours memoire figures figure data
    estimates estimate report reports study studies survey poll count tally records documents
    analysis filing filings complaint lawsuit petition statement letter""".split()
)
_POSSESSIVE = re.compile(r"(?P<det>son|sa|ses|leur|leurs|his|her|its|their)\s")
_OF = re.compile(r"\s(?P<of>de |d'|du |des |from |of |by )(?P<the>la |l'|the )?")
_ARTICLE_OF = {"du ": "le ", "des ": "les "}


def _author_of_document(sentence: str, phrase: str, at: int) -> str | None:
    """Who stands behind `selon <figures or a document>`: the complement (`le décompte de
    l'association`), the owner a possessive points to (`leurs calculs`: the subject of the
    sentence when it agrees in number, else a pronoun); "" for no one named (`selon nos
    informations`, `selon un sondage`); None when the phrase is no document (`selon le maire`).
    """
    low = fold_same_length(phrase)
    english = _ENGLISH_OWNER.fullmatch(low)
    if english is not None and english["doc"] in _DOCUMENTS:
        return phrase[english.start("owner") : english.end("owner")]  # the co-op's filing
    owner = _POSSESSIVE.match(low)
    bare = low[owner.end() :] if owner else _ARTICLE.sub("", low, count=1)
    head = bare.split()[0] if bare.split() else ""
    if head not in _DOCUMENTS:
        return None
    complement = _OF.search(low)
    if complement is not None:  # `du ministère` -> `le ministère`, `de l'ONF` -> `l'ONF`
        article = _ARTICLE_OF.get(complement["of"], "")
        at_name = complement.start("the") if complement["the"] else complement.end()
        author = article + phrase[at_name:]
        return "" if is_media(author) else author  # "selon les informations du Parisien"
    if owner is None:
        return ""
    in_english = owner["det"] in ("his", "her", "its", "their")
    plural = owner["det"] in ("leur", "leurs", "their")
    subject = sentence_subject(sentence[:at], "en" if in_english else "fr")
    if subject and bool(PLURAL_START.match(fold_same_length(subject).lower() + " ")) == plural:
        return subject
    return {"his": "he", "her": "she", "its": "it", "their": "they"}.get(
        owner["det"], "ils" if plural else "on"
    )


# `the cooperative's court filing`, `the city's figures`: the owner before `'s`.
_ENGLISH_OWNER = re.compile(r"(?P<owner>(?:the\s+)?[\w .-]+?)['’]s\s+(?:[\w-]+\s+)?(?P<doc>[\w-]+)")
_ARTICLE = re.compile(r"^(?:les|le|la|l'|une|un|des|nos|notre|the|an|a)(?:\s+|(?<=')\s*)")


def _according_antecedent(sentence: str, folded: str, at: int, end: int) -> Attribution | None:
    """`…, juge le syndicat, selon lequel « … »` / `une expertise de la chambre régionale des
    comptes, selon laquelle la Ville supporte « … »`: the noun before, or the document's
    author."""
    before = folded[:at].rstrip(" ,")
    cut = max(before.rfind(","), before.rfind(":"), before.rfind(";"), before.rfind("("))
    begin = cut + 1
    begin += len(folded[begin:]) - len(folded[begin:].lstrip())
    verb = FRENCH_VERB_GROUP.match(folded, begin)
    if verb is not None:
        begin = verb.end()  # `juge le syndicat SUD-Rail, selon lequel`: the inverted subject
    phrase = sentence[begin : len(before)].strip()
    # the last noun phrase before it, not a complement (`une étude de l'Observatoire`)
    nouns = [
        n
        for n in re.finditer(
            r"(?:^|\s)(?:les|le|la|l'|un|une|son|sa|ses|leur|leurs|ce|cette|ces)(?:\s+|(?<='))\S",
            fold_same_length(phrase),
        )
        if not re.search(r"(?:^|\s)(?:de|du|des|d')\s*$", fold_same_length(phrase[: n.start() + 1]))
    ]
    if not nouns and not find_names(phrase):
        return None
    if nouns:
        phrase = phrase[nouns[-1].start() :].strip()
    if not phrase or len(phrase.split()) > 12:
        return None
    author = _author_of_document(sentence, phrase, begin)
    phrase = phrase if author is None else author
    if not phrase:
        return None
    return Attribution(
        phrase=phrase,
        rule=f"'{sentence[at:end].strip()}': the noun before it, {phrase}",
        clause=(begin, end),
        to_press=False,
    )


def _before(sentence: str, folded: str, start: int, end: int, language: str) -> Attribution | None:
    """A colon, a speech verb or any verb before the quote: the subject of that clause."""
    before = folded[start:end]
    colon = before.rstrip().endswith(":")
    speech = FRENCH_VERB_GROUP if language == "fr" else ENGLISH_VERB
    verbs = [
        v
        for v in speech.finditer(folded, start, end)
        if folded[v.start() - 1 : v.start()] != "-"
        and not _a_noun(folded, v)
        and _subject(sentence, folded, start, v.start())
    ]
    verb = verbs[-1] if verbs else None  # the verb nearest the quote that has a subject
    rule = "speech verb before the quote" + (", then a colon" if colon else "")
    if verb is None:
        finite = FRENCH_FINITE if language == "fr" else ENGLISH_FINITE
        verb = _first_verb(finite, sentence, folded, start, end)
        rule = "colon before the quote" if colon else "subject of the sentence (no speech verb)"
    if verb is None:
        if colon:
            phrase = _subject(sentence, folded, start, before.rstrip().rfind(":") + start)
            first = phrase.split(", ")[0]
            if ", " in phrase and _SUBJECT_START.match(first) and len(first.split()) <= 6:
                phrase = first  # "Un usager, rencontré à la gare, se montre compréhensif :"
            if phrase:
                return Attribution(
                    phrase=phrase,
                    rule="colon before the quote",
                    clause=(start, end),
                    to_press=False,
                )
        return None
    phrase = _subject(sentence, folded, start, verb.start())
    if not phrase:
        return None
    clause = (start, end)
    return Attribution(
        phrase=phrase,
        rule=f"{rule}: '{phrase} {sentence[verb.start() : verb.end()]}'",
        clause=clause,
        to_press=bool(_PRESS.search(folded, start, end)),
    )


# English `A`/`An` opening a subject, which folds like French `À`.
_ENGLISH_A = re.compile(r"An? [a-z]")


# A negated or adverbial auxiliary left before a speech verb (`n'a rien promis`, `n'a pas
# dit`, `a pourtant dit`), which is not part of the subject.
_TRAILING_AUXILIARY = re.compile(
    r"\s+(?:ne\s+|n')?(?:a|ont|avait|avaient|aurait|auraient|est|sont)(?:\s+(?:pas|rien|jamais"
    r"|plus|guere|point|toujours|deja|bien|aussi|encore|pourtant|donc|vite))*$"
)


def _first_verb(
    finite: re.Pattern[str], sentence: str, folded: str, start: int, end: int
) -> re.Match[str] | None:
    """The first finite verb, not the preposition `à` (which folds to `a`, as `il a`)."""
    for verb in finite.finditer(folded, start, end):
        if sentence[verb.start()] not in "àÀ":
            return verb
    return None


def _a_noun(folded: str, verb: re.Match[str]) -> bool:
    """`la demande est « … »`, `le constat des élus`: after an article, before a verb or a
    complement, a speech verb's form is its noun."""
    before = folded[max(0, verb.start() - 4) : verb.start()]
    after = folded[verb.end() : verb.end() + 12]
    return bool(re.search(r"(?:^|\s)(?:la|le|l')\s*$", before)) and bool(_NOUN_NEXT.match(after))


_NOUN_NEXT = re.compile(
    r"\s+(?:est|sont|etait|sera|reste|semble|parait|a\s|ont\s|de\s|du\s|des\s|d')"
)


def _subject(sentence: str, folded: str, start: int, verb_at: int) -> str:
    """The subject before a verb, without the adverbials and asides that open the sentence."""
    text = sentence[start:verb_at].rstrip()
    low = folded[start:verb_at].rstrip()
    auxiliary = _TRAILING_AUXILIARY.search(low)
    if auxiliary is not None:  # "Il n'a rien promis": the subject before `n'a rien`
        text, low = text[: auxiliary.start()], low[: auxiliary.start()]
    words = low.split()
    if words and words[-1] in PRONOUNS and words[-1] not in ("lui", "her", "him", "them", "eux"):
        return text.split()[-1]
    if len(words) >= 2 and words[-1] in ("lui", "eux", "elle") and words[-2] in PRONOUNS:
        return text.split()[-2]
    # split on commas, keep what is not an opening adverbial or a relative clause
    pieces = re.split(r"(,)", text)
    kept: list[str] = []
    for number, piece in enumerate(pieces):
        if piece == ",":
            continue
        stripped = piece.strip()
        low_piece = fold_same_length(stripped)
        if not stripped:
            continue
        last = number == len(pieces) - 1
        if (
            not kept
            and ADVERBIAL_START.match(low_piece)
            and not (last and _ENGLISH_A.match(stripped))
        ):
            continue  # "Dans un communiqué, …", but "A spokesperson for the office said"
        if re.match(r"(?:qui|que|qu'|who|which|dont|lequel|laquelle|ou|where)\b", low_piece):
            if last and kept and re.fullmatch(r"(?:qui|who|which|that)\s*", low_piece):
                # "…, Local 1, which said": the speaker is the noun the relative follows
                antecedent = re.split(r"\s(?:par|by)\s", kept[-1])[-1]
                kept = [antecedent]
            continue
        if kept and _APPOSITION.match(low_piece):
            continue  # "L'élu, sans étiquette, a écrit": an aside on the subject, not its name
        inverted = FRENCH_VERB_GROUP.match(low_piece)  # a speech verb opening the piece
        if (
            kept
            and inverted
            and inverted["pres"]
            and _SUBJECT_START.match(stripped[inverted.end() :].strip())
        ):
            # "Inacceptable, juge le syndicat, qui …": the subject follows its speech verb
            kept, stripped = [], stripped[inverted.end() :].strip()
            if not stripped:
                continue
        kept.append(stripped)
    if kept:
        # "une pratique que les pompiers disent « … »": the subject of the relative clause
        low_last = fold_same_length(kept[-1])
        relative = list(_OBJECT_RELATIVE.finditer(low_last))
        rest = low_last[relative[-1].end() :] if relative else ""
        if relative and _NOUN_PHRASE.fullmatch(rest) and not FRENCH_FINITE.search(rest):
            kept = [kept[-1][relative[-1].end() :]]
    phrase = ", ".join(kept).strip()
    if not phrase or len(phrase.split()) > 16 or _QUOTE_IN.search(phrase):
        return ""
    if fold_same_length(phrase).strip(" '’") in DETERMINER_WORDS | {"l", "d", "de", "du"}:
        return ""  # an article alone names no one
    if re.match(r"(?i)(?:et|and|mais|but|or|puis)\b", phrase):
        return ""
    return phrase


# What an inverted subject starts with (`, juge la CGT`, `, estime Anne Roux`).
_SUBJECT_START = re.compile(
    r"(?:(?:[Ll]es|[Ll]e|[Ll]a|[Uu]n|[Uu]ne|[Ss]on|[Ss]a|[Ss]es|[Ll]eur|[Ll]eurs)\s|[Ll]['’]|[A-ZÉ])"
)
# `que`/`qu'` opening a relative or object clause: `une mesure que les syndicats jugent`.
_OBJECT_RELATIVE = re.compile(r"(?<![\w-])(?:que\s+|qu')")
# A short noun phrase: a determiner (or a name) and up to six more words, no verb between.
_NOUN_PHRASE = re.compile(
    r"\s*(?:(?:les|le|la|l'|un|une|des|son|sa|ses|leur|leurs|ce|cette|ces|plusieurs|certains"
    r"|certaines|nombre de|beaucoup de)\s*|(?=[a-z]))[\w'’-]+(?:\s+[\w'’-]+){0,5}\s*"
)


# An aside after the subject that says something of it: `, sans étiquette,`, `, de son côté,`,
# `, in a statement,`, `, âgé de 54 ans,` (never a name or a title).
_APPOSITION = re.compile(
    r"(?:(?:lui|elle|eux|elles)$|sans|avec|en|de|d'|du|par|sur|dans|chez|aussi|lui-meme|elle-meme"
    r"|eux-memes|quant|age"
    r"|agee|ages|agees|in|with|without|by|for|at|also|however|though|aged)\b"
)


def _phrase_after(sentence: str, folded: str, start: int, end: int) -> str:
    """The subject after an inverted speech verb, past "à l'AFP", "dans un communiqué"..."""
    tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(folded, start, end)]
    begin: int | None = None
    in_phrase = False
    head_seen = False
    capital = False
    venue = False  # "au micro de France Bleu": the names after it are the outlet's
    for a, b in tokens:
        word = folded[a:b]
        if word in (",", "-", "–"):
            venue = capital = False
            continue
        if not word[0].isalnum():
            break
        if word in _TIME_WORDS and not in_phrase:
            continue  # "a expliqué jeudi lors d'un point presse le président…"
        if word in PREPOSITIONS or word in ("lors", "en marge"):
            in_phrase, head_seen = True, False
            continue
        elided = word[:2] in ("l'", "d'")
        if in_phrase:
            if word in ("de", "du", "of"):
                head_seen = False  # "à l'issue de la réunion": "la" opens the complement
                continue
            if word in DETERMINER_WORDS and head_seen:
                begin = a
                break
            if word in DETERMINER_WORDS:
                continue
            if capital and sentence[a].isupper() and gender_of_first_name(word) is not None:
                begin = a  # "confie à Libération Marie Kervella": a first name starts her name
                break
            if venue and sentence[a].isupper():
                capital = True  # "au micro d'ici Provence", "sur l'antenne de RTL"
                continue
            venue = venue or word.removeprefix("l'").removeprefix("d'") in _VENUES
            if elided and head_seen and word.startswith("l'"):
                begin = a  # "dans un communiqué l'opposition municipale"
                break
            if elided and not head_seen:
                head_seen, capital = True, False  # "à l'AFP Anne Dupont": AFP is whole
                continue
            if sentence[a].isupper() and head_seen and not capital:
                begin = a
                break
            capital = sentence[a].isupper()  # "sur France Inter": one name, two words
            head_seen = True
            continue
        begin = a
        break
    if begin is None:
        return ""
    honorific = _HONORIFIC.match(sentence, begin)  # "M. Le Bihan": the full stop is no end
    stop = SUBJECT_END.search(folded, honorific.end() if honorific else begin + 1, end)
    aside = re.compile(r"[a-zé\w-]+\s*").fullmatch(sentence, begin, stop.start()) if stop else None
    if aside and stop and folded[stop.start()] == "," and sentence[begin].islower():
        # "glisse, amer, un élu": an adjective set off by commas is how, not who
        begin = (
            stop.end() + len(sentence[stop.end() : end]) - len(sentence[stop.end() : end].lstrip())
        )
        stop = SUBJECT_END.search(folded, begin + 1, end)
    stop_at = stop.start() if stop else end
    phrase = sentence[begin:stop_at].strip()
    # an apposition: "la maire de Brest, Claire Dubois" / "Claire Dubois, maire de Brest"
    if stop and folded[stop.start()] == ",":
        rest = sentence[stop.end() : end]
        nxt = re.match(r"\s*([^,.;:]+)", rest)
        if nxt:
            extra = nxt[1].strip()
            starts_name = extra[:1].isupper()
            if (
                extra
                and len(extra.split()) <= 8
                and (
                    (starts_name and not any(c.isupper() for c in phrase[:1]))
                    or (phrase[:1].isupper() and not starts_name and not _is_clause(extra))
                )
            ):
                phrase = f"{phrase}, {extra}"
    return phrase


# Where words are said to the press: the proper names after them are the outlet.
_VENUES = frozenset(
    "micro antenne ondes plateau colonnes emission journal matinale site compte blog "
    "page pages chaine radio".split()
)


_HONORIFIC = re.compile(r"(?:M|MM|Mme|Mmes|Mlle|Me|Dr|Pr|Mgr|Mr|Mrs|Ms)\.?\s+(?=[A-ZÉ])")


def _is_clause(text: str) -> bool:
    low = fold_same_length(text)
    return bool(re.match(r"(?:qui|que|dont|who|which|that|a |ont |adding|saying|selon|as )", low))


def _clause_end(folded: str, start: int, end: int) -> int:
    stop = re.compile(r"[.;!?]").search(folded, start, end)
    return stop.start() if stop else end


def sentence_subject(text: str, language: str) -> str:
    """The subject of a sentence's first verb, to remember who a sentence is about."""
    folded = fold_same_length(text)
    speech = FRENCH_VERB_GROUP if language == "fr" else ENGLISH_VERB
    finite = FRENCH_FINITE if language == "fr" else ENGLISH_FINITE
    verbs = [
        m
        for m in (speech.search(folded), _first_verb(finite, text, folded, 0, len(folded)))
        if m is not None
    ]
    if language == "fr":
        plural = _plural_subject().match(folded)
        head = plural["head"].rstrip("s") if plural else ""
        if (
            plural
            and (head in PERSON_NOUNS or f"{head}s" in PERSON_NOUNS)
            and all(plural.end("subject") < m.start() for m in verbs)
        ):
            return text[: plural.end("subject")]  # "Les parents contestent ces chiffres."
    if not verbs:
        return ""
    verb = min(verbs, key=lambda m: m.start())
    return _subject(text, folded, 0, verb.start())


_PLURAL_SUBJECT: list[re.Pattern[str]] = []


def _plural_subject() -> re.Pattern[str]:
    """A plural subject opening the sentence and the verb that follows it, whatever the verb:
    `Les parents (d'élèves) contestent`, a third person plural ending in -ent (not an adverb
    in -ment)."""
    if not _PLURAL_SUBJECT:
        _PLURAL_SUBJECT.append(
            re.compile(
                r"(?P<subject>(?:les|des|ces|nos|leurs|plusieurs|quelques|de nombreux"
                r"|de nombreuses)\s+(?:\w+\s+)?(?P<head>[\w-]+s)"
                r"(?:\s+(?:d'|de |du |des )[\w-]+){0,2})"
                r"\s+(?:ne\s+|n'|y\s+|en\s+|se\s+|s')?(?!\w*ment\b|(?:souvent|present|absent"
                r"|recent|violent|urgent|content|different|excellent|evident|frequent|patient"
                r"|prudent|lent|parent|client|agent|president|resident|adolescent)\b)\w+ent\b"
            )
        )
    return _PLURAL_SUBJECT[0]
