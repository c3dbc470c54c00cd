"""Plain-text and JSON renderings of a Reply, for the terminal and `dispute-bot ask`."""

from __future__ import annotations

import textwrap

from bot.i18n import t
from bot.reply import Layout, Reply, note_marks, plain, source_notes

WIDTH = 88


def _wrap(text: str, indent: str = "", *, hanging: str | None = None) -> list[str]:
    lines: list[str] = []
    after = indent if hanging is None else hanging
    for paragraph in text.splitlines() or [""]:
        lines.extend(
            textwrap.wrap(
                paragraph,
                WIDTH,
                initial_indent=indent,
                subsequent_indent=after,
                break_on_hyphens=False,  # "porte-parole" stays whole
            )
            or [indent]
        )
    return lines


def _lines(reply: Reply) -> list[str]:
    """A reply of lines: each item on its line (wrapped under itself), then the notes."""
    out = [""]
    for item in reply.items:
        text = " ".join(p for p in (f"{item.title} —", item.body, note_marks(item)) if p)
        out += _wrap(text, hanging="    ")
    if reply.sources:
        out.append("")
        for note in source_notes(reply):
            out += _wrap(note, hanging="    ")
    return out


def render_text(reply: Reply) -> str:
    """A reply as a person reads it in a terminal."""
    out = [reply.title, "=" * min(len(reply.title), WIDTH)]
    if reply.text:
        out += _wrap(reply.text)
    if reply.layout is Layout.LINES:
        out += _lines(reply)
    for number, item in enumerate(reply.items if reply.layout is Layout.CARDS else (), 1):
        out.append("")
        out.append(f"{number}. {item.title}")
        if item.body:
            out += _wrap(item.body, "   ")
        if item.quote:
            out += _wrap(f"« {item.quote} »", "   ")
        if item.translation:
            label = t(reply.locale, "field.translation")
            out += _wrap(f"({t(reply.locale, 'label', name=label, value=item.translation)})", "   ")
        for note in item.notes:
            out += _wrap(note, "   ")
        for field in item.fields:
            value = field.value.replace("\n", "; ")
            out += _wrap(t(reply.locale, "label", name=field.name, value=value), "   ")
    if reply.page and reply.page.count > 1:
        out.append("")
        hint = t(reply.locale, "page", number=reply.page.number, count=reply.page.count)
        if reply.page.next:
            hint += f" ({t(reply.locale, 'next')}: {reply.page.next})"
        out.append(hint)
    for attachment in reply.attachments:  # a draft: printed whole, to copy or redirect
        out += ["", f"--- {attachment.name} ---", _text(attachment.data).rstrip("\n")]
    return "\n".join(out).rstrip() + "\n"


def _text(data: bytes) -> str:
    return data.decode("utf-8", "replace")


def render_json(reply: Reply) -> str:
    """The structured reply, for scripts and tests."""
    import json  # here: only `ask --format json` and stdin need it

    return json.dumps(plain(reply), ensure_ascii=False, indent=2) + "\n"
