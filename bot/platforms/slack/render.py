"""Block Kit for a Reply: header, a section per item, source context, paging and share buttons.

Every message stays inside Slack's limits, whatever the corpus holds: long text is clipped,
extra items are counted instead of shown, and all text goes through `escape`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bot.i18n import t
from bot.platforms.slack.mrkdwn import clip, escape
from bot.reply import Field, Item, Layout, Reply, ReplyKind, Source, note_marks, source_notes

MAX_BLOCKS = 50
MAX_SECTION_TEXT = 3000
MAX_HEADER_TEXT = 150
MAX_FIELDS = 10
MAX_FIELD_TEXT = 2000
MAX_CONTEXT_TEXT = 3000
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
MAX_FALLBACK_TEXT = 3000
MAX_SUGGESTIONS = 3

# Button action ids; the app routes on them.
PAGE_PREVIOUS = "dispute_page_previous"
PAGE_NEXT = "dispute_page_next"
SUGGEST_PREFIX = "dispute_suggest_"
SHARE = "dispute_share"

Block = dict[str, Any]


def render_message(reply: Reply, *, share_button: bool = False) -> dict[str, Any]:
    """The Slack message body {"text", "blocks"} for `reply`."""
    return build_message(reply, share_line=current_line(reply) if share_button else None)


def build_message(reply: Reply, *, share_line: str | None) -> dict[str, Any]:
    """As `render_message`, with a Share button that re-runs `share_line` publicly, if given."""
    head: list[Block] = [header_block(reply.title)]
    if reply.text:
        lead = escape(reply.text)
        if reply.kind is ReplyKind.ERROR:
            lead = f":warning: {lead}"
        head.append(section_block(lead))
    tail = _tail(reply, share_line)
    budget = MAX_BLOCKS - len(head) - len(tail) - 1  # one left for the "+N" note
    body = _line_blocks(reply, budget) if reply.layout is Layout.LINES else []
    for shown, item in enumerate(reply.items if reply.layout is Layout.CARDS else ()):
        blocks = _item_blocks(item, reply.locale)
        if len(body) + len(blocks) > budget:
            body.append(context_block(f"+{len(reply.items) - shown} …"))
            break
        body.extend(blocks)
    return {"text": fallback_text(reply), "blocks": head + body + tail}


def _line_blocks(reply: Reply, budget: int) -> list[Block]:
    """A reply of lines: its lines packed into as few sections as Slack's 3,000 characters
    allow, then its numbered notes."""
    sections: list[list[str]] = [[]]
    for item in reply.items:
        line = " ".join(
            p for p in (f"*{escape(item.title)}* —", escape(item.body), note_marks(item)) if p
        )
        line = clip(line, MAX_SECTION_TEXT)
        if sum(len(x) + 1 for x in sections[-1]) + len(line) > MAX_SECTION_TEXT:
            sections.append([])
        sections[-1].append(line)
    blocks = [section_block("\n".join(lines)) for lines in sections if lines]
    room = budget - 1  # the notes
    if len(blocks) > room:
        hidden = sum(len(lines) for lines in sections[room - 1 :])
        blocks = [*blocks[: room - 1], context_block(f"+{hidden} …")]
    if reply.sources:
        blocks.append(context_block("\n".join(escape(note) for note in source_notes(reply))))
    return blocks


def current_line(reply: Reply) -> str:
    """The command line that shows this reply again, as far as the reply itself tells."""
    page = reply.page
    if page and page.next and page.next.endswith(f" page {page.number + 1}"):
        return page.next.removesuffix(f" {page.number + 1}") + f" {page.number}"
    if page and page.previous and page.previous.endswith(f" page {page.number - 1}"):
        return page.previous.removesuffix(f" {page.number - 1}") + f" {page.number}"
    return f"/{reply.command}"


def fallback_text(reply: Reply) -> str:
    """The plain `text` Slack shows in notifications and reads to screen readers."""
    lines = [reply.title]
    if reply.text:
        lines.append(reply.text)
    if reply.layout is Layout.LINES:
        lines += [f"• {item.title} — {item.body}" for item in reply.items]
    else:
        lines += [f"• {item.title}" for item in reply.items]
    return clip(escape("\n".join(lines)), MAX_FALLBACK_TEXT)


def _plain(text: str, limit: int) -> dict[str, Any]:
    return {"type": "plain_text", "text": clip(escape(text), limit) or "…", "emoji": True}


def _mrkdwn(text: str, limit: int) -> dict[str, Any]:
    """Our own marks format; `verbatim` stops Slack turning typed URLs and names into links."""
    return {"type": "mrkdwn", "text": clip(text, limit) or " ", "verbatim": True}


def header_block(title: str) -> Block:
    return {"type": "header", "text": _plain(title or "dispute-bot", MAX_HEADER_TEXT)}


def section_block(text: str, fields: list[dict[str, Any]] | None = None) -> Block:
    block: Block = {"type": "section", "text": _mrkdwn(text, MAX_SECTION_TEXT)}
    if fields:
        block["fields"] = fields
    return block


def context_block(text: str) -> Block:
    return {"type": "context", "elements": [_mrkdwn(text, MAX_CONTEXT_TEXT)]}


def _field_text(field: Field) -> str:
    return f"*{escape(field.name)}*\n{escape(field.value)}"


def _item_blocks(item: Item, locale: str) -> list[Block]:
    """A section (title, text, quote, translation, fields), then its sources as context."""
    source_name = t(locale, "field.source")
    lines = [f"*{escape(item.title)}*"]
    if item.body:
        lines.append(escape(item.body))
    if item.quote:
        lines += [f">{escape(line)}" for line in f"« {item.quote} »".splitlines()]
    if item.translation:
        label = t(locale, "label", name=t(locale, "field.translation"), value=item.translation)
        lines.append(f"_{escape(label)}_")
    lines += [escape(note) for note in item.notes]
    inline = [f for f in item.fields if f.inline and f.value]
    blocks = [f for f in item.fields if not f.inline and f.value and f.name != source_name]
    lines += [_field_text(f) for f in inline[MAX_FIELDS:] + blocks]
    fields = [_mrkdwn(_field_text(f), MAX_FIELD_TEXT) for f in inline[:MAX_FIELDS]]
    out = [section_block("\n".join(lines), fields)]
    cited = [s for s in item.sources if s.title != item.title]
    if cited:
        out.append(context_block(_sources_text(cited)))
    return out


def _sources_text(sources: Iterable[Source]) -> str:
    return "\n".join(f":newspaper: {escape(s.label)}" for s in sources)


def _tail(reply: Reply, share_line: str | None) -> list[Block]:
    """What follows the items: uncited sources, footer, page number, and the buttons."""
    blocks: list[Block] = []
    shown = {s.article_id for item in reply.items for s in item.sources}
    if reply.layout is Layout.LINES:  # its notes cite every source
        shown = {s.article_id for s in reply.sources}
    uncited = [s for s in reply.sources if s.article_id not in shown]
    if uncited:
        blocks.append(context_block(_sources_text(uncited)))
    if reply.footer:
        blocks.append(context_block(escape(reply.footer)))
    page = reply.page
    if page and page.count > 1:
        blocks.append(
            context_block(escape(t(reply.locale, "page", number=page.number, count=page.count)))
        )
    buttons = _buttons(reply, share_line)
    if buttons:
        blocks.append({"type": "actions", "block_id": "dispute_actions", "elements": buttons})
    return blocks


def _button(action_id: str, label: str, value: str, *, primary: bool = False) -> dict[str, Any]:
    button: dict[str, Any] = {
        "type": "button",
        "action_id": action_id,
        "text": _plain(label, MAX_BUTTON_TEXT),
        "value": value,
    }
    if primary:
        button["style"] = "primary"
    return button


def _fits(line: str | None) -> bool:
    return bool(line) and len(line or "") <= MAX_BUTTON_VALUE


def _buttons(reply: Reply, share_line: str | None) -> list[dict[str, Any]]:
    buttons = []
    page = reply.page
    if page and page.previous and _fits(page.previous):
        buttons.append(_button(PAGE_PREVIOUS, f"◀ {t(reply.locale, 'previous')}", page.previous))
    if page and page.next and _fits(page.next):
        buttons.append(_button(PAGE_NEXT, f"{t(reply.locale, 'next')} ▶", page.next))
    if reply.kind in (ReplyKind.EMPTY, ReplyKind.USAGE):  # "did you mean", one click away
        suggestions = [s for s in reply.suggestions if _fits(s)][:MAX_SUGGESTIONS]
        buttons += [
            _button(f"{SUGGEST_PREFIX}{n}", suggestion, suggestion)
            for n, suggestion in enumerate(suggestions)
        ]
    if share_line and _fits(share_line) and reply.kind is ReplyKind.OK:
        buttons.append(_button(SHARE, t(reply.locale, "share"), share_line, primary=True))
    return buttons
