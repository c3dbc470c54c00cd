"""The words news uses to attribute a quote, in French and English, as regular expressions.

They run on text folded by `fold_same_length` (lower case, no accents, same offsets), so
"a-t-elle déclaré" and "A-t-elle declaré" read alike and spans stay verbatim.
"""

from __future__ import annotations

import re

_ER_STEMS = """declar affirm estim denonc ajout indiqu expliqu assur soulign precis insist martel
lanc rappel confi tonn accus tranch jug regrett annonc deplor fustig salu critiqu comment
observ relev resum ironis plaid object protest racont confirm signal lach gliss clam proclam
exhort repet qualifi demand reclam exig menac avanc argu retorqu repliqu pron detaill souhait
interpell temper nuanc conced sugger jur interrog emport enerv indign inquiet felicit alert
cit not appel tweet poursuiv justifi invoqu soupir scand reclam martel esper regrett
deplor denonc insist estim lanc pest tacl raill moqu accus chiffr admett rassur alarm etonn
insurg desol offusqu agac temoign exclam abond relat rappell evoqu parl revendiqu souffl murmur
consider contest refut reproch constat fulmin tempet""".split()
_ER_ENDINGS = ("e", "ee", "es", "ees", "ent", "ait", "aient", "a", "erent", "era", "eront")
_IRREGULAR = """dit dite dits disent disait dira ecrit ecrite ecrivent ecrivait ecrira averti
avertit avertissent prevenu previent previennent reconnu reconnait reconnaissent admis admet
repondu repond repondent defendu defend defendent conclu conclut poursuivi poursuit promis
promet dementi dement soutenu soutient soutiennent reagi reagit rencheri rencherit rejoui
rejouit maintenu maintient maintiennent promis decrit decrivent nie nient assene""".split()
FRENCH_VERBS = frozenset(
    [stem + ending for stem in _ER_STEMS for ending in _ER_ENDINGS]
    + _IRREGULAR
    + ["mis en garde", "met en garde", "fait valoir", "fait savoir", "pris", "prend", "prennent"]
    + [
        f"{verb}-{pronoun} {what}"  # "fait-on savoir", "met-elle en garde"
        for verb, what in (("fait", "savoir"), ("fait", "valoir"), ("met", "en garde"))
        for pronoun in ("il", "elle", "on")
    ]
    + [f"font-{p} {what}" for p in ("ils", "elles") for what in ("savoir", "valoir")]
)
ENGLISH_VERBS = frozenset(
    """said says told tells added adds stated states declared warned warns argued argues
    insisted insists noted notes explained explains wrote writes claimed claims asserted
    announced announces replied replies responded responds countered counters conceded
    concedes acknowledged admitted admits complained complains urged urges called calls
    described describes accused accuses denounced denounces criticised criticized criticises
    criticizes praised praises promised promises vowed vows pledged pledges predicted
    suggested suggests recalled recalls maintained maintains stressed stresses emphasised
    emphasized cautioned cautions contended contends continued concluded observed remarked
    tweeted posted testified asked asks demanded demands blasted slammed labelled labeled
    dismissed dismisses branded brands hailed hails welcomed welcomes""".split()
)


def _alternation(words: frozenset[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_FR_VERB = _alternation(FRENCH_VERBS)
_EN_VERB = _alternation(ENGLISH_VERBS)
_INVERSION = r"(?:-t-(?:il|elle|on)|-(?:ils|elles|il|elle|on))"
_FR_AUX = (
    r"(?:s'en (?:est|sont|etait)|s'(?:est|etait)|se sont|a|ont|avait|avaient|aurait|auraient"
    r"|avaient|est|sont)"
)
_FR_ADVERBS = (
    r"(?:\s+(?:lui|elle|eux|ensuite|encore|egalement|aussi|alors|pour sa part|de son cote"
    r"|quant a (?:lui|elle)|meme|deja|bien|notamment|plus tard|enfin|simplement|toutefois"
    r"|cependant|pourtant|en outre|dans la foulee|plusieurs fois|a nouveau|aussitot))*"
)
# A word after a determiner that is never an object pronoun is a noun: "ces chiffres", "une
# demande", "des critiques" (not chiffrer, demander, critiquer).
_AFTER_DETERMINER = "".join(
    rf"(?<!\b{d} )"
    for d in "ces des une un ses sa son cette du au aux nos vos mes leurs quelques".split()
)
FRENCH_VERB_GROUP = re.compile(
    rf"(?<![\w-])(?:(?P<aux>{_FR_AUX})(?P<inv>{_INVERSION})?{_FR_ADVERBS}\s+(?P<pp>{_FR_VERB})"
    rf"|{_AFTER_DETERMINER}(?:s'|se\s+)?(?P<pres>{_FR_VERB})(?P<inv2>{_INVERSION})?)(?![\w])"
)
ENGLISH_VERB = re.compile(rf"(?<![\w-])(?:has |have |had )?(?P<verb>{_EN_VERB})(?![\w-])")
ACCORDING = re.compile(r"(?<![\w-])(?:selon|d'apres|according to)\s+")
PRONOUNS = {
    "il": ("m", False),
    "elle": ("f", False),
    "lui": ("m", False),
    "ils": (None, True),
    "elles": (None, True),
    "eux": (None, True),
    "on": (None, False),
    "he": ("m", False),
    "she": ("f", False),
    "him": ("m", False),
    "her": ("f", False),
    "they": (None, True),
    "it": ("n", False),
    "them": (None, True),
    # demonstratives: the last one named who fits ("Celle-ci a dénoncé…", "Ce dernier …")
    "celui-ci": ("m", False),
    "celle-ci": ("f", False),
    "ceux-ci": (None, True),
    "celles-ci": (None, True),
    "celui ci": ("m", False),  # as `fold` writes them
    "celle ci": ("f", False),
    "ceux ci": (None, True),
    "celles ci": (None, True),
    "ce dernier": ("m", False),
    "cette derniere": ("f", False),
    "ces derniers": (None, True),
    "ces dernieres": (None, True),
}
PREPOSITIONS = frozenset(
    "a au aux dans lors sur devant pendant par chez aupres en to in at on during from via".split()
)
# Where a subject's phrase ends: a clause or a place, time or manner that follows it.
SUBJECT_END = re.compile(
    r",|;|:|\.|\?|!|\(|\s(?:qui|que|dont|lors|dans|sur|devant|en|apres|avant|pendant|depuis"
    r"|pour|avec|selon|au cours|a l'issue|a propos|a la sortie|a l'occasion|mardi|lundi"
    r"|mercredi|jeudi|vendredi|samedi|dimanche|hier|who|which|in|on|at|during|after|before"
    r"|while|when|to|as|adding|noting|saying|last|this|yesterday|today|on)\s"
)
DETERMINER_WORDS = frozenset(
    "le la les l' un une des son sa ses leur leurs ce cette ces the a an his her its their".split()
)
DETERMINERS = re.compile(
    r"^(?:(?:les|le|la|un|une|des|du|son|sa|ses|leurs|leur|ces|cette|ce|quelques|quelque"
    r"|plusieurs|the|an|a|his|her|its|their|some|several|many)\s+|l'\s*|l’\s*)",
    re.IGNORECASE,
)
# (English `the` is plural only before a plural noun: `the workers`, not `the company`.)
PLURAL_START = re.compile(
    r"^(?:nos|vos|les|des|ces|leurs|ses|quelque|quelques|plusieurs|nombre de|some|several|many"
    r"|the(?=\s+(?:[\w'-]+\s+)?[\w'-]*[^s\s']s\s)|\d[\d\s,.]*)\s"
)
# A finite verb, to find the subject of a sentence whose quote has no speech verb.
FRENCH_FINITE = re.compile(
    r"(?<![\w'-])(?:n')?(?:a|ont|avait|avaient|est|sont|etait|etaient|sera|seront|va|vont|doit|doivent"
    r"|veut|veulent|entend|entendent|vise|visent|refuse|refusent|s'est|se sont|s'en est)(?![\w-])"
)
ENGLISH_FINITE = re.compile(
    r"(?<![\w'-])(?:has|have|had|is|are|was|were|will|would|wants|want|wanted|plans|planned"
    r"|refused|refuses|[a-z]{3,}ed)(?![\w-])"
)
# Sentence openings that are not the subject: "Dans un communiqué, ...", "Mardi, ...".
ADVERBIAL_START = re.compile(
    r"^(?:dans|en|pour|selon|face|lors|apres|avant|depuis|pendant|contacte|contactee"
    r"|contactes|interroge|interrogee|interroges|sollicite|sollicitee|devant|sur|par|au|a|aux"
    r"|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|hier|mais|et|or|ainsi|pourtant"
    r"|in|on|at|after|before|since|during|asked|speaking|contacted|but|and|yet|however|for"
    r"|with|as|when|while|monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday"
    r"|earlier|later|le \d|\d|la veille|le lendemain|au lendemain|the day before|the day after"
    r"|the next day|the following day|the previous day|de son cote|de leur cote|pour sa part"
    r"|pour leur part|quant a|cote|du cote|de notre cote|meanwhile|for its part|for their part)"
    r"(?![\w-])"
)
PERSON_NOUNS = frozenset(
    """dirigeant dirigeante responsable patron patronne homme femme elu elue auteur auteurs
    signataire signataires official officials executive executives leader leaders chief
    spokesman spokeswoman spokesperson man woman ministre minister president presidente
    maire mayor prefet prefete depute deputee senateur senatrice avocat avocate lawyer
    directeur directrice director secretaire secretary gouverneur governor juge judge
    porte-parole chef cheffe adjoint adjointe conseiller conseillere representant
    representante delegue deleguee militant militante syndicaliste syndicalistes habitant
    habitants riverain riverains salarie salaries employe employes manifestant manifestants
    resident residents worker workers employee employees member members etudiant etudiants
    student students pecheur pecheurs docker dockers agriculteur agriculteurs enseignant
    enseignants parent parents eleve eleves greviste grevistes usager usagers opposition
    collectif majorite intersyndicale nurse nurses lobstermen fishermen protesters
    demonstrators residents voters""".split()
)
PERSON_NOUN = re.compile(
    r"(?<![\w-])(?:" + "|".join(sorted(PERSON_NOUNS, key=len, reverse=True)) + r")(?![\w-])"
)
