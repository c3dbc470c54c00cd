"""A bilingual word list with Zipf-like frequencies, so synthetic quotes read like the real ones.

The most frequent words are real French words (accents included) with an English rendering;
the long tail is invented from French and English syllables, as a large dossier's names,
places and rare words would be. Everything derives from one seeded `random.Random`.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass

# Real words, most frequent first: (French, English).
COMMON = [
    ("gouvernement", "government"),
    ("sécurité", "security"),
    ("défense", "defence"),
    ("intelligence", "intelligence"),
    ("artificielle", "artificial"),
    ("entreprise", "company"),
    ("ministère", "ministry"),
    ("contrat", "contract"),
    ("armée", "army"),
    ("données", "data"),
    ("surveillance", "surveillance"),
    ("modèle", "model"),
    ("président", "president"),
    ("décision", "decision"),
    ("américain", "american"),
    ("restrictions", "restrictions"),
    ("technologie", "technology"),
    ("accord", "agreement"),
    ("négociations", "negotiations"),
    ("éthique", "ethics"),
    ("armes", "weapons"),
    ("autonomes", "autonomous"),
    ("menace", "threat"),
    ("sanctions", "sanctions"),
    ("citoyens", "citizens"),
    ("démocratie", "democracy"),
    ("liberté", "freedom"),
    ("pouvoir", "power"),
    ("responsabilité", "responsibility"),
    ("fournisseur", "supplier"),
    ("Pentagone", "Pentagon"),
    ("administration", "administration"),
    ("loi", "law"),
    ("tribunal", "court"),
    ("juge", "judge"),
    ("procès", "trial"),
    ("employés", "employees"),
    ("syndicats", "unions"),
    ("lettre", "letter"),
    ("ouverte", "open"),
    ("transition", "transition"),
    ("ultimatum", "ultimatum"),
    ("trahison", "betrayal"),
    ("idéologique", "ideological"),
    ("égoïsme", "selfishness"),
    ("erreur", "mistake"),
    ("désastreuse", "disastrous"),
    ("vies", "lives"),
    ("danger", "danger"),
    ("nationale", "national"),
    ("militaire", "military"),
    ("opération", "operation"),
    ("mission", "mission"),
    ("stratégie", "strategy"),
    ("puissance", "power"),
    ("marché", "market"),
    ("investissement", "investment"),
    ("milliards", "billions"),
    ("dollars", "dollars"),
    ("budget", "budget"),
    ("Congrès", "Congress"),
    ("Sénat", "Senate"),
    ("élection", "election"),
    ("campagne", "campaign"),
    ("électeurs", "voters"),
    ("opinion", "opinion"),
    ("médias", "media"),
    ("presse", "press"),
    ("journalistes", "journalists"),
    ("réseaux", "networks"),
    ("sociaux", "social"),
    ("plateforme", "platform"),
    ("algorithme", "algorithm"),
    ("calcul", "computing"),
    ("puces", "chips"),
    ("exportation", "export"),
    ("Chine", "China"),
    ("Europe", "Europe"),
    ("alliés", "allies"),
    ("concurrence", "competition"),
    ("innovation", "innovation"),
    ("recherche", "research"),
    ("chercheurs", "researchers"),
    ("laboratoire", "laboratory"),
    ("université", "university"),
    ("ingénieurs", "engineers"),
    ("salariés", "workers"),
    ("dirigeants", "leaders"),
    ("patron", "boss"),
    ("fondateur", "founder"),
    ("actionnaires", "shareholders"),
    ("valeurs", "values"),
    ("principes", "principles"),
    ("limites", "limits"),
    ("garde-fous", "guardrails"),
    ("contrôle", "control"),
    ("supervision", "oversight"),
    ("humaine", "human"),
    ("automatisation", "automation"),
    ("attaque", "attack"),
    ("mortelle", "lethal"),
    ("population", "population"),
    ("frontière", "border"),
    ("immigration", "immigration"),
    ("économie", "economy"),
    ("emplois", "jobs"),
    ("industrie", "industry"),
    ("usines", "factories"),
    ("énergie", "energy"),
    ("électricité", "electricity"),
    ("centres", "centres"),
    ("régulation", "regulation"),
    ("réglementation", "rules"),
    ("transparence", "transparency"),
    ("confiance", "trust"),
    ("crise", "crisis"),
    ("conflit", "conflict"),
    ("guerre", "war"),
    ("paix", "peace"),
    ("diplomatie", "diplomacy"),
    ("ambassadeur", "ambassador"),
    ("sommet", "summit"),
    ("réunion", "meeting"),
    ("communiqué", "statement"),
    ("déclaration", "declaration"),
    ("interview", "interview"),
    ("conférence", "conference"),
    ("porte-parole", "spokesperson"),
    ("réponse", "answer"),
    ("question", "question"),
    ("enquête", "investigation"),
    ("rapport", "report"),
    ("audit", "audit"),
    ("risque", "risk"),
    ("approvisionnement", "supply"),
    ("chaîne", "chain"),
    ("liste", "list"),
    ("interdiction", "ban"),
    ("agences", "agencies"),
    ("fédérales", "federal"),
    ("État", "state"),
    ("Maison-Blanche", "White-House"),
    ("décret", "order"),
    ("signature", "signature"),
    ("veto", "veto"),
    ("amendement", "amendment"),
    ("constitution", "constitution"),
    ("droits", "rights"),
    ("vie", "life"),
    ("privée", "private"),
    ("chiffrement", "encryption"),
    ("cyberattaque", "cyberattack"),
    ("piratage", "hacking"),
    ("espionnage", "espionage"),
    ("renseignement", "intelligence"),
    ("drones", "drones"),
    ("missiles", "missiles"),
    ("soldats", "soldiers"),
    ("généraux", "generals"),
    ("commandement", "command"),
    ("logiciel", "software"),
    ("code", "code"),
    ("sécuritaire", "security"),
    ("woke", "woke"),
    ("radical", "radical"),
    ("gauche", "left"),
    ("droite", "right"),
    ("républicain", "republican"),
    ("démocrate", "democrat"),
    ("partisan", "partisan"),
    ("opposition", "opposition"),
    ("critique", "criticism"),
    ("soutien", "support"),
    ("appel", "appeal"),
    ("pression", "pressure"),
    ("chantage", "blackmail"),
    ("échéance", "deadline"),
    ("délai", "delay"),
    ("calendrier", "schedule"),
    ("avenir", "future"),
    ("passé", "past"),
    ("histoire", "history"),
    ("monde", "world"),
    ("pays", "country"),
    ("nation", "nation"),
    ("peuple", "people"),
    ("société", "society"),
    ("communauté", "community"),
    ("famille", "family"),
    ("enfants", "children"),
    ("écoles", "schools"),
    ("santé", "health"),
    ("hôpitaux", "hospitals"),
    ("médecins", "doctors"),
    ("prix", "prices"),
    ("inflation", "inflation"),
    ("dette", "debt"),
    ("impôts", "taxes"),
    ("commerce", "trade"),
    ("droits de douane", "tariffs"),
]

# Function words, kept in quotes so they read naturally; search drops them.
FR_FUNCTION = (
    "le la les de des du et à en pour que qui nous il elle est sont pas ne sur dans avec "
    "une un ce cette ces son sa ses leur par au aux plus très tout tous mais ou donc"
).split()
EN_FUNCTION = (
    "the of and to a in is are that we it not for with on this will be by as at from "
    "has have but or so all more very"
).split()
VERBS_FR = (
    "a déclaré",
    "a affirmé",
    "a lancé",
    "a estimé",
    "a assuré",
    "a martelé",
    "a dénoncé",
    "a prévenu",
    "a répondu",
)
FIRST_NAMES = (
    "Éric Hélène José Zoé Noël Agnès Jérôme Cécile Renée Gaël Maëlle Chloé Léa Loïc Béatrice "
    "André Amélie Françoise Jean Marie Paul Anne Sarah David Laura Michael Jennifer Kevin "
    "Emily Robert Linda James Karen Thomas Nancy Daniel Lisa Mark Susan Steven Julie Lucas "
    "Inès Raphaël Anaïs Mathéo Océane Clément Solène Timothée Adèle Valérie Stéphane"
).split()

_FR_ONSETS = "b c d f g j l m n p r s t v ch pr tr gr br cr fl pl qu bl dr".split()
_FR_VOWELS = "a a e e i i o o u é é è ê ou au ai eu oi an en on in â ô î".split()
_FR_CODAS = ["", "", "", "", "", "r", "s", "l", "n"]
_FR_ENDINGS = (
    "tion ment ité eur euse age ique isme ance ence ière aire ée é er ir ant ent able ible "
    "ure esse ette eau elle".split()
)
_EN_ONSETS = "b c d f g h k l m n p r s t w st th sh cl gr tr sp bl".split()
_EN_VOWELS = "a e i o u ea oo ai ow ee".split()
_EN_CODAS = ["", "", "n", "t", "d", "ck", "ll", "m", "rt", "nd"]
_EN_ENDINGS = "ing ed er tion ness ly ment ous al ive ship ity less ful".split()
# Surnames are built from their own syllables, so they rarely collide with quote words.
_NAME_PARTS_A = "Ber Mor Kal Dub Vas Hol Gar Wes Rad Tor Mel Sal Bran Fitz Kov Lam Pel Quin".split()
_NAME_PARTS_B = "ov ski ard elli ez ault ier ston berg mann ez oux quez ford wick ani".split()
_NAME_PARTS_M = ["", "", "an", "er", "ol", "ig", "ur", "ès", "ë", "é"]


def _invent(rng: random.Random, onsets: list[str], vowels: list[str], codas: list[str]) -> str:
    syllables = rng.choice((1, 2, 2, 2, 3))
    return "".join(
        rng.choice(onsets) + rng.choice(vowels) + rng.choice(codas) for _ in range(syllables)
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class Lexicon:
    """Content words ranked by frequency, each with its English rendering."""

    french: tuple[str, ...]
    english: tuple[str, ...]
    cumulative: tuple[float, ...]  # Zipf weights, cumulated, for random.choices

    def sample(self, rng: random.Random, count: int) -> list[int]:
        """`count` word ranks drawn with Zipf-like frequencies."""
        return rng.choices(range(len(self.french)), cum_weights=self.cumulative, k=count)


def build_lexicon(rng: random.Random, size: int, *, exponent: float = 1.0) -> Lexicon:
    """`size` distinct words: the real ones first, then invented ones (accents included)."""
    french = [fr for fr, _ in COMMON]
    english = [en for _, en in COMMON]
    seen = {w.casefold() for w in french} | {w.casefold() for w in FR_FUNCTION}
    while len(french) < size:
        word = _invent(rng, _FR_ONSETS, _FR_VOWELS, _FR_CODAS)
        if rng.random() < 0.5:
            word += rng.choice(_FR_ENDINGS)
        if len(word) < 4 or word in seen:
            continue
        seen.add(word)
        french.append(word)
        gloss = _invent(rng, _EN_ONSETS, _EN_VOWELS, _EN_CODAS)
        english.append(gloss + rng.choice(_EN_ENDINGS) if rng.random() < 0.5 else gloss)
    weights = [1 / (rank + 10) ** exponent for rank in range(size)]
    return Lexicon(
        french=tuple(french),
        english=tuple(english),
        cumulative=tuple(itertools.accumulate(weights)),
    )


def invent_surnames(rng: random.Random, count: int, taken: set[str]) -> list[str]:
    """`count` distinct surnames, unlike each other's spelling and the quote words."""
    found: list[str] = []
    seen = {t.casefold() for t in taken}
    while len(found) < count:
        name = (
            rng.choice(_NAME_PARTS_A)
            + rng.choice(_NAME_PARTS_M)
            + rng.choice(_NAME_PARTS_B)
            + rng.choice(("", "", "", "e", "o", "a"))
        )
        if rng.random() < 0.3:
            name += rng.choice(_NAME_PARTS_B)
        if name.casefold() in seen:
            continue
        seen.add(name.casefold())
        found.append(name)
    return found
