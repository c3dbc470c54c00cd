"""The console platform and the CLI, run as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest


def run(*args: str, stdin: str | None = None, locale: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
    if locale:
        env["DISPUTE_BOT_LOCALE"] = locale
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )


def test_ask_prints_one_reply_as_text() -> None:
    result = run("ask", "/quote trunp")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Quotes by Donald Trump\n")
    assert "« J'ordonne à TOUTES les agences fédérales" in result.stdout
    assert "Source: AFP, 2026-02-28" in result.stdout


def test_ask_exits_0_when_nothing_matched() -> None:
    result = run("ask", "/quote zzzzqqq")
    assert result.returncode == 0
    said = " ".join(result.stdout.split())
    assert "No quote matches “zzzzqqq”: neither these words nor anyone by that name" in said


def test_ask_json_prints_the_structured_reply() -> None:
    result = run("ask", "/timeline hegseth", "--format", "json")
    assert result.returncode == 0, result.stderr
    reply = json.loads(result.stdout)
    assert reply["kind"] == "ok"
    assert reply["title"] == "Timeline: Pete Hegseth"
    assert reply["items"][0]["title"] == "24 February 2026 (inferred from “mardi”)"
    assert reply["items"][0]["refs"] == ["event:hegseth-amodei-meeting"]
    assert reply["page"] == {
        "number": 1,
        "count": 1,
        "previous": None,
        "next": None,
        "line": "/timeline hegseth",
    }
    assert {s["article_id"] for s in reply["sources"]} == {"afp-2026-02-25", "afp-2026-02-28"}


def test_console_answers_each_line_until_quit() -> None:
    result = run("console", stdin="/quote dario\n\n/positions amodei\n/quit\n/help\n")
    assert result.returncode == 0, result.stderr
    assert "Quotes by Dario Amodei" in result.stdout
    assert "Where Dario Amodei stands" in result.stdout
    assert "dispute-bot commands" not in result.stdout  # after /quit


def test_run_without_credentials_starts_the_console() -> None:
    result = run("run", stdin="/quote trump\n")
    assert result.returncode == 0, result.stderr
    assert "dispute-bot console" in result.stdout
    assert "Quotes by Donald Trump" in result.stdout


def test_the_console_greets_in_the_deployments_language() -> None:
    result = run("console", stdin="/quote trump\n", locale="fr")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Console dispute-bot. Tapez /help pour les commandes")
    assert "Citations de Donald Trump" in result.stdout


def test_a_console_answer_does_not_import_platform_libraries() -> None:
    code = (
        "import sys; from bot.cli import main; main(['ask', '/quote trump']);"
        "print(sorted(m for m in ('slack_bolt', 'slack_sdk', 'discord', 'aiohttp', 'sqlalchemy',"
        " 'apscheduler') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize(
    "line", ["", "/", "quote", "/QUOTE TRUMP", '/quote "unbalanced', "/quote @everyone"]
)
def test_odd_lines_get_an_answer(line: str) -> None:
    result = run("ask", line)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout.strip()


def test_the_console_continues_the_last_answer() -> None:
    result = run("console", stdin="/quote\nnext\nsuivant\npage 4\nnext\n/quote trump\nnext\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for number in (1, 2, 3, 4):
        assert f"Page {number} of 4" in out
    assert out.count("That was the last page (4 of 4).") == 1
    assert "That was the last page (1 of 1)." in out  # /quote trump has one page


def test_help_lists_every_subcommand_and_each_one_parses() -> None:
    """Only the subcommand named is declared (a cold `ask` pays for each): help and a
    misspelt one still see them all, and options before the name are skipped over."""
    listed = run("--help")
    assert listed.returncode == 0
    for name in ("ask", "console", "run", "serve", "health", "corpus", "draft", "config", "slack"):
        assert name in listed.stdout
    misspelt = run("aks", "/quote trump")
    assert misspelt.returncode == 2
    assert "invalid choice: 'aks'" in misspelt.stderr and "'slack'" in misspelt.stderr
    seeds = run("--seeds", "seeds", "ask", "/quote trump")
    assert seeds.returncode == 0, seeds.stderr
    assert seeds.stdout.startswith("Quotes by Donald Trump\n")
    usage = run("config", "defaults", "--format", "nope")
    assert usage.returncode == 2 and "invalid choice: 'nope'" in usage.stderr
