"""The `dispute-bot` command: ask, console, run, serve, health, and the corpus and config checks.

Thin over the composition root (bot/app.py): it reads the arguments and the settings, asks
the root for a wired bot, and turns errors into exit codes.
"""

from __future__ import annotations

import argparse
import functools
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from msgspec import structs

from bot.config import Settings, inspect_settings, load_settings
from bot.errors import BotError, ConfigError, CorpusError

if TYPE_CHECKING:
    from bot.core import Core

log = logging.getLogger("dispute_bot")


def _settings(args: argparse.Namespace) -> Settings:
    settings = load_settings(args.config)
    if getattr(args, "seeds", None):
        settings = structs.replace(settings, seeds=Path(args.seeds).resolve())
    return settings


def _core(args: argparse.Namespace) -> Core:
    from bot.app import build_core

    return build_core(_settings(args))


def _known_dossier(core: Core, name: str) -> bool:
    """Whether `name` (or the default, when empty) is one of the deployment's dossiers, said
    when it is not; CorpusError, with its files' problems, when it is broken."""
    library = core.library
    if name and name not in library.names():
        known = ", ".join(library.names())
        print(f"dispute-bot: no dossier named {name!r}; there are: {known}", file=sys.stderr)
        return False
    if library.get(name or library.default) is None:
        raise CorpusError(list(library.problems(name or library.default)))
    return True


def cmd_ask(args: argparse.Namespace) -> int:
    from bot.platforms.console import render_json, render_text

    core = _core(args)
    if not _known_dossier(core, args.dossier):
        return 2
    reply = core.handle_line(args.line, platform="console", dossier=args.dossier)
    sys.stdout.write(render_json(reply) if args.format == "json" else render_text(reply))
    return 0


def cmd_console(args: argparse.Namespace) -> int:
    from bot.platforms.console import run_console

    core = _core(args)
    dossier = getattr(args, "dossier", "")
    if not _known_dossier(core, dossier):
        return 2
    return run_console(core, dossier=dossier)


def cmd_corpus_check(args: argparse.Namespace) -> int:
    """Check every dossier of the seeds folder (or the one named), listing every problem."""
    from bot.corpus import load_corpus
    from bot.library import find_dossiers, in_folder

    root = Path(args.dir) if args.dir else _settings(args).seeds
    try:
        layout = find_dossiers(root)
    except CorpusError as exc:  # no dossier at all
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"{len(exc.problems)} problem(s) in {root}", file=sys.stderr)
        return 1
    folders = {"": root} if layout.single else dict(layout.folders)
    problems = {name: list(found) for name, found in layout.refused.items()}
    if args.dossier:
        if args.dossier not in {*folders, *problems} and not layout.single:
            known = ", ".join(sorted({*folders, *problems}))
            print(
                f"dispute-bot: no dossier named {args.dossier!r} in {root}; there are: {known}",
                file=sys.stderr,
            )
            return 2
        if not layout.single:
            folders = {n: f for n, f in folders.items() if n == args.dossier}
            problems = {n: p for n, p in problems.items() if n == args.dossier}
    for name, folder in folders.items():
        try:  # read once: the dossier, or every problem it has
            corpus = load_corpus(folder)
        except CorpusError as exc:
            problems[name] = list(in_folder(name, exc.problems)) if name else exc.problems
            continue
        label = f"{name} ({folder})" if name else str(folder)
        print(
            f"{label}: OK: {len(corpus.articles)} articles, {len(corpus.actors)} actors, "
            f"{len(corpus.quotes)} quotes (all verbatim), {len(corpus.events)} events, "
            f"{len(corpus.issues)} issues, {len(corpus.positions)} positions"
            + (f"; {corpus.drafts} drafted record(s) await review" if corpus.drafts else "")
        )
    if not problems:
        return 0
    for name in sorted(problems):
        for problem in problems[name]:
            print(problem, file=sys.stderr)
    count = sum(len(found) for found in problems.values())
    which = f" ({', '.join(sorted(n for n in problems if n))})" if not layout.single else ""
    print(f"{count} problem(s) in {root}{which}", file=sys.stderr)
    return 1


def cmd_config_check(args: argparse.Namespace) -> int:
    """The effective settings, secrets masked, each with where it came from; then problems."""
    report = inspect_settings(args.config)
    settings, origins = report.settings, dict(report.origins)
    if args.seeds:
        settings = structs.replace(settings, seeds=Path(args.seeds).resolve())
        origins["seeds"] = "--seeds"
    print(f"# dispute-bot configuration: {' < '.join(map(str, report.files))} < environment")
    for key, value in settings.describe().items():
        if key == "source":
            continue
        where = origins.get(key, "default")
        print(f"{key}: {value}  # {where}")
    if report.problems:
        for problem in report.problems:
            print(problem, file=sys.stderr)
        print(f"{len(report.problems)} problem(s) in the configuration", file=sys.stderr)
        return 1
    print("# OK: no problems")
    return 0


def cmd_config_defaults(args: argparse.Namespace) -> int:
    """Every setting with its doc and default: a file to start from, or the docs' reference."""
    from bot.config_reference import defaults_yaml, reference_markdown

    sys.stdout.write(reference_markdown() if args.format == "markdown" else defaults_yaml())
    return 0


def cmd_draft(args: argparse.Namespace) -> int:
    """Draft dossier entries from articles; the work is bot.draft's, this only wires it."""
    from bot.draft.command import run_draft

    seeds = None if args.no_seeds else (Path(args.seeds) if args.seeds else _settings(args).seeds)
    return run_draft(
        args.articles,
        seeds=seeds,
        output_format=args.format,
        output=args.output,
        use_parser=not args.rules_only,
    )


def _serve(args: argparse.Namespace, names: list[str]) -> int:
    """Run the platforms and services in `names` until a signal stops them."""
    from bot.app import serve_until_stopped
    from bot.ops.service_runner import ServiceFailed

    try:
        serve_until_stopped(_settings(args), names)
    except KeyboardInterrupt:  # Ctrl+C before the runner's own handler was in place
        return 0
    except ServiceFailed as exc:
        print(f"dispute-bot: stopped after a failure: {exc}", file=sys.stderr)
        return 1
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from bot.app import enabled_services

    names = enabled_services(_settings(args))
    if not names:
        log.info("no Slack or Discord credentials set: starting the console")
        return cmd_console(args)
    return _serve(args, names)


def cmd_serve(args: argparse.Namespace) -> int:
    from bot.app import enabled_services

    names = enabled_services(_settings(args))
    return _serve(args, [*names, "stdin"] if args.stdin else names)


def cmd_health(args: argparse.Namespace) -> int:
    """Ask the running bot's health server; exit 0 when it answers 200 (HEALTHCHECK)."""
    import urllib.error
    import urllib.request

    settings = _settings(args)
    if settings.health_port is None:
        print("dispute-bot: health_port is null: no health server to ask", file=sys.stderr)
        return 1
    path = "/readyz" if args.ready else "/healthz"
    host = settings.health_host if settings.health_host not in ("0.0.0.0", "::", "") else None
    url = f"http://{host or '127.0.0.1'}:{args.port or settings.health_port}{path}"
    try:
        with urllib.request.urlopen(url, timeout=args.timeout) as answer:
            sys.stdout.write(answer.read().decode())
            return 0
    except urllib.error.HTTPError as exc:
        sys.stdout.write(exc.read().decode(errors="replace"))
        print(f"dispute-bot: {url}: HTTP {exc.code}", file=sys.stderr)
    except (OSError, urllib.error.URLError) as exc:
        print(f"dispute-bot: {url}: {getattr(exc, 'reason', exc)}", file=sys.stderr)
    return 1


def _beside(url: str | None, path: str) -> str | None:
    """`path` on the host of `url` (the redirect URL beside the events' request URL)."""
    if not url:
        return None
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def cmd_slack_manifest(args: argparse.Namespace) -> int:
    from bot.platforms.slack.manifest import build_manifest, render_manifest
    from bot.platforms.slack.paths import REDIRECT_PATH

    core = _core(args)  # the registry the bot serves, admin commands included
    redirect = args.redirect_url
    if args.oauth and not redirect:
        redirect = core.settings.slack_redirect_uri or _beside(args.request_url, REDIRECT_PATH)
        if not redirect:
            print(
                "dispute-bot: --oauth needs --redirect-url https://your.host/slack/oauth_redirect "
                "(or --request-url, or SLACK_REDIRECT_URI)",
                file=sys.stderr,
            )
            return 2
    manifest = build_manifest(
        core.commands,
        core.settings,
        request_url=args.request_url,
        redirect_url=redirect,
        token_rotation=args.token_rotation,
    )
    text = render_manifest(manifest)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


@functools.cache
def _help_width() -> int:
    """The terminal's width for help, read once: argparse asks `shutil` for it at every
    argument it declares, which was a twentieth of a cold `ask`."""
    try:
        columns = int(os.environ.get("COLUMNS", "")) or os.get_terminal_size().columns
    except (ValueError, OSError):
        columns = 80
    return max(columns - 2, 20)


class _Formatter(argparse.HelpFormatter):
    def __init__(self, prog: str) -> None:
        super().__init__(prog, width=_help_width())


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose help (its subcommands' too) is laid out by `_Formatter`."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]


_Subparsers: TypeAlias = "argparse._SubParsersAction[_Parser]"


def _add_ask(sub: _Subparsers) -> None:
    ask = sub.add_parser("ask", help='answer one command line, e.g. "/quote trump"')
    ask.add_argument("line")
    ask.add_argument("--format", choices=("text", "json"), default="text")
    ask.add_argument(
        "--dossier", default="", help="answer from this dossier (default: the default)"
    )
    ask.set_defaults(func=cmd_ask)


def _add_console(sub: _Subparsers) -> None:
    console = sub.add_parser("console", help="an interactive prompt")
    console.add_argument(
        "--dossier", default="", help="answer from this dossier (default: the default)"
    )
    console.set_defaults(func=cmd_console)


def _add_run(sub: _Subparsers) -> None:
    sub.add_parser(
        "run", help="start the platforms whose credentials are set (none: the console)"
    ).set_defaults(func=cmd_run)


def _add_serve(sub: _Subparsers) -> None:
    serve = sub.add_parser(
        "serve",
        help="run as a service: the platforms whose credentials are set, with health, metrics "
        "and live reload, until SIGTERM (never the console)",
    )
    serve.add_argument(
        "--stdin",
        action="store_true",
        help="also answer command lines on stdin, one JSON reply a line; end of input stops",
    )
    serve.set_defaults(func=cmd_serve)


def _add_health(sub: _Subparsers) -> None:
    health = sub.add_parser("health", help="ask the running bot's health server (HEALTHCHECK)")
    health.add_argument("--ready", action="store_true", help="ask /readyz instead of /healthz")
    health.add_argument("--port", type=int, help="health port (default: the configured one)")
    health.add_argument("--timeout", type=float, default=5.0, help="seconds (default 5)")
    health.set_defaults(func=cmd_health)


def _add_corpus(sub: _Subparsers) -> None:
    corpus = sub.add_parser("corpus", help="dossier tools").add_subparsers(
        dest="action", required=True
    )
    check = corpus.add_parser(
        "check", help="validate every dossier of a seeds folder and list every problem"
    )
    check.add_argument("dir", nargs="?")
    check.add_argument("--dossier", default="", help="check only this dossier")
    check.set_defaults(func=cmd_corpus_check)


def _add_draft(sub: _Subparsers) -> None:
    draft = sub.add_parser(
        "draft",
        help="draft quotes, speakers, days, actors and events from new articles (for review)",
    )
    draft.add_argument("articles", nargs="+", metavar="ARTICLE", help="'date YYYY-MM-DD Title'")
    draft.add_argument(
        "--seeds", default=argparse.SUPPRESS, help="dossier whose actors to use (default: config)"
    )
    draft.add_argument("--no-seeds", action="store_true", help="use no dossier's actors")
    draft.add_argument("--format", choices=("yaml", "json"), default="yaml")
    draft.add_argument("--output", help="write to this new file (never overwrites) not stdout")
    draft.add_argument(
        "--rules-only", action="store_true", help="do not use spaCy even when it is installed"
    )
    draft.set_defaults(func=cmd_draft)


def _add_config(sub: _Subparsers) -> None:
    config = sub.add_parser("config", help="configuration tools").add_subparsers(
        dest="action", required=True
    )
    config.add_parser(
        "check", help="print the effective settings, secrets masked, and every problem"
    ).set_defaults(func=cmd_config_check)
    defaults = config.add_parser(
        "defaults", help="print every setting with its doc and default (config/default.yaml)"
    )
    defaults.add_argument("--format", choices=("yaml", "markdown"), default="yaml")
    defaults.set_defaults(func=cmd_config_defaults)


def _add_slack(sub: _Subparsers) -> None:
    slack = sub.add_parser("slack", help="Slack tools").add_subparsers(dest="action", required=True)
    manifest = slack.add_parser("manifest", help="print the Slack app manifest (YAML)")
    manifest.add_argument(
        "--request-url",
        help="HTTP mode: https://your.host/slack/events (default: a Socket Mode manifest)",
    )
    manifest.add_argument(
        "--oauth",
        action="store_true",
        help="OAuth mode: installed in many workspaces from /slack/install (the redirect URL "
        "is --redirect-url, SLACK_REDIRECT_URI, or beside --request-url)",
    )
    manifest.add_argument(
        "--redirect-url",
        help="OAuth mode's redirect URL, https://your.host/slack/oauth_redirect (implies --oauth)",
    )
    manifest.add_argument(
        "--token-rotation",
        action="store_true",
        help="OAuth mode: opt in to expiring tokens, renewed by the bot (Slack cannot undo it)",
    )
    manifest.add_argument("--output", help="write to this file instead of stdout")
    manifest.set_defaults(func=cmd_slack_manifest)


# Every subcommand, in the order `dispute-bot --help` lists them.
SUBCOMMANDS = {
    "ask": _add_ask,
    "console": _add_console,
    "run": _add_run,
    "serve": _add_serve,
    "health": _add_health,
    "corpus": _add_corpus,
    "draft": _add_draft,
    "config": _add_config,
    "slack": _add_slack,
}
_TAKES_VALUE = ("--config", "--seeds")  # the top-level options followed by a value


def _subcommand(argv: Sequence[str]) -> str | None:
    """The subcommand `argv` names, or None when it names none we know (or asks for help)."""
    words = iter(argv)
    for word in words:
        if word in _TAKES_VALUE:
            next(words, None)
        elif not word.startswith("-"):
            return word if word in SUBCOMMANDS else None
        elif not word.startswith(_TAKES_VALUE):  # -h, --help, or an option we don't know
            return None
    return None


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The command line's parser. Given `argv`, only the subcommand it names is declared:
    declaring all of them was a twentieth of a cold `dispute-bot ask`; help, and anything
    else, declares them all."""
    parser = _Parser(prog="dispute-bot", description=__doc__)
    parser.add_argument("--config", help="settings file (read after the shipped defaults)")
    parser.add_argument("--seeds", help="dossier folder (overrides the config)")
    sub = parser.add_subparsers(dest="command", required=True)
    chosen = _subcommand(argv) if argv is not None else None
    for name, add in SUBCOMMANDS.items():
        if chosen is None or name == chosen:
            add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser(argv).parse_args(argv)
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
