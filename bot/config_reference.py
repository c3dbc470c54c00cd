"""The defaults file and the settings reference, written from the declaration in `bot.config`.

`config/default.yaml` and the table in `docs/configuration.md` are these texts, committed; a
test fails when either differs, so neither can drift from the settings the bot reads.
`dispute-bot config defaults [--format markdown]` prints them.
"""

from __future__ import annotations

import json
import textwrap

import yaml

from bot.config import ENV_PREFIX, Declared, declared, plain

_WIDTH = 92
REFERENCE_BEGIN = "<!-- settings: begin (dispute-bot config defaults --format markdown) -->"
REFERENCE_END = "<!-- settings: end -->"


def _value(one: Declared) -> str:
    """A default as YAML writes it, times quoted."""
    value = one.default
    if isinstance(value, str) and ":" in value:
        return json.dumps(value)  # YAML 1.1 reads an unquoted 8:30 as a number (510)
    dumped = yaml.safe_dump(plain(value), default_flow_style=True, width=10_000)
    return dumped.removesuffix("...\n").strip()


def _and(words: list[str]) -> str:
    return f"{', '.join(words[:-1])} and {words[-1]}" if len(words) > 1 else "".join(words)


def _comment(text: str) -> list[str]:
    return textwrap.wrap(text, _WIDTH - 2, initial_indent="# ", subsequent_indent="# ")


def defaults_yaml() -> str:
    """`config/default.yaml`: every setting a file may set, with its doc and its default."""
    settings = list(declared().values())
    extra = [v for one in settings if one.setting.in_file for v in one.setting.env]
    env_only = [v for one in settings if not one.setting.in_file for v in one.setting.env]
    secrets = [one.name.upper() for one in settings if one.setting.secret]
    header = (
        "dispute-bot settings, each with its default, written from their declaration in "
        "bot/config.py (`dispute-bot config defaults` prints this file): change them there."
    )
    usage = (
        "Point DISPUTE_BOT_CONFIG (or --config) at a file of your own that sets the ones to "
        f"change. Environment variables override single settings: {ENV_PREFIX}<NAME> for any "
        f"setting below ({ENV_PREFIX}PAGE_SIZE=3), plus {_and(extra)}; "
        f"{_and(env_only)} are set in the environment only. `dispute-bot config check` "
        "prints the effective settings and every problem, with its file and line."
    )
    never = (
        f"Secrets never go here: {_and(secrets)} come from the "
        "environment or from NAME_FILE paths (Docker secrets)."
    )
    lines = [*_comment(header), "#", *_comment(usage), *_comment(never)]
    for one in settings:
        if one.setting.section and one.setting.in_file:
            lines += ["", f"# --- {one.setting.section} ---"]
        if not one.setting.in_file:
            continue
        lines += ["", *_comment(one.setting.doc)]
        if one.setting.default_text:  # not written, so that a copy of this file keeps it
            lines += _comment(f"Default: {one.setting.default_text}.")
        if one.setting.example:
            lines.append(f"# e.g. {one.name}: {one.setting.example}")
        if not one.setting.default_text:
            lines.append(f"{one.name}: {_value(one)}")
    return "\n".join(lines) + "\n"


def reference_markdown() -> str:
    """The settings table of `docs/configuration.md`, section by section."""
    lines: list[str] = []
    for one in declared().values():
        if one.setting.section:
            if lines:
                lines.append("")
            lines += [
                f"### {one.setting.section}",
                "",
                "| setting | environment | default | meaning |",
                "| --- | --- | --- | --- |",
            ]
        name = f"`{one.name}`" + ("" if one.setting.in_file else " (environment only)")
        variables = ", ".join(f"`{v}`" for v in one.setting.variables(one.name))
        default = one.setting.default_text or (
            "unset" if one.default is None else f"`{_value(one)}`"
        )
        meaning = one.setting.doc
        if one.setting.example:
            meaning += f" E.g. `{one.setting.example}`."
        meaning = meaning.replace("|", "\\|")
        lines.append(f"| {name} | {variables} | {default} | {meaning} |")
    return "\n".join(lines) + "\n"
