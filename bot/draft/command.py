"""`dispute-bot draft` and its chat twin: articles in, a draft for review out.

The CLI calls `run_draft`; a platform shell (a file attached to a command, a pasted text)
goes through the /draft command, which calls `draft_upload` with the bytes it received and
sends back the YAML file and the summary.
"""

from __future__ import annotations

import dataclasses
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from bot.corpus import Corpus, load_corpus
from bot.draft.article import ArticleError, read_article, read_article_file
from bot.draft.engine import draft_articles
from bot.draft.model import ArticleText, Draft
from bot.draft.render import render_json, render_yaml
from bot.matching.folding import slug

# A name kept as it was handed over: one that a seeds folder takes as it is.
_PLAIN_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}\.txt$")


def dossier_ids(corpus: Corpus | None) -> set[str]:
    """Every id the dossier uses, so drafted ids never collide with them."""
    if corpus is None:
        return set()
    return (
        {a.id for a in corpus.articles}
        | {a.id for a in corpus.actors}
        | {q.id for q in corpus.quotes}
        | {e.id for e in corpus.events}
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class DraftFile:
    """A draft made for a person who handed an article over: the seeds file to send back."""

    yaml_text: str
    file_name: str  # "<article>.draft.yaml", to save in the seeds folder
    article_file: str  # "articles/<article>.txt": where the draft expects the article
    draft: Draft


def article_name(given: str, article: ArticleText) -> str:
    """The article's file name in the seeds folder: the name it came with when that is a
    plain `.txt` name, else `<date>-<title words>.txt` (a pasted text, "Mon article.TXT")."""
    name = PurePosixPath(given.replace("\\", "/")).name
    if _PLAIN_NAME.match(name):
        return name
    return f"{article.date.isoformat()}-{slug(article.title)[:50].strip('-') or 'article'}.txt"


def draft_upload(
    data: bytes, name: str, corpus: Corpus | None, *, use_parser: bool = True
) -> DraftFile:
    """The draft, as a seeds YAML file, of an article a person handed over (`name` is the
    file's name as received, "" for a pasted text), with the dossier's actors known.

    Raises ArticleError (one line, fit to show) when the bytes are not an article.
    """
    article = read_article(data, name or "pasted text")
    file = article_name(name, article)
    article = dataclasses.replace(article, file=file)
    known = corpus.actors if corpus else ()
    (draft,) = draft_articles([article], known, use_parser=use_parser)
    return DraftFile(
        yaml_text=render_yaml([draft], taken_ids=dossier_ids(corpus)),
        file_name=f"{file.removesuffix('.txt')}.draft.yaml",
        article_file=f"articles/{file}",
        draft=draft,
    )


def run_draft(
    paths: Sequence[str],
    *,
    seeds: Path | None,
    output_format: str,
    output: str | None,
    use_parser: bool,
) -> int:
    """Draft each article, print (or write) the result, and a summary line each on stderr."""
    target = Path(output) if output else None
    if target is not None and target.exists():
        raise ArticleError(
            f"{output}: already exists; give a new file name (nothing written)", reason="exists"
        )
    articles = [read_article_file(path) for path in paths]
    corpus = load_corpus(seeds) if seeds is not None else None
    drafts = draft_articles(articles, corpus.actors if corpus else (), use_parser=use_parser)
    if output_format == "json":
        objects = [render_json(d).rstrip("\n") for d in drafts]
        text = objects[0] + "\n" if len(objects) == 1 else "[\n" + ",\n".join(objects) + "\n]\n"
    else:
        files = [_relative_file(path, target) for path in paths]
        text = render_yaml(drafts, article_files=files, taken_ids=dossier_ids(corpus))
    for draft in drafts:
        print(f"drafted {draft.article.file}: {draft.summary()} ({draft.parser})", file=sys.stderr)
    if target is None:
        sys.stdout.write(text)
        return 0
    try:
        with target.open("x", encoding="utf-8") as file:
            file.write(text)
    except OSError as exc:
        raise ArticleError(
            f"{output}: cannot write: {exc.strerror or exc}", reason="unwritable"
        ) from exc
    print(f"wrote {output}", file=sys.stderr)
    _warn_outside(paths, target, drafts)
    return 0


def _relative_file(path: str, target: Path | None) -> str | None:
    """The article's path from the seeds folder the draft is written to, when it is inside."""
    if target is None:
        return None
    try:
        return Path(path).resolve().relative_to(target.resolve().parent).as_posix()
    except ValueError:
        return None


def _warn_outside(paths: Sequence[str], target: Path, drafts: Sequence[Draft]) -> None:
    for path, draft in zip(paths, drafts, strict=True):
        if _relative_file(path, target) is None:
            name = Path(draft.article.file).name
            print(
                f"note: copy {path} to {target.parent / 'articles' / name} before corpus check",
                file=sys.stderr,
            )
