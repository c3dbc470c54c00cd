"""The one catalogue of sentences: every sentence the code asks for exists in English and
French, translated (not fuzzy, not empty) with the same `{names}`, none is left unused, and
the compiled files the bot reads say what their sources say.

Each test reports every problem it finds at once, file and line first, like `corpus check`.
"""

from __future__ import annotations

import io
import string
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from bot.config import LOCALES, PROJECT_ROOT
from bot.corpus.loader import STANCES
from bot.i18n import DOMAIN, LANGUAGE_WORDS, LOCALE_DIR, languages, t
from bot.i18n.extract import KeyUse, keys_in, keys_under
from bot.platform_names import PLATFORMS
from handlers.help import USAGE_WORDS

LANGUAGES = list(languages())
CODE = (PROJECT_ROOT / "bot", PROJECT_ROOT / "handlers")


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalogue(language: str) -> Catalog:
    with po_path(language).open("rb") as po:
        return read_po(po)


def entries(catalog: Catalog) -> dict[str, Message]:
    """key -> message, without the header."""
    return {m.id[0] if isinstance(m.id, list | tuple) else m.id: m for m in catalog if m.id}


def forms(message: Message) -> list[str]:
    return list(message.string) if isinstance(message.string, list | tuple) else [message.string]


def names(text: str) -> set[str]:
    """The `{names}` a sentence fills in."""
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


@pytest.fixture(scope="module")
def catalogues() -> dict[str, dict[str, Message]]:
    return {language: entries(read_catalogue(language)) for language in LANGUAGES}


@pytest.fixture(scope="module")
def uses() -> list[KeyUse]:
    return keys_under(*CODE)


def test_the_catalogue_has_the_languages_the_settings_accept() -> None:
    folders = sorted(p.name for p in LOCALE_DIR.iterdir() if p.is_dir())
    assert sorted(LOCALES) == folders == sorted(LANGUAGES)
    assert set(LANGUAGE_WORDS.values()) == set(LOCALES)  # each named, none more


def test_every_sentence_is_in_every_language(catalogues: dict[str, dict[str, Message]]) -> None:
    problems = []
    english = catalogues["en"]
    for language in LANGUAGES:
        catalog = read_catalogue(language)
        if catalog.fuzzy:
            problems.append(f"{language}: the header is fuzzy (pybabel compile would skip it)")
        problems += [f"{language}: {key} is obsolete (#~): delete it" for key in catalog.obsolete]
        found = catalogues[language]
        for key in sorted(english.keys() - found.keys()):
            problems.append(f"{language}: {key} is missing (English has it)")
        for key in sorted(found.keys() - english.keys()):
            problems.append(f"{language}: {key} is not in English")
        for key, message in sorted(found.items()):
            if message.fuzzy:
                problems.append(f"{language}: {key} is fuzzy: check it and remove the flag")
            if not all(text.strip() for text in forms(message)):
                problems.append(f"{language}: {key} has no translation")
            if key not in english:
                continue
            if message.pluralizable != english[key].pluralizable:
                problems.append(f"{language}: {key} has plural forms in one language only")
            expected = set().union(*map(names, forms(english[key]))) - {"n"}
            for text in forms(message):
                if names(text) - {"n"} != expected:
                    problems.append(
                        f"{language}: {key} fills {sorted(names(text))}, English "
                        f"{sorted(expected)}: {text!r}"
                    )
    assert not problems, "\n".join(problems)


def test_every_key_the_code_asks_for_is_in_the_catalogue(
    catalogues: dict[str, dict[str, Message]], uses: list[KeyUse]
) -> None:
    problems = []
    for use in uses:
        where = f"{Path(use.path).relative_to(PROJECT_ROOT)}:{use.line}"
        if use.key is None:
            problems.append(f"{where}: a key the source does not show (use a literal)")
            continue
        for language, found in catalogues.items():
            if use.pattern:
                if not any(use.matches(key) for key in found):
                    problems.append(f"{where}: no {language} sentence matches {use.key}")
            elif use.key not in found:
                problems.append(f"{where}: {use.key} has no {language} sentence")
            elif found[use.key].pluralizable != use.plural:
                said = "is given n=" if use.plural else "is not given n="
                problems.append(f"{where}: {use.key} {said}, its {language} entry disagrees")
    assert not problems, "\n".join(problems)


def test_every_sentence_is_used(
    catalogues: dict[str, dict[str, Message]], uses: list[KeyUse]
) -> None:
    unused = [key for key in catalogues["en"] if not any(u.matches(key) for u in uses)]
    assert not unused, f"sentences nothing asks for (delete them): {unused}"


def test_make_catalogue_would_change_nothing(catalogues: dict[str, dict[str, Message]]) -> None:
    """What `make catalogue` extracts through Babel is what the catalogues hold."""
    method = [("**.py", "bot.i18n.extract:extract_keys")]
    extracted: dict[str, bool] = {}  # key -> plural
    for root in CODE:
        for _, _, message, _, _ in extract_from_dir(
            root, method, keywords={"t": None, "nt": (1, 2)}
        ):
            key = message[0] if isinstance(message, tuple) else message
            extracted[key] = extracted.get(key, False) or isinstance(message, tuple)
    for language, found in catalogues.items():
        assert {k: m.pluralizable for k, m in found.items()} == extracted, language


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_says_what_its_source_says(language: str) -> None:
    source = read_catalogue(language)
    with (LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.mo").open("rb") as mo:
        compiled = read_mo(mo)
    assert compiled.plural_forms == source.plural_forms
    assert {k: forms(m) for k, m in entries(compiled).items()} == {
        k: forms(m) for k, m in entries(source).items()
    }, "the .mo file is stale: run `make catalogue`"


def test_every_value_a_key_is_built_from_has_a_sentence(
    catalogues: dict[str, dict[str, Message]],
) -> None:
    """The keys the code builds at run time (`stance.{stance}`), for each value it can use."""
    schedule_errors = {
        use.key
        for source in ("bot/schedule_words.py", "bot/digest/when.py")
        for use in keys_in(
            (PROJECT_ROOT / source)
            .read_text(encoding="utf-8")
            .replace("ScheduleError(", "every_language(")
        )
    }
    built = (
        [f"stance.{s}" for s in STANCES]
        + [f"qualifier.{q}" for q in ("early", "mid", "late", "about")]  # bot/corpus/loader.py
        + [f"month.{m}" for m in range(1, 13)]
        + [f"weekday.{d}" for d in range(7)]
        + [f"weekday.short.{d}" for d in range(7)]
        + [f"digest.not_allowed.{p}" for p in PLATFORMS]
        + [f"digest.language.{language}" for language in LOCALES]
        + [f"digest.{key}" for key in sorted(k for k in schedule_errors if k)]
        # bot/digest/records.py: Delivery.status, as /digest status shows it
        + [f"digest.delivery.{s}" for s in ("delivered", "skipped", "missed", "failed")]
        + ["digest.delivery.unknown"]
        + [f"usage.{w.replace(' ', '_')}" for w in USAGE_WORDS]  # handlers/help.py
    )
    assert len(schedule_errors) >= 4
    missing = [
        f"{language}: {key}"
        for key in built
        for language in LANGUAGES
        if key not in catalogues[language]
    ]
    assert not missing, "\n".join(missing)


def test_a_locale_the_catalogue_lacks_reads_english() -> None:
    assert t("de", "quote.title") == "Quotes"
    assert t("fr", "quote.title") == "Citations"
    assert t("pt-BR", "digest.days_since", n=1, what="x", date="y") == "1 day since: x (y)"


_WITHOUT_BABEL = """
import contextlib, io, sys
sys.modules["babel"] = None  # as in an install without the dev extra
from bot.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    code = main(["ask", "/digest"])
print(out.getvalue())
sys.exit(code)
"""


def test_the_bot_speaks_french_without_babel(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", _WITHOUT_BABEL],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=PROJECT_ROOT,
        env={"DISPUTE_BOT_LOCALE": "fr", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    assert "Résumé du jour" in result.stdout
    assert "Dates clés" in result.stdout


def test_the_extractor_reads_keys_as_call_sites_write_them() -> None:
    source = io.StringIO(
        "def f(ctx, locale, existing, row):\n"
        "    key = 'digest.updated' if existing else 'digest.subscribed'\n"
        "    ctx.t(key)\n"
        "    t(locale, f'stance.{row.stance}')\n"
        "    ctx.t('count.quotes', n=3)\n"
        "    ctx.t(row.key)\n"
        "def forward(self, key):\n"
        "    return t(self.locale, key)\n"
    ).getvalue()
    found = [(u.line, u.key, u.plural) for u in keys_in(source)]
    assert found == [
        (3, "digest.updated", False),
        (3, "digest.subscribed", False),
        (4, "stance.*", False),
        (5, "count.quotes", True),
        (6, None, False),
    ]
