"""/draft through the core, as every platform reaches it: who may, what it reads (a file handed
over or a text pasted after the command), its one-line refusals, and how the console and the
stdin pipe show the draft it sends back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from msgspec import structs

from bot.app import build_core
from bot.config import load_settings
from bot.core import MAX_ATTACHMENT_BYTES, Core, Request
from bot.platforms.console import render_json, render_text
from bot.platforms.stdin import reply_line
from bot.reply import Attachment, ReplyKind
from tests.draft.review import ARTICLE, QUOTE

NAME = "2026-03-02-hegseth-ne-recule-pas.txt"


def handed(data: bytes, locale: str | None = None) -> Request:
    """An operator hands the bot `data` as NAME (on Slack, say)."""
    attachment = Attachment(name=NAME, media_type="text/plain", data=data)
    return Request(
        command="draft", platform="slack", is_operator=True, attachment=attachment, locale=locale
    )


def test_an_admins_file_gets_the_summary_and_the_draft(core: Core) -> None:
    reply = core.handle(handed(ARTICLE.encode()))
    assert reply.kind is ReplyKind.OK
    assert reply.title == "Draft: Anthropic : Pete Hegseth promet de ne pas reculer"
    assert reply.text.startswith("1 quote, 0 new actors, 3 events.\n")
    assert f"articles/{NAME}" in reply.text
    [draft] = reply.attachments
    assert (draft.name, draft.media_type) == (NAME.replace(".txt", ".draft.yaml"), "text/yaml")
    assert f'text: "{QUOTE}"' in draft.data.decode()


def test_the_summary_speaks_the_users_language(core: Core) -> None:
    reply = core.handle(handed(ARTICLE.encode(), locale="fr"))  # follow_user_locale is on
    assert reply.title == "Brouillon : Anthropic : Pete Hegseth promet de ne pas reculer"
    assert reply.text.startswith("1 citation, 0 nouvel acteur, 3 événements.\n")
    assert "Rien n'en est servi tant qu'une personne n'a pas vérifié" in reply.text


def test_someone_who_is_not_an_operator_is_refused_even_a_channel_admin(core: Core) -> None:
    article = Attachment(name=NAME, media_type="text/plain", data=ARTICLE.encode())
    for admin in (False, True):
        request = Request(
            command="draft",
            platform="slack",
            attachment=article,
            can_manage=admin,
            can_configure=admin,
        )
        reply = core.handle(request)
        assert reply.kind is ReplyKind.USAGE
        assert reply.text == "Only the operators of this bot can use /dispute draft."  # Slack
        assert reply.attachments == ()


def test_a_pasted_text_is_read_with_its_line_breaks_and_sent_back_to_save(core: Core) -> None:
    reply = core.handle_line(f"/draft\n{ARTICLE}", platform="stdin", is_operator=True)
    assert reply.kind is ReplyKind.OK
    draft, article = reply.attachments
    assert article.name == "2026-03-02-anthropic-pete-hegseth-promet-de-ne-pas-reculer.txt"
    assert article.data.decode() == ARTICLE.strip()
    assert draft.name == article.name.replace(".txt", ".draft.yaml")
    assert f'file: "articles/{article.name}"' in draft.data.decode()


def test_a_command_line_ends_at_a_line_break_too() -> None:
    request = Request.parse("draft\ndate 2026-03-02 Titre\nTexte")
    assert (request.command, request.args) == ("draft", "date 2026-03-02 Titre\nTexte")
    assert Request.parse("/quote  trump woke").args == "trump woke"


@pytest.mark.parametrize(
    ("platform", "hint"),
    [
        ("slack", "Send me the article in a direct message"),
        ("discord", "Attach the article to /draft"),
        ("stdin", "Give the article to `dispute-bot draft ARTICLE` in a shell"),
    ],
)
def test_nothing_handed_over_says_how_on_that_platform(
    core: Core, platform: str, hint: str
) -> None:
    reply = core.handle(Request(command="draft", platform=platform, is_operator=True))
    assert reply.kind is ReplyKind.USAGE and reply.text.startswith(hint)


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (b"", f"{NAME} is empty: there is no article to draft."),
        (b"\x89PNG\r\n\x1a\n\x00\x00", f"{NAME} is a binary file, not an article's text."),
        (b"\xabCaf\xe9\xbb (Windows-1252)\n", f"{NAME} is not UTF-8 text (byte 0)"),
        (b"Hegseth ne recule pas\n", f"{NAME}: the first line must be"),
        (b"date 2026-13-01 Titre\nTexte", f"{NAME}: 2026-13-01 is not a real date."),
        (b"date 2026-03-02 Titre\n\n  \n", f"{NAME} has its date line but no text after it."),
        (b"x" * (MAX_ATTACHMENT_BYTES + 1), f"{NAME} is 201 KB: an article for /draft can be"),
    ],
)
def test_bad_input_gets_one_line(core: Core, data: bytes, said: str) -> None:
    reply = core.handle(handed(data))
    assert reply.kind is ReplyKind.USAGE
    assert reply.text.startswith(said) and "\n" not in reply.text
    assert reply.attachments == ()


def test_a_file_too_big_to_fetch_is_refused_by_its_declared_size(core: Core) -> None:
    unfetched = Attachment(name=NAME, media_type="text/plain", data=b"", declared_size=3_000_000)
    request = Request(command="draft", platform="discord", is_operator=True, attachment=unfetched)
    said = f"{NAME} is 3000 KB: an article for /draft can be 200 KB at most."
    assert core.handle(request).text == said


def test_the_console_prints_the_draft_and_the_pipe_carries_it(core: Core) -> None:
    reply = core.handle(handed(ARTICLE.encode()))
    shown = render_text(reply)
    assert f"--- {NAME.replace('.txt', '.draft.yaml')} ---" in shown
    assert f'text: "{QUOTE}"' in shown
    for line in (reply_line(reply), render_json(reply)):
        [draft] = json.loads(line)["attachments"]
        assert f'text: "{QUOTE}"' in draft["data"]


def test_nothing_is_written_to_the_seeds_folder(seeds_copy: Path) -> None:
    settings = structs.replace(load_settings(environ={}), seeds=seeds_copy, snapshot_dir=None)
    core = build_core(settings)

    def files() -> dict[str, tuple[int, int]]:
        return {
            str(p.relative_to(seeds_copy)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(seeds_copy.rglob("*"))
        }

    before = files()
    assert core.handle(handed(ARTICLE.encode())).attachments
    assert core.handle_line(f"/draft\n{ARTICLE}", platform="stdin", is_operator=True).attachments
    assert files() == before
