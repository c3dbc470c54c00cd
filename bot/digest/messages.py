"""What /digest subscribe, status and the others say, in English and French.

Kept beside the digest rather than in bot.i18n so the two can be merged in one commit later
without clashing with other work; `say` falls back to English like `bot.i18n.t`.
"""

from __future__ import annotations

import datetime as dt

from bot.i18n import format_day, say_from

_WEEKDAY_NAMES = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
}
_WEEKDAY_SHORT = {
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "fr": ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."),
}

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "console": "Digest subscriptions belong to a Slack or Discord channel; the console "
        "cannot receive a digest. Type /digest for a preview.",
        "not_allowed.discord": "Only members who can manage this channel (Manage Channels) may "
        "change its digest. Type /digest status to see it, or /digest for a preview.",
        "not_allowed.slack": "Only this workspace's digest admins may change this channel's "
        "digest. Type /digest status to see it, or /digest for a preview.",
        "bad_time": "“{value}” is not a time of day: use HH:MM, e.g. 08:00 or 18:30.",
        "two_times": "Give one time only, e.g. /digest subscribe 08:00 paris.",
        "unknown_zone": "Unknown time zone “{value}”: use an IANA name such as Europe/Paris or "
        "America/New_York, or a city such as paris or new york.",
        "did_you_mean": "Did you mean: {options}?",
        "bad_weekdays": "Cannot read the days “{value}”: use daily, weekdays, weekends, mon-fri "
        "or mon,wed,fri.",
        "unknown_action": "Unknown /digest option “{value}”. Type /digest subscribe [HH:MM] "
        "[time zone] [weekdays], /digest unsubscribe, /digest status, /digest now or "
        "/digest resume.",
        "subscribed": "Subscribed: this channel gets the daily digest at {time} ({zone}), "
        "{days}, in {language}.",
        "updated": "Updated: this channel now gets the daily digest at {time} ({zone}), {days}, "
        "in {language}.",
        "next": "Next digest: {when}.",
        "unsubscribed": "Unsubscribed: this channel no longer gets the daily digest.",
        "not_subscribed": "This channel has no daily digest. Subscribe it with "
        "/digest subscribe [HH:MM] [time zone] [weekdays].",
        "config_managed": "This channel's digest is set in the bot's configuration file "
        "(digest_subscriptions); change it there.",
        "now_posting": "Posting the digest of {date} in this channel now.",
        "no_service": "The digest service is not running on this bot instance, so nothing can "
        "be posted from here right now.",
        "no_poster": "This bot instance cannot post to {platform} channels.",
        "store_down": "The digest's database is unavailable right now; try again later.",
        "resumed": "Resumed: the daily digest comes back at {time} ({zone}), {days}.",
        "not_paused": "This channel's digest is not paused.",
        "status.title": "Daily digest for this channel",
        "status.schedule_value": "{time} ({zone}), {days}, in {language}",
        "status.next": "Next digest",
        "status.last": "Last digest",
        "status.last_value": "{when} (message {message})",
        "status.last_none": "none yet",
        "status.scheduled": "Last scheduled run",
        "status.paused": "Paused",
        "status.paused_value": "since {when}: {reason}. Give the bot access to this channel "
        "again, then type /digest resume.",
        "status.managed": "Managed in",
        "status.managed_value": "the configuration file",
        "delivery.delivered": "{date}: posted",
        "delivery.skipped": "{date}: skipped, nothing new",
        "delivery.missed": "{date}: missed, the bot was down past the catch-up window",
        "delivery.failed": "{date}: failed: {error}",
        "delivery.unknown": "{date}: may not have arrived ({error}); not posted again so that "
        "it cannot appear twice: type /digest now if it is missing",
        "delivery.claimed": "{date}: being posted (attempt {attempts})",
        "delivery.retrying": "{date}: retrying (attempt {attempts}) after: {error}",
        "days.every": "every day",
        "when": "{weekday} {date}, {time} ({zone})",
        "language.en": "English",
        "language.fr": "French",
    },
    "fr": {
        "console": "Les abonnements au résumé concernent un canal Slack ou Discord ; la console "
        "ne peut pas en recevoir. Tapez /digest pour un aperçu.",
        "not_allowed.discord": "Seuls les membres qui peuvent gérer ce canal (Gérer les salons) "
        "peuvent modifier son résumé. Tapez /digest status pour le voir, ou /digest pour un "
        "aperçu.",
        "not_allowed.slack": "Seuls les administrateurs du résumé de cet espace peuvent modifier "
        "le résumé de ce canal. Tapez /digest status pour le voir, ou /digest pour un aperçu.",
        "bad_time": "« {value} » n'est pas une heure : utilisez HH:MM, par exemple 08:00 ou 18:30.",
        "two_times": "Donnez une seule heure, par exemple /digest subscribe 08:00 paris.",
        "unknown_zone": "Fuseau horaire inconnu « {value} » : utilisez un nom IANA comme "
        "Europe/Paris ou America/New_York, ou une ville comme paris ou new york.",
        "did_you_mean": "Vouliez-vous dire : {options} ?",
        "bad_weekdays": "Jours illisibles « {value} » : utilisez daily, weekdays, weekends, "
        "lun-ven ou lun,mer,ven.",
        "unknown_action": "Option de /digest inconnue « {value} ». Tapez /digest subscribe "
        "[HH:MM] [fuseau] [jours], /digest unsubscribe, /digest status, /digest now ou "
        "/digest resume.",
        "subscribed": "Abonné : ce canal reçoit le résumé du jour à {time} ({zone}), {days}, "
        "en {language}.",
        "updated": "Modifié : ce canal reçoit désormais le résumé du jour à {time} ({zone}), "
        "{days}, en {language}.",
        "next": "Prochain résumé : {when}.",
        "unsubscribed": "Désabonné : ce canal ne reçoit plus le résumé du jour.",
        "not_subscribed": "Ce canal ne reçoit pas le résumé du jour. Abonnez-le avec "
        "/digest subscribe [HH:MM] [fuseau] [jours].",
        "config_managed": "Le résumé de ce canal est réglé dans le fichier de configuration du "
        "bot (digest_subscriptions) ; modifiez-le là.",
        "now_posting": "Publication du résumé du {date} dans ce canal.",
        "no_service": "Le service du résumé ne tourne pas sur cette instance du bot ; rien ne "
        "peut être publié d'ici pour l'instant.",
        "no_poster": "Cette instance du bot ne peut pas publier sur {platform}.",
        "store_down": "La base de données du résumé est indisponible pour le moment ; réessayez "
        "plus tard.",
        "resumed": "Repris : le résumé du jour revient à {time} ({zone}), {days}.",
        "not_paused": "Le résumé de ce canal n'est pas en pause.",
        "status.title": "Résumé du jour de ce canal",
        "status.schedule_value": "{time} ({zone}), {days}, en {language}",
        "status.next": "Prochain résumé",
        "status.last": "Dernier résumé",
        "status.last_value": "{when} (message {message})",
        "status.last_none": "aucun pour l'instant",
        "status.scheduled": "Dernière échéance",
        "status.paused": "En pause",
        "status.paused_value": "depuis le {when} : {reason}. Rendez au bot l'accès à ce canal, "
        "puis tapez /digest resume.",
        "status.managed": "Réglé dans",
        "status.managed_value": "le fichier de configuration",
        "delivery.delivered": "{date} : publié",
        "delivery.skipped": "{date} : sauté, rien de nouveau",
        "delivery.missed": "{date} : manqué, le bot était arrêté au-delà du délai de rattrapage",
        "delivery.failed": "{date} : échec : {error}",
        "delivery.unknown": "{date} : peut-être pas arrivé ({error}) ; pas republié pour ne "
        "pas apparaître deux fois : tapez /digest now s'il manque",
        "delivery.claimed": "{date} : publication en cours (essai {attempts})",
        "delivery.retrying": "{date} : nouvel essai ({attempts}) après : {error}",
        "days.every": "tous les jours",
        "when": "{weekday} {date}, {time} ({zone})",
        "language.en": "anglais",
        "language.fr": "français",
    },
}


def say(locale: str, key: str, **values: object) -> str:
    return say_from(MESSAGES, locale, key, **values)


def format_weekdays(days: tuple[int, ...], locale: str) -> str:
    """`every day`, `Mon–Fri`, `Mon, Wed, Fri` (consecutive days read as a range)."""
    if len(days) == 7:
        return say(locale, "days.every")
    short = _WEEKDAY_SHORT.get(locale, _WEEKDAY_SHORT["en"])
    ordered = sorted(days)
    if len(ordered) >= 3 and ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"{short[ordered[0]]}–{short[ordered[-1]]}"
    return ", ".join(short[d] for d in ordered)


def format_when(moment: dt.datetime, zone: str, locale: str) -> str:
    """`Monday 23 November 2026, 08:00 (Europe/Paris)` for an aware instant."""
    names = _WEEKDAY_NAMES.get(locale, _WEEKDAY_NAMES["en"])
    return say(
        locale,
        "when",
        weekday=names[moment.weekday()],
        date=format_day(moment.date(), locale),
        time=moment.strftime("%H:%M"),
        zone=zone,
    )
