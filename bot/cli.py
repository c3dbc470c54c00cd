"""The `dispute-bot` command: ask, console, run, and the corpus and config checks."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.config import Settings, load_settings
from bot.errors import BotError, ConfigError, CorpusError

log = logging.getLogger("dispute_bot")


def _settings(args: argparse.Namespace) -> Settings:
    import dataclasses

    settings = load_settings(args.config)
    if getattr(args, "seeds", None):
        settings = dataclasses.replace(settings, seeds=Path(args.seeds).resolve())
    return settings


def _core(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from bot.core import Core

    return Core(_settings(args))


def cmd_ask(args: argparse.Namespace) -> int:
    from bot.platforms.console import render_json, render_text

    reply = _core(args).handle_line(args.line, platform="console")
    sys.stdout.write(render_json(reply) if args.format == "json" else render_text(reply))
    return 0


def cmd_console(args: argparse.Namespace) -> int:
    from bot.platforms.console import run_console

    return run_console(_core(args))


def cmd_corpus_check(args: argparse.Namespace) -> int:
    from bot.corpus import check_corpus, load_corpus

    root = Path(args.dir) if args.dir else _settings(args).seeds
    problems = check_corpus(root)
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        print(f"{len(problems)} problem(s) in {root}", file=sys.stderr)
        return 1
    corpus = load_corpus(root)
    print(
        f"{root}: OK: {len(corpus.articles)} articles, {len(corpus.actors)} actors, "
        f"{len(corpus.quotes)} quotes (all verbatim), {len(corpus.events)} events, "
        f"{len(corpus.issues)} issues, {len(corpus.positions)} positions"
    )
    return 0


def cmd_config_check(args: argparse.Namespace) -> int:
    settings = _settings(args)
    for key, value in settings.describe().items():
        print(f"{key}: {value}")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from bot.platforms import enabled_platforms, serve

    core = _core(args)
    names = enabled_platforms(core.settings)
    if not names:
        log.info("no Slack or Discord credentials set: starting the console")
        return cmd_console(args)

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await serve(core, core.settings, names, stop)

    asyncio.run(main())
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dispute-bot", description=__doc__)
    parser.add_argument("--config", help="settings file (default: config/default.yaml)")
    parser.add_argument("--seeds", help="dossier folder (overrides the config)")
    sub = parser.add_subparsers(dest="command", required=True)

    ask = sub.add_parser("ask", help='answer one command line, e.g. "/quote trump"')
    ask.add_argument("line")
    ask.add_argument("--format", choices=("text", "json"), default="text")
    ask.set_defaults(func=cmd_ask)

    sub.add_parser("console", help="an interactive prompt").set_defaults(func=cmd_console)
    sub.add_parser("run", help="start the platforms whose credentials are set").set_defaults(
        func=cmd_run
    )

    corpus = sub.add_parser("corpus", help="dossier tools").add_subparsers(
        dest="action", required=True
    )
    check = corpus.add_parser("check", help="validate a seeds folder and list every problem")
    check.add_argument("dir", nargs="?")
    check.set_defaults(func=cmd_corpus_check)

    config = sub.add_parser("config", help="configuration tools").add_subparsers(
        dest="action", required=True
    )
    config.add_parser("check", help="print the effective settings, secrets masked").set_defaults(
        func=cmd_config_check
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        return int(args.func(args))
    except CorpusError as exc:
        print(f"dispute-bot: the dossier is broken:\n{exc}", file=sys.stderr)
        return 2
    except ConfigError as exc:
        print(f"dispute-bot: bad configuration:\n{exc}", file=sys.stderr)
        return 2
    except BotError as exc:
        print(f"dispute-bot: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
