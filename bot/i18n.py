"""Every sentence the bot says, in English and French, and how dates read in each."""

from __future__ import annotations

import datetime as dt

from bot.corpus.model import Precision

_MONTH_NAMES = {
    "en": "January February March April May June July August September October November December"
    "".split(),
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre"
    "".split(),
}

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "timeline.title": "Timeline",
        "timeline.title_filtered": "Timeline: {filters}",
        "timeline.empty": "No event matches {query}.",
        "quote.title": "Quotes",
        "quote.title_speaker": "Quotes by {speaker}",
        "quote.empty": "No quote matches {query}.",
        "quote.empty_speaker": "No quote by {speaker} matches {query}.",
        "positions.title": "Positions",
        "positions.title_actor": "Where {actor} stands",
        "positions.title_issue": "Positions on {issue}",
        "positions.empty": "No actor or issue matches {query}.",
        "positions.none_for": "The dossier records no position for {name}.",
        "sources.title": "Sources",
        "help.title": "dispute-bot commands",
        "help.title_command": "Help: /{command}",
        "help.intro": "A sourced dossier on: {dossier}. Type a command, or /help <command>.",
        "help.usage": "Usage",
        "help.examples": "Examples",
        "digest.title": "Daily digest, {date}",
        "digest.new": "New since {date}",
        "digest.new_all": "In the dossier",
        "digest.nothing_new": "Nothing new since {date}.",
        "digest.standing": "Where things stand",
        "digest.key_dates": "Key dates",
        "digest.quote_of_day": "Quote of the day",
        "digest.days_since": "{days} days since: {what} ({date})",
        "digest.day_since": "1 day since: {what} ({date})",
        "digest.today": "Today: {what}",
        "digest.in_days": "In {days} days: {what} ({date})",
        "digest.passed": "Passed {days} days ago: {what} ({date})",
        "unknown_command": "Unknown command /{command}.",
        "did_you_mean": "Did you mean: {options}?",
        "try_help": "Type /help to see every command.",
        "too_long": "That is too long to search: {limit} characters at most, please.",
        "bad_page": "Page {asked} does not exist; here is page {count}, the last.",
        "error": "Sorry, something went wrong while answering /{command}. It has been logged.",
        "field.speaker": "Speaker",
        "field.said": "Said",
        "field.where": "Where",
        "field.source": "Source",
        "field.date": "Date",
        "field.actors": "Actors",
        "field.stance": "Stance",
        "field.translation": "Translation",
        "field.role": "Role",
        "page": "Page {number} of {count}",
        "previous": "Previous",
        "next": "Next",
        "share": "Share in channel",
        "stance.supports": "supports",
        "stance.opposes": "opposes",
        "stance.demands": "demands",
        "stance.refuses": "refuses",
        "stance.denies": "denies",
        "stance.mixed": "mixed",
        "stance.neutral": "neutral",
        "qualifier.early": "early {date}",
        "qualifier.mid": "mid-{date}",
        "qualifier.late": "late {date}",
        "qualifier.about": "about {date}",
        "any_word": "“{query}”",
    },
    "fr": {
        "timeline.title": "Chronologie",
        "timeline.title_filtered": "Chronologie : {filters}",
        "timeline.empty": "Aucun événement ne correspond à {query}.",
        "quote.title": "Citations",
        "quote.title_speaker": "Citations de {speaker}",
        "quote.empty": "Aucune citation ne correspond à {query}.",
        "quote.empty_speaker": "Aucune citation de {speaker} ne correspond à {query}.",
        "positions.title": "Positions",
        "positions.title_actor": "Position de {actor}",
        "positions.title_issue": "Positions sur : {issue}",
        "positions.empty": "Aucun acteur ni sujet ne correspond à {query}.",
        "positions.none_for": "Le dossier ne note aucune position pour {name}.",
        "sources.title": "Sources",
        "help.title": "Commandes de dispute-bot",
        "help.title_command": "Aide : /{command}",
        "help.intro": "Un dossier sourcé : {dossier}. Tapez une commande, ou /help <commande>.",
        "help.usage": "Syntaxe",
        "help.examples": "Exemples",
        "digest.title": "Résumé du jour, {date}",
        "digest.new": "Nouveau depuis le {date}",
        "digest.new_all": "Dans le dossier",
        "digest.nothing_new": "Rien de nouveau depuis le {date}.",
        "digest.standing": "Où en sont les acteurs",
        "digest.key_dates": "Dates clés",
        "digest.quote_of_day": "Citation du jour",
        "digest.days_since": "{days} jours depuis : {what} ({date})",
        "digest.day_since": "1 jour depuis : {what} ({date})",
        "digest.today": "Aujourd'hui : {what}",
        "digest.in_days": "Dans {days} jours : {what} ({date})",
        "digest.passed": "Échu il y a {days} jours : {what} ({date})",
        "unknown_command": "Commande inconnue : /{command}.",
        "did_you_mean": "Vouliez-vous dire : {options} ?",
        "try_help": "Tapez /help pour voir toutes les commandes.",
        "too_long": "C'est trop long pour une recherche : {limit} caractères au plus, svp.",
        "bad_page": "La page {asked} n'existe pas ; voici la page {count}, la dernière.",
        "error": "Désolé, une erreur est survenue en répondant à /{command}. Elle a été consignée.",
        "field.speaker": "Auteur",
        "field.said": "Date",
        "field.where": "Où",
        "field.source": "Source",
        "field.date": "Date",
        "field.actors": "Acteurs",
        "field.stance": "Position",
        "field.translation": "Traduction",
        "field.role": "Rôle",
        "page": "Page {number} sur {count}",
        "previous": "Précédent",
        "next": "Suivant",
        "share": "Partager dans le canal",
        "stance.supports": "pour",
        "stance.opposes": "contre",
        "stance.demands": "exige",
        "stance.refuses": "refuse",
        "stance.denies": "dément",
        "stance.mixed": "nuancé",
        "stance.neutral": "neutre",
        "qualifier.early": "début {date}",
        "qualifier.mid": "mi-{date}",
        "qualifier.late": "fin {date}",
        "qualifier.about": "vers {date}",
        "any_word": "« {query} »",
    },
}


Tables = dict[str, dict[str, str]]  # locale -> key -> sentence


def say_from(tables: Tables, locale: str, key: str, **values: object) -> str:
    """The sentence `key` of `tables` in `locale` (English when the locale is unknown).

    Parts of the bot with many sentences of their own (the digest, reloads) keep their
    table beside their code and read it through this.
    """
    return tables.get(locale, tables["en"])[key].format(**values)


def t(locale: str, key: str, **values: object) -> str:
    """The sentence `key` in `locale` (English when the locale is unknown)."""
    return say_from(MESSAGES, locale, key, **values)


def format_date(
    date: dt.date, precision: Precision, locale: str, qualifier: str | None = None
) -> str:
    """A date as people write it, no more precise than the dossier knows it."""
    month = _MONTH_NAMES.get(locale, _MONTH_NAMES["en"])[date.month - 1]
    if precision is Precision.YEAR:
        text = str(date.year)
    elif precision is Precision.MONTH:
        text = f"{month} {date.year}"
    elif locale == "fr":
        text = f"{'1er' if date.day == 1 else date.day} {month} {date.year}"
    else:
        text = f"{date.day} {month} {date.year}"
    return t(locale, f"qualifier.{qualifier}", date=text) if qualifier else text


def format_day(date: dt.date, locale: str) -> str:
    return format_date(date, Precision.DAY, locale)
