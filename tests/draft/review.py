"""What a reviewer does with a draft, shared by the CLI's and the chat's tests: an article
to draft, the quote it holds, how to accept an entry, and what /quote then serves."""

from __future__ import annotations

import re
from pathlib import Path

from msgspec import structs

from bot.app import build_core
from bot.config import load_settings
from bot.corpus import check_corpus, load_corpus

ARTICLE = "\n\n".join(
    (
        "date 2026-03-02 Anthropic : Pete Hegseth promet de ne pas reculer",
        "Le ministre de la Défense, Pete Hegseth, a défendu lundi sa décision d'inscrire "
        "Anthropic sur la liste des risques d'approvisionnement.",
        '"Nous ne reculerons pas devant une entreprise qui refuse de servir son pays", '
        "a déclaré lundi Pete Hegseth devant la presse.",
        "Une audience est prévue le 16 mars devant un tribunal fédéral, selon une source "
        "judiciaire.\n",
    )
).replace("\n\n", "\n", 1)
QUOTE = "Nous ne reculerons pas devant une entreprise qui refuse de servir son pays"


def quotes_by_hegseth(seeds: Path) -> str:
    settings = structs.replace(load_settings(environ={}), seeds=seeds, snapshot_dir=None)
    reply = build_core(settings).handle_line("/quote hegseth reculerons")
    return "\n".join(item.quote or "" for item in reply.items)


def entry_block(text: str, ident: str) -> str:
    match = re.search(rf"  - id: {re.escape(ident)}\n(?:    .*\n|      .*\n)+", text)
    assert match, ident
    return match[0]


def without_mark(block: str) -> str:
    return re.sub(r"    draft:\n(?:      .*\n)+", "", block)


def accept(path: Path, section: str, ident: str) -> None:
    """What a reviewer does: fill in the TODOs, then delete the `draft:` mark."""
    text = path.read_text(encoding="utf-8")
    block = entry_block(text, ident)
    accepted = (
        without_mark(block)
        .replace('"TODO: English translation"', '"We will not back down"')
        .replace('"TODO: who published it"', '"AFP"')
    )
    path.write_text(text.replace(block, accepted), encoding="utf-8")
    assert section in text


def save_beside(seeds: Path, article: tuple[str, bytes], draft: tuple[str, str]) -> Path:
    """Save the article in `seeds/articles/` and its draft in `seeds/`, as the reply says."""
    (seeds / "articles" / article[0]).write_bytes(article[1])
    path = seeds / draft[0]
    path.write_text(draft[1], encoding="utf-8")
    return path


def served_only_once_accepted(draft: Path) -> None:
    """The saved draft passes corpus check as it is, and /quote does not serve its quote
    until a person accepts the article and the quote."""
    seeds = draft.parent
    assert check_corpus(seeds) == []
    assert load_corpus(seeds).drafts > 0
    assert QUOTE not in quotes_by_hegseth(seeds)
    text = draft.read_text(encoding="utf-8")
    article = re.search(r"^articles:\n  - id: (\S+)$", text, re.MULTILINE)
    assert article, text
    accept(draft, "articles", article[1])
    accept(draft, "quotes", "hegseth-nous-ne-reculerons-pas-devant")
    assert check_corpus(seeds) == []
    assert QUOTE in quotes_by_hegseth(seeds)
