"""Proper names in a phrase, and what little a name tells: a person or a body, and a gender."""

from __future__ import annotations

import re

from bot.matching.folding import fold
from bot.months import MONTH_NAMES

# Common first names, to tell "Claire Dubois" (a person) from "Port Atlantique" (a body) and
# to point "elle" / "she" at the right person when nothing else says.
_FEMININE = frozenset(
    """anne marie claire sophie isabelle nathalie catherine christine sylvie valerie sandrine
    celine julie camille lea manon emma chloe ines sarah laura pauline marine helene agnes
    martine monique francoise brigitte elisabeth elisabeth beatrice caroline virginie aurelie
    emilie melanie delphine laurence florence veronique dominique corinne patricia veronique
    juliette louise alice jeanne margaux clara lucie audrey elodie stephanie charlotte
    ségolène segolene rachida marlene najat ursula kamala hillary nancy mary patricia jennifer
    linda elizabeth barbara susan jessica karen lisa betty margaret sandra ashley kimberly
    emily donna michelle carol amanda melissa deborah rebecca sharon cynthia kathleen amy
    angela anna rachel maria heather diane julia joyce victoria kelly christina joan evelyn
    lauren judith olivia megan cheryl martha andrea frances hannah jacqueline ann gloria
    teresa janet madison grace sara priya aisha fatima leila yasmine nadia samira amira
    ingrid greta angela""".split()
)
_MASCULINE = frozenset(
    """jean pierre michel philippe alain nicolas christophe patrick daniel bernard eric
    frederic laurent stephane olivier david sebastien julien thomas francois jacques
    thierry pascal vincent antoine emmanuel guillaume maxime alexandre hugo louis lucas
    paul marc gerard andre rene henri yves bruno didier serge denis gilles xavier benoit
    damien arnaud cedric fabrice franck herve jerome ludovic mathieu matthieu romain
    sylvain yann yannick bruno edouard gabriel raphael arthur jules leo nathan tom
    john james robert michael william richard joseph charles christopher daniel matthew
    anthony mark donald steven andrew kenneth joshua kevin brian george timothy ronald
    edward jason jeffrey ryan jacob gary nicholas eric jonathan stephen larry justin scott
    brandon benjamin samuel gregory frank alexander raymond patrick jack dennis jerry tyler
    aaron jose adam nathan henry douglas zachary peter kyle walter ethan jeremy harold keith
    christian roger noah gerald carl terry sean austin arthur lawrence jesse dylan bryan
    joe jordan billy bruce albert willie gabriel logan alan juan wayne roy ralph randy
    eugene vincent russell elijah louis bobby philip johnny pete dario sam elon mohamed
    ahmed karim mehdi rachid omar ali youssef""".split()
)
ORG_WORDS = frozenset(
    """autorite agence association assemblee banque bureau cabinet chambre collectif comite
    commission compagnie conseil cour departement direction federation fondation gouvernement
    groupe institut ligue mairie ministere mouvement observatoire office organisation parti
    prefecture region senat societe syndicat tribunal union universite entreprise port
    authority agency association assembly bank board cabinet chamber coalition committee
    commission company corporation council court department federation foundation government
    group institute league ministry movement office organisation organization party
    senate society union university inc ltd llc corp sa sas plc gmbh co district schools
    rectorat partners holdings industries services systems technologies solutions ventures
    enterprises associates logistics labs airlines cooperative""".split()
)
# Capitalised words that open sentences or name days and months, never people.
_NOT_NAMES = frozenset(
    """le la les l un une des du de d au aux ce cette ces son sa ses leur leurs mon ma nos notre
    il elle ils elles on nous vous je selon pour dans en sur avec par apres avant depuis lors
    face mais et ou donc car si quand comme alors ainsi
    the a an this that these those he she they we it his her their our its in on at for with
    by from after before since when while but and or if as according
    lundi mardi mercredi jeudi vendredi samedi dimanche monday tuesday wednesday thursday
    friday saturday sunday m mme mr mrs ms dr me maitre""".split()
) | {name for names in MONTH_NAMES.values() for name in names}
_PARTICLES = frozenset(("de", "du", "van", "von", "der", "da", "di", "bin", "al", "ben"))
_TOKEN = re.compile(r"[\w'’.-]+")
_INITIALS = re.compile(r"(?:[A-Z]\.)+")


def _capitalised(word: str) -> bool:
    return word[:1].isupper() and fold(word.rstrip(".")) not in _NOT_NAMES


def find_names(text: str) -> list[tuple[int, int]]:
    """Spans of capitalised word runs that may name someone ("Pete Hegseth", "Port Atlantique").

    Articles and prepositions are left out ("Selon Marie Roux" gives "Marie Roux"); an
    elided article stays out too ("l'Autorité portuaire" gives "Autorité").
    """
    spans: list[tuple[int, int]] = []
    run: list[tuple[int, int]] = []
    pending: tuple[int, int] | None = None  # a particle waiting for the next capital
    last_end = 0
    for match in _TOKEN.finditer(text):
        word, start = match[0], match.start()
        if run and text[last_end:start].strip():  # a comma or a bracket ends a name
            spans.append((run[0][0], run[-1][1]))
            run, pending = [], None
        last_end = match.end()
        if word[:2].lower() in ("l'", "d'", "l’", "d’") and len(word) > 2:
            word, start = word[2:], start + 2
            if run:
                spans.append((run[0][0], run[-1][1]))
            run, pending = [], None
        if not _INITIALS.fullmatch(word):
            word = word.rstrip(".")
        end = start + len(word)
        if word and _capitalised(word):
            if pending and run:
                run.append(pending)
            run.append((start, end))
            pending = None
        elif (
            run
            and pending is None
            and (
                word.lower() in _PARTICLES or word in ("Le", "La", "De", "Du", "Des", "Van", "Von")
            )
        ):  # "Yannick Le Goff", "Jean de La Tour"
            pending = (start, end)
        else:
            if run:
                spans.append((run[0][0], run[-1][1]))
            run, pending = [], None
    if run:
        spans.append((run[0][0], run[-1][1]))
    return [_from_first_name(text, *_after_title(text, a, b)) for a, b in spans]


# Titles written capitalised before a name in English news ("County Commissioner Ruth
# Alvarado", "Commission Chair Elena Vasquez", "Riverbend CEO Michael Osei").
_TITLE_WORDS = frozenset(
    """mayor commissioner governor senator sen rep representative judge justice president
    chief executive director superintendent sheriff chair chairman chairwoman chairperson ceo
    cfo coo councilman councilwoman councilor councillor secretary minister officer
    spokesman spokeswoman spokesperson attorney general prosecutor lieutenant professor prof
    coach manager treasurer comptroller auditor administrator""".split()
)


def _after_title(text: str, start: int, end: int) -> tuple[int, int]:
    """ "County Commissioner Ruth Alvarado" -> "Ruth Alvarado": a name starts after the last
    title word before it, when two words or more are left (not "General Motors")."""
    words = list(re.finditer(r"\S+", text[start:end]))
    titles = [i for i, w in enumerate(words) if fold(w[0].rstrip(".")) in _TITLE_WORDS]
    if titles and len(words) - titles[-1] - 1 >= 2:
        return start + words[titles[-1] + 1].start(), end
    return start, end


def _from_first_name(text: str, start: int, end: int) -> tuple[int, int]:
    """ "Défense Pete Hegseth" -> "Pete Hegseth": a name starts at its first name."""
    at = start
    if any(fold(w) in ORG_WORDS for w in text[start:end].split()):
        return start, end  # "Port Marine Authority": a body, whatever its words
    for word in text[start:end].split()[1:]:
        at = text.index(word, at + 1)
        if gender_of_first_name(word) is not None and end - at > len(word):
            return at, end
    return start, end


def gender_of_first_name(name: str) -> str | None:
    """ "f", "m" or None, from a name's first word."""
    first = fold(name.split()[0]) if name.split() else ""
    first = first.split()[0] if first else ""
    if first in _FEMININE:
        return "f"
    if first in _MASCULINE:
        return "m"
    return None


# A place's last word ("Calloway Island", "Halvorsen County"): no one's name.
_PLACE_WORDS = frozenset(
    """island islands county city town village township parish lake river bay valley street
    avenue road beach harbor harbour mountain mountains falls springs heights state""".split()
)


def looks_like_person(name: str) -> bool:
    """A name of two or three words whose first is a first name, or with no body's word."""
    words = [fold(w) for w in name.split()]
    if any(w in ORG_WORDS for w in words) or (words[-1:] and words[-1] in _PLACE_WORDS):
        return False
    if gender_of_first_name(name) is not None:
        return True
    return 2 <= len(words) <= 4 and not name.isupper()


# News outlets and agencies, named as where something was said, not as actors.
_MEDIA_WORDS = frozenset(
    """afp reuters ap press presse monde figaro liberation inter info bfm bfmtv lci tf1
    parisien times post journal news radio television tv cnn bbc bloomberg politico
    guardian ouest-france telegramme echos humanite mediapart franceinfo rtl bleu depeche
    dauphine sud-ouest marianne huffpost""".split()
)


def is_media(name: str) -> bool:
    """A news outlet or agency ("The Associated Press", "France Inter", "Le Monde")."""
    words = fold(name).split()
    return 0 < len(words) <= 4 and any(w in _MEDIA_WORDS for w in words)
