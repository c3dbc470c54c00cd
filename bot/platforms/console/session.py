"""One person at the console: lines answered in turn; `next` or `page 2` continues the last."""

from __future__ import annotations

import re

from bot.core import Args, Core
from bot.i18n import t
from bot.matching.folding import fold
from bot.reply import Reply, ReplyKind

# Words that move through the pages of the last answer, in both languages.
_STEPS = {
    "next": 1,
    "n": 1,
    "more": 1,
    "suivant": 1,
    "suivante": 1,
    "suite": 1,
    "previous": -1,
    "prev": -1,
    "back": -1,
    "precedent": -1,
    "precedente": -1,
}
_PAGE = re.compile(r"^(?:(?:page|p) ?\d+|page [a-z]+)$")


class Session:
    """Answers console lines in turn, remembering the last answer so its pages can be asked
    for by a word alone, as a Slack or Discord user presses Next."""

    def __init__(self, core: Core, *, platform: str = "console", dossier: str = "") -> None:
        self.core = core
        self.platform = platform
        self.dossier = dossier  # the dossier every line is answered from ("": the default)
        self.last: Reply | None = None

    def answer(self, line: str) -> Reply:
        folded = fold(line)
        step = _STEPS.get(folded)
        page = _PAGE.match(folded) if not line.lstrip().startswith("/") else None
        if step is not None or page is not None:
            return self._continue(step, Args.parse(folded).page if page else None)
        self.last = self.core.handle_line(line, platform=self.platform, dossier=self.dossier)
        return self.last

    def _continue(self, step: int | None, number: int | None) -> Reply:
        last = self.last
        locale = last.locale if last else self.core.settings.locale
        if last is None:
            return self._usage(locale, t(locale, "console.nothing_to_continue"), "")
        page = last.page
        current, count = (page.number, page.count) if page else (1, 1)
        wanted = number if number is not None else current + (step or 0)
        if wanted > count and number is None:
            text = t(locale, "console.last_page", number=current, count=count)
            return self._usage(locale, text, last.title)
        if wanted < 1:
            return self._usage(locale, t(locale, "console.first_page"), last.title)
        # the page's own command line, as a platform's Previous/Next button runs it
        line = page.at(wanted) if page else None
        if line is None:  # an answer of one page without lines (nothing found): itself
            return last
        self.last = self.core.handle_line(line, platform=self.platform, dossier=self.dossier)
        return self.last

    def _usage(self, locale: str, text: str, title: str) -> Reply:
        return Reply(
            command=self.last.command if self.last else "",
            kind=ReplyKind.USAGE,
            title=title or "dispute-bot",
            text=text,
            locale=locale,
        )
