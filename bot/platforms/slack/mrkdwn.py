"""Slack text safety: escape what Slack parses, so corpus or user text never pings or links.

Slack reads `&`, `<` and `>` as control characters: `<!channel>`, `<!here>`, `<@U123>` and
`<!subteam^S1>` ping people, `<https://x|y>` links. Escaped, they show as typed and do nothing.
In mrkdwn, `*bold*`, `_italic_`, `~strike~` and `` `code` `` format: a word joiner on each
side of those marks keeps them from pairing, so they show as typed too. Bare URLs are left to
the renderer, whose text objects say `verbatim` (no auto-linking).
"""

from __future__ import annotations

import re

# "@channel" typed as plain text pings only when a message sets link_names; we never do, but a
# word joiner after the "@" keeps it inert even then, and reads the same.
_CROWD_WORDS = re.compile(r"@(?=(?:channel|here|everyone)\b)", re.IGNORECASE)
_WORD_JOINER = "\u2060"
_FORMAT_MARKS = re.compile(r"[*_~`]")
_ELLIPSIS = "…"


def escape(text: str) -> str:
    """Text as Slack shows it verbatim: control characters escaped, crowd words defused."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    escaped = _FORMAT_MARKS.sub(lambda mark: f"{_WORD_JOINER}{mark[0]}{_WORD_JOINER}", escaped)
    return _CROWD_WORDS.sub("@" + _WORD_JOINER, escaped)


def unescape(text: str) -> str:
    """What the user typed: Slack sends `&`, `<`, `>` escaped in command and message text."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def slack_length(text: str) -> int:
    """Length as Slack counts it (UTF-16 code units), so an emoji never tips a limit over."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def clip(text: str, limit: int) -> str:
    """`text` cut to `limit` (Slack's count) with an ellipsis, never inside an `&amp;` entity."""
    if slack_length(text) <= limit:
        return text
    cut = text[: limit - 1]
    while cut and slack_length(cut) > limit - 1:
        cut = cut[:-1]
    amp = cut.rfind("&", max(0, len(cut) - 5))
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut.rstrip() + _ELLIPSIS
