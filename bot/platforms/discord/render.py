"""A Reply as the JSON message body Discord takes: one embed, buttons, no pings, within limits.

Pure data in, pure data out (no discord.py import), so the digest's poster and the
interaction code render the same way, and tests check every limit without a client.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.i18n import t
from bot.platforms.discord.custom_ids import INERT_PREFIX, SHARE_ID, page_custom_id
from bot.reply import Field, Item, Layout, Reply, ReplyKind, note_marks, source_notes

# Discord's limits, in characters (counted as UTF-16 code units, which is never fewer).
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_COUNT_LIMIT = 25
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FOOTER_LIMIT = 2048
EMBED_TOTAL_LIMIT = 6000  # title + description + field names and values + footer, all embeds
CONTENT_LIMIT = 2000
BUTTON_LABEL_LIMIT = 80

BLANK = "\u200b"  # Discord refuses empty field names and values

COLOURS = {
    ReplyKind.OK: 0x5865F2,
    ReplyKind.EMPTY: 0x99AAB5,
    ReplyKind.USAGE: 0xFEE75C,
    ReplyKind.ERROR: 0xED4245,
}

# Button styles and component types, as Discord numbers them.
PRIMARY, SECONDARY = 1, 2
ACTION_ROW, BUTTON = 1, 2

_MARKDOWN = re.compile(r"([\\*_~`|\[\]<])")
_URL_SCHEME = re.compile(r"(?<=[A-Za-z0-9]):(?=//)")
_LINE_START = re.compile(r"^([>#-])", re.MULTILINE)
_CROWD = re.compile(r"@(everyone|here)")


def units(text: str) -> int:
    """Length as Discord counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def clip(text: str, limit: int) -> str:
    """`text` cut to `limit` units, ending with an ellipsis when cut."""
    if units(text) <= limit:
        return text
    if limit <= 1:
        return "…"[:limit]
    # Cut the UTF-16 form, dropping half of a surrogate pair if the cut splits one.
    cut = text.encode("utf-16-le", "surrogatepass")[: 2 * (limit - 1)].decode(
        "utf-16-le", errors="ignore"
    )
    return cut.rstrip() + "…"


def escape_markdown(text: str) -> str:
    """Corpus and user text shown as typed: no bold, links, mentions or headings sneaking in.

    `https\\://` reads as `https://` but is no longer a URL Discord links; `\\<@1>` is text,
    not a mention.
    """
    escaped = _LINE_START.sub(r"\\\1", _MARKDOWN.sub(r"\\\1", text))
    return _URL_SCHEME.sub(r"\\:", escaped)


def escape_crowd_mentions(text: str) -> str:
    """@everyone/@here made inert in plain content (belt to allowed_mentions' braces)."""
    return _CROWD.sub("@\u200b\\1", text)


@dataclass(frozen=True, slots=True, kw_only=True)
class ButtonSpec:
    """One button, for both the JSON body and discord.py views."""

    label: str
    custom_id: str
    style: int = SECONDARY
    disabled: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": BUTTON,
            "style": self.style,
            "label": clip(self.label, BUTTON_LABEL_LIMIT),
            "custom_id": self.custom_id,
            "disabled": self.disabled,
        }


def render_buttons(reply: Reply, *, share_button: bool = False) -> list[ButtonSpec]:
    """Previous/Next when the reply has pages, and Share when asked for."""
    buttons: list[ButtonSpec] = []
    page = reply.page
    if page is not None and page.count > 1:
        for key, line, label in (
            ("previous", page.previous, f"◀ {t(reply.locale, 'previous')}"),
            ("next", page.next, f"{t(reply.locale, 'next')} ▶"),
        ):
            custom_id = page_custom_id(line) if line else ""
            if custom_id and all(b.custom_id != custom_id for b in buttons):
                buttons.append(ButtonSpec(label=label, custom_id=custom_id))
            else:  # no such page (or the same as the other button: Discord wants unique ids)
                buttons.append(ButtonSpec(label=label, custom_id=INERT_PREFIX + key, disabled=True))
    if share_button:
        buttons.append(
            ButtonSpec(label=t(reply.locale, "share"), custom_id=SHARE_ID, style=PRIMARY)
        )
    return buttons


def render_components(buttons: list[ButtonSpec]) -> list[dict[str, Any]]:
    if not buttons:
        return []
    return [{"type": ACTION_ROW, "components": [b.to_dict() for b in buttons[:5]]}]


def _item_text(item: Item, locale: str) -> str:
    parts = []
    if item.body:
        parts.append(escape_markdown(item.body))
    if item.quote:
        quoted = escape_markdown(f"« {item.quote} »")
        parts.append("\n".join(f"> {line}" for line in quoted.splitlines()))
    if item.translation:
        label = t(locale, "label", name=t(locale, "field.translation"), value=item.translation)
        parts.append(f"*{escape_markdown(label)}*")
    parts += [escape_markdown(note) for note in item.notes]
    return "\n".join(parts)


def _field(name: str, value: str, inline: bool) -> dict[str, Any]:
    return {
        "name": clip(name.strip() or BLANK, FIELD_NAME_LIMIT),
        "value": clip(value.strip() or BLANK, FIELD_VALUE_LIMIT),
        "inline": inline,
    }


def _in_parts(text: str, limit: int = FIELD_VALUE_LIMIT) -> list[str]:
    """A long text as field values of at most `limit`, cut between lines where it can be.

    A digest's key dates run past one field's 1024 characters; cut there, the last lines
    would be lost, so they go on in the fields that follow.
    """
    parts: list[str] = []
    current = ""
    for line in text.splitlines():
        joined = f"{current}\n{line}" if current else line
        if units(joined) <= limit:
            current = joined
            continue
        if current:
            parts.append(current)
        current = line
    parts.append(current)
    return parts or [""]


def _heading(item: Item, locale: str) -> list[dict[str, Any]]:
    """The item's title over its text, the text going on in untitled fields when long."""
    first, *more = _in_parts(_item_text(item, locale))
    return [_field(escape_markdown(item.title), first, False)] + [
        _field(BLANK, part, False) for part in more
    ]


def _item_fields(items: tuple[Item, ...], locale: str) -> list[dict[str, Any]]:
    """Each item as a heading field followed by its own fields; folded into one if too many."""
    spread = [
        _heading(item, locale)
        + [_field(escape_markdown(f.name), escape_markdown(f.value), f.inline) for f in item.fields]
        for item in items
    ]
    if sum(len(group) for group in spread) <= FIELD_COUNT_LIMIT:
        return [field for group in spread for field in group]
    folded = [
        _field(escape_markdown(item.title), _folded_text(item, locale), False) for item in items
    ]
    if len(folded) > FIELD_COUNT_LIMIT:
        hidden = len(folded) - (FIELD_COUNT_LIMIT - 1)
        folded = [*folded[: FIELD_COUNT_LIMIT - 1], _field("…", f"+{hidden}", False)]
    return folded


def _folded_text(item: Item, locale: str) -> str:
    lines = [_item_text(item, locale)] if _item_text(item, locale) else []
    separator = t(locale, "label", name="", value="")  # ": ", or " : " in French
    lines += [f"**{escape_markdown(f.name)}**{separator}{_one_line(f)}" for f in item.fields]
    return "\n".join(lines)


def _one_line(field: Field) -> str:
    return escape_markdown(field.value.replace("\n", "; "))


def _line_parts(reply: Reply) -> tuple[str, list[dict[str, Any]]]:
    """A reply of lines: its lead and lines in the description, as many as its 4,096
    characters hold, the rest in fields of up to 1,024 characters."""
    lead = escape_markdown(reply.text) if reply.text else ""
    size = units(lead) + 2 if lead else 0
    described: list[str] = []
    chunks: list[list[str]] = []
    for item in reply.items:
        parts = (f"**{escape_markdown(item.title)}** —", escape_markdown(item.body))
        line = " ".join(p for p in (*parts, note_marks(item)) if p)
        if not chunks and size + units(line) + 1 <= DESCRIPTION_LIMIT:
            described.append(line)
            size += units(line) + 1
            continue
        line = clip(line, FIELD_VALUE_LIMIT)
        if not chunks or sum(units(x) + 1 for x in chunks[-1]) + units(line) > FIELD_VALUE_LIMIT:
            chunks.append([])
        chunks[-1].append(line)
    fields = [_field(BLANK, "\n".join(chunk), False) for chunk in chunks]
    if len(fields) > FIELD_COUNT_LIMIT:
        hidden = sum(len(chunk) for chunk in chunks[FIELD_COUNT_LIMIT - 1 :])
        fields = [*fields[: FIELD_COUNT_LIMIT - 1], _field("…", f"+{hidden}", False)]
    return "\n\n".join(p for p in (lead, "\n".join(described)) if p), fields


def _footer(reply: Reply) -> str:
    lines = []
    if reply.page is not None and reply.page.count > 1:
        lines.append(t(reply.locale, "page", number=reply.page.number, count=reply.page.count))
    if reply.sources and reply.layout is Layout.LINES:
        lines += source_notes(reply)
    elif reply.sources:
        label = t(reply.locale, "field.source")
        cited = "; ".join(s.label for s in reply.sources)
        lines.append(t(reply.locale, "label", name=label, value=cited))
    if reply.footer:
        lines.append(reply.footer)
    return "\n".join(lines)


def embed_size(embed: dict[str, Any]) -> int:
    """The characters of an embed that count towards Discord's 6000 per message."""
    size = units(embed.get("title", "")) + units(embed.get("description", ""))
    size += units(embed.get("footer", {}).get("text", ""))
    size += units(embed.get("author", {}).get("name", ""))
    for field in embed.get("fields", []):
        size += units(field["name"]) + units(field["value"])
    return size


def _fit_total(embed: dict[str, Any]) -> None:
    """Shorten the longest texts until the embed fits in Discord's 6000 characters."""
    while (excess := embed_size(embed) - EMBED_TOTAL_LIMIT) > 0:
        slots: list[tuple[int, dict[str, Any], str]] = [
            (units(embed.get("description", "")), embed, "description"),
            (units(embed.get("title", "")), embed, "title"),
        ]
        if "footer" in embed:
            slots.append((units(embed["footer"]["text"]), embed["footer"], "text"))
        for field in embed.get("fields", []):
            slots += [
                (units(field["value"]), field, "value"),
                (units(field["name"]), field, "name"),
            ]
        size, holder, key = max(slots, key=lambda slot: slot[0])
        holder[key] = clip(holder[key], max(size - excess, size // 2, 1))


def render_embed(reply: Reply) -> dict[str, Any]:
    embed: dict[str, Any] = {
        "type": "rich",
        "title": clip(escape_markdown(reply.title) or BLANK, TITLE_LIMIT),
        "color": COLOURS[reply.kind],
    }
    if reply.layout is Layout.LINES:
        description, fields = _line_parts(reply)
    else:
        description = escape_markdown(reply.text) if reply.text else ""
        fields = _item_fields(reply.items, reply.locale)
    if description:
        embed["description"] = clip(description, DESCRIPTION_LIMIT)
    if fields:
        embed["fields"] = fields
    footer = _footer(reply)
    if footer:
        embed["footer"] = {"text": clip(footer, FOOTER_LIMIT)}
    _fit_total(embed)
    return embed


def render_message(reply: Reply, *, share_button: bool = False) -> dict[str, Any]:
    """The body of POST /channels/{id}/messages (and of interaction responses) for `reply`.

    A handler failure is a short plain apology; everything else is one embed. Mentions are
    never parsed, whatever the corpus or the user typed.
    """
    if reply.kind is ReplyKind.ERROR:
        apology = reply.text.strip() or t(reply.locale, "error", command=reply.command)
        return {
            "content": clip(escape_crowd_mentions(apology), CONTENT_LIMIT),
            "embeds": [],
            "components": [],
            "allowed_mentions": {"parse": []},
        }
    return {
        "content": "",
        "embeds": [render_embed(reply)],
        "components": render_components(render_buttons(reply, share_button=share_button)),
        "allowed_mentions": {"parse": []},
    }
