"""Autocomplete: as a user types into an option, the fuzzy matcher offers the best choices."""

from __future__ import annotations

import pytest

from tests.discord.conftest import Bot


@pytest.mark.parametrize(
    ("command", "option", "typed", "best"),
    [
        ("quote", "speaker", "tru", "Donald Trump"),
        ("quote", "speaker", "amod", "Dario Amodei"),
        ("timeline", "actor", "hegs", "Pete Hegseth"),
        ("timeline", "actor", "trunp", "Donald Trump"),  # a typo still finds him
        ("positions", "subject", "surv", "Mass surveillance"),
        ("timeline", "date", "2026-02-2", "2026-02-24"),
        ("help", "command", "qu", "quote"),
    ],
)
async def test_typing_offers_the_best_choice_first(
    bot: Bot, command: str, option: str, typed: str, best: str
) -> None:
    interaction = await bot.fake.type_option(command, option, typed)
    answer = await bot.fake.next_answer(interaction)

    assert answer.type == 8  # APPLICATION_COMMAND_AUTOCOMPLETE_RESULT
    choices = answer.data["choices"]
    assert choices[0] == {"name": best, "value": best}
    assert answer.at < 1.0  # well inside Discord's 3-second window


async def test_choices_stay_within_discords_limits_even_for_an_empty_prefix(bot: Bot) -> None:
    for command, option in [("quote", "speaker"), ("timeline", "date"), ("positions", "subject")]:
        interaction = await bot.fake.type_option(command, option, "")
        answer = await bot.fake.next_answer(interaction)
        choices = answer.data["choices"]
        assert 1 <= len(choices) <= 25
        assert all(1 <= len(c["name"]) <= 100 and 1 <= len(c["value"]) <= 100 for c in choices)
    assert bot.fake.rejected == []


async def test_other_options_already_typed_do_not_disturb_the_focused_one(bot: Bot) -> None:
    interaction = await bot.fake.type_option("quote", "speaker", "hegs", keywords="trahison")
    answer = await bot.fake.next_answer(interaction)
    assert answer.data["choices"][0]["value"] == "Pete Hegseth"


async def test_nothing_matching_offers_no_choice_rather_than_an_error(bot: Bot) -> None:
    interaction = await bot.fake.type_option("quote", "speaker", "zzzzqqqq")
    answer = await bot.fake.next_answer(interaction)
    assert answer.type == 8
    assert answer.data["choices"] == []


async def test_typing_a_french_name_finds_the_issue(bot: Bot) -> None:
    interaction = await bot.fake.type_option("positions", "subject", "armes", locale="fr")
    answer = await bot.fake.next_answer(interaction)
    assert answer.data["choices"][0]["value"] == "Fully autonomous weapons"
