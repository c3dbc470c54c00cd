"""/draft on Slack, end to end through Bolt: an admin shares an article with the bot (a file in
a DM, a mention with a file, a pasted text) and gets the summary and the draft as a file."""

from __future__ import annotations

import asyncio
import itertools
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.config import Secret
from bot.draft import nlp
from bot.platforms.slack.manifest import BOT_SCOPES
from tests.draft.conftest import SEEDS
from tests.draft.review import ARTICLE, QUOTE, save_beside, served_only_once_accepted
from tests.fakes.slack import DEFAULT_TEAM, FakeSlack, fixture
from tests.fakes.slack_files import Upload, file_share_event
from tests.fakes.slack_workspaces import Token
from tests.slack.conftest import RunBot

NAME = "2026-03-02-hegseth-ne-recule-pas.txt"
DRAFT_NAME = "2026-03-02-hegseth-ne-recule-pas.draft.yaml"
ADMIN, READER = "U0EDITOR", "U0REPORTER"
_EVENTS = itertools.count(1)


def texts(message: dict[str, Any]) -> str:
    """What a reader sees in a Block Kit message (word joiners, which only stop formatting,
    left out)."""
    seen = [str(message.get("text") or "")]
    for block in message.get("blocks") or []:
        text = block.get("text")
        if isinstance(text, dict):
            seen.append(str(text.get("text") or ""))
    return "\n".join(seen).replace("\u2060", "")


def manifest_token(fake: FakeSlack, scopes: tuple[str, ...] = BOT_SCOPES) -> Secret:
    """A bot token with exactly the scopes the generated manifest asks for (or `scopes`)."""
    value = f"xoxb-1111-{next(_EVENTS)}-manifestscopes"
    bot_user, granted = fake.workspace().bot_user_id, ",".join(scopes)
    fake.tokens.add(
        Token(value=value, team_id=DEFAULT_TEAM, kind="bot", user_id=bot_user, scopes=granted)
    )
    return Secret(value)


def shared(
    fake: FakeSlack, data: bytes, *, text: str = "draft", user: str = ADMIN, **where: Any
) -> dict[str, Any]:
    """The event of `user` sharing `data` as NAME with the bot (in a DM unless told)."""
    file = fake.files.share(data, name=NAME, team_id=DEFAULT_TEAM, user=user)
    return file_share_event(
        fixture("message_file_share.json"),
        [file],
        text=text,
        user=user,
        event_id=f"Ev0DRAFT{next(_EVENTS):05d}",
        **where,
    )


@pytest.fixture
def seeds_copy(tmp_path: Path) -> Path:
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


async def drafted(fake: FakeSlack) -> Upload:
    await fake.wait_until(lambda: fake.files.uploads, timeout=60)  # the model may load
    return fake.files.uploads[0]


async def test_an_admins_file_in_a_dm_comes_back_as_a_draft_to_review(
    run_http_bot: RunBot, fake: FakeSlack, seeds_copy: Path
) -> None:
    event = shared(fake, ARTICLE.encode())
    async with run_http_bot(slack_bot_token=manifest_token(fake)) as slack:
        answer = await slack.event(event)
        upload = await drafted(fake)
    assert answer.status == 200 and answer.seconds < 3  # acknowledged before drafting
    working = fake.calls_to("chat.postMessage")[0].params
    assert (working["channel"], working["thread_ts"]) == ("D0REPORTERDM", event["event"]["ts"])
    assert f"Drafting {NAME}…" in texts(working)
    summary = fake.calls_to("chat.update")[0].params
    assert summary["ts"] == fake.posts[0].ts  # the "drafting…" message, now the summary
    assert "1 quote, 0 new actors, 3 events." in texts(summary)
    assert f"articles/{NAME}" in texts(summary)
    assert fake.files.downloads == [(event["event"]["files"][0]["id"], "served")]
    assert (upload.channel, upload.thread_ts) == ("D0REPORTERDM", event["event"]["ts"])
    assert upload.filename == upload.title == DRAFT_NAME
    assert f'text: "{QUOTE}"' in upload.text and "speaker: hegseth" in upload.text
    draft = save_beside(seeds_copy, (NAME, ARTICLE.encode()), (DRAFT_NAME, upload.text))
    served_only_once_accepted(draft)


async def test_a_mention_with_a_file_in_a_channel_is_answered_in_its_thread(
    run_http_bot: RunBot, fake: FakeSlack
) -> None:
    mention = fixture("app_mention.json")
    file = fake.files.share(ARTICLE.encode(), name=NAME, team_id=DEFAULT_TEAM, user=ADMIN)
    mention["event"].update(text="<@U0DISPUTEBOT> draft", user=ADMIN, files=[file])
    async with run_http_bot() as slack:
        await slack.event(mention)
        upload = await drafted(fake)
    assert (upload.channel, upload.thread_ts) == ("C0DESK42", "1772197405.000200")
    assert upload.filename == DRAFT_NAME


async def test_a_pasted_article_comes_back_with_the_text_it_read(
    run_http_bot: RunBot, fake: FakeSlack, seeds_copy: Path
) -> None:
    # Slack escapes &, < and > in message text and wraps a pasted link in <url|label>.
    article = ARTICLE + "Lire aussi : https://example.org/a?b=1&c=2 et <la réponse>.\n"
    typed = article.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    typed = typed.replace(
        "https://example.org/a?b=1&amp;c=2",
        "<https://example.org/a?b=1&amp;c=2|https://example.org/a?b=1&amp;c=2>",
    )
    dm = fixture("message_im.json")
    dm["event"].update(text=f"draft\n{typed}", user=ADMIN)
    async with run_http_bot() as slack:
        await slack.event(dm)
        await fake.wait_until(lambda: len(fake.files.uploads) == 2, timeout=60)
    draft, text = fake.files.uploads
    assert text.text == article.strip()  # exactly what was pasted, Slack's markup undone
    assert draft.filename == text.filename.replace(".txt", ".draft.yaml")
    assert text.filename.startswith("2026-03-02-anthropic-pete-hegseth")
    saved = save_beside(seeds_copy, (text.filename, text.data or b""), (draft.filename, draft.text))
    served_only_once_accepted(saved)


async def test_someone_who_is_not_an_operator_is_refused_and_nothing_is_fetched(
    run_http_bot: RunBot, fake: FakeSlack
) -> None:
    async with run_http_bot(slack_admins=(ADMIN,)) as slack:
        await slack.event(shared(fake, ARTICLE.encode(), user=READER))
        refusal = await fake.api_call("chat.postMessage")
    # named as typed in Slack: there is no /draft of its own
    assert "Only the operators of this bot can use /dispute draft." in texts(refusal.params)
    assert fake.files.downloads == [] and fake.files.uploads == []
    assert fake.calls_to("chat.update") == []  # no "drafting…" was said


BAD_FILES = [
    (b"\x00\x01\x02PK\x03\x04", f"{NAME} is a binary file, not an article's text."),
    ("date 2026-03-02 Été\ncafé".encode("latin-1"), f"{NAME} is not UTF-8 text (byte 16)"),
    (b"Pete Hegseth promet de ne pas reculer\n", f"{NAME}: the first line must be"),
    (b"date 2026-02-30 Titre\nTexte.\n", f"{NAME}: 2026-02-30 is not a real date."),
    (b"   \n", f"{NAME} is empty: there is no article to draft."),
]


@pytest.mark.parametrize(("data", "said"), BAD_FILES)
async def test_a_bad_file_gets_one_line(
    run_http_bot: RunBot, fake: FakeSlack, data: bytes, said: str
) -> None:
    async with run_http_bot() as slack:
        await slack.event(shared(fake, data))
        answer = await fake.api_call("chat.update")
    shown = texts(answer.params)
    assert said in shown
    assert "Sorry" not in shown and "Traceback" not in shown
    assert fake.files.uploads == []


async def test_a_file_over_the_limit_is_not_fetched(run_http_bot: RunBot, fake: FakeSlack) -> None:
    big = (ARTICLE + "x" * 300_000).encode()
    async with run_http_bot() as slack:
        await slack.event(shared(fake, big))
        answer = await fake.api_call("chat.update")
    assert f"{NAME} is 301 KB: an article for /draft can be 200 KB at most." in texts(answer.params)
    assert fake.files.downloads == []


async def test_an_event_without_the_files_details_asks_files_info(
    run_http_bot: RunBot, fake: FakeSlack
) -> None:
    event = shared(fake, ARTICLE.encode())
    file = event["event"]["files"][0]
    event["event"]["files"] = [{"id": file["id"], "file_access": "check_file_info"}]
    async with run_http_bot() as slack:
        await slack.event(event)
        upload = await drafted(fake)
    assert fake.calls_to("files.info")[0].params["file"] == file["id"]
    assert upload.filename == DRAFT_NAME


def said(fake: FakeSlack) -> str:
    """Everything the bot posted or updated, as readers see it."""
    calls = fake.calls_to("chat.postMessage") + fake.calls_to("chat.update")
    return "\n".join(texts(call.params) for call in calls)


@pytest.mark.parametrize(
    ("missing", "told"),
    [
        ("files:read", f"Slack would not hand {NAME} over to the bot: its app needs the"),
        ("files:write", "Slack refused the file (missing_scope): the app needs the files:write"),
    ],
)
async def test_a_scope_the_app_lacks_is_named_to_the_admin(
    run_http_bot: RunBot, fake: FakeSlack, missing: str, told: str
) -> None:
    token = manifest_token(fake, tuple(s for s in BOT_SCOPES if s != missing))
    async with run_http_bot(slack_bot_token=token) as slack:
        await slack.event(shared(fake, ARTICLE.encode()))
        await fake.wait_until(lambda: told in said(fake), timeout=60)
    assert fake.files.uploads == []


async def test_the_slash_command_says_how_to_hand_an_article_over(
    run_http_bot: RunBot, fake: FakeSlack
) -> None:
    async with run_http_bot() as slack:
        await slack.command("/dispute", "draft date 2026-03-02 Titre")
        reply = await fake.hook_post()
    assert "Send me the article in a direct message" in texts(reply)
    assert fake.files.uploads == []


async def test_drafting_works_on_rules_alone_without_spacy(
    run_http_bot: RunBot, fake: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "spacy", None)  # as in the bot's image: no `draft` extra
    monkeypatch.setattr(nlp, "_LOADED", {})
    async with run_http_bot() as slack:
        await slack.event(shared(fake, ARTICLE.encode()))
        upload = await drafted(fake)
    assert "Read with: rules only: spaCy is not installed" in upload.text
    assert f'text: "{QUOTE}"' in upload.text and "speaker: hegseth" in upload.text


async def test_a_file_shared_without_a_word_is_drafted_too(
    run_http_bot: RunBot, fake: FakeSlack
) -> None:
    async with run_http_bot() as slack:
        await slack.event(shared(fake, ARTICLE.encode(), text=""))
        upload = await drafted(fake)
    assert upload.filename == DRAFT_NAME


async def test_the_bots_own_file_in_the_dm_is_not_drafted(
    run_http_bot: RunBot, fake: FakeSlack
) -> None:
    # The draft the bot uploads comes back as a file_share message by the bot user: Bolt
    # drops events of its own user, so the bot never drafts its own file.
    own = shared(fake, b"# Drafted by `dispute-bot draft`\n", text="", user="U0DISPUTEBOT")
    async with run_http_bot() as slack:
        await slack.event(own)
        await slack.event(shared(fake, ARTICLE.encode()))
        await drafted(fake)
        await asyncio.sleep(0.2)
    assert len(fake.calls_to("chat.postMessage")) == 1  # the person's article only
    assert len(fake.files.downloads) == 1
