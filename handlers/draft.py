"""/draft: an operator hands the bot an article and gets its dossier entries back, for review.

The platform fetches the article (a file attached to the command, sent in a direct message,
or the text pasted after `draft`); this drafts it with the dossier's actors and answers a
short summary with the draft as a YAML file. Nothing is written anywhere: the operator saves
the article and the file in the seeds folder, and the loader serves none of it until a
person accepts each entry (docs/drafting.md). The drafting engine, and spaCy when it is
installed, are imported on the first draft only, so `dispute-bot ask` never loads them.
"""

from __future__ import annotations

from bot.core import MAX_ATTACHMENT_BYTES, Args, Command, Context, Option
from bot.i18n import every_language
from bot.platform_names import PLATFORMS
from bot.reply import Attachment, Reply, ReplyKind

YAML = "text/yaml"
PASTED = ""  # the name of a pasted text: the engine names it from its date and title


def _refusal(ctx: Context, text: str) -> Reply:
    return Reply(
        command="draft", kind=ReplyKind.USAGE, title="/draft", text=text, locale=ctx.locale
    )


def _kilobytes(size: int) -> int:
    return -(-size // 1000)


def draft(ctx: Context, args: Args) -> Reply:
    article = ctx.request.attachment
    pasted = article is None
    if article is None and args.text.strip():
        data = args.text.strip().encode("utf-8", "surrogatepass")
        article = Attachment(name=PASTED, media_type="text/plain", data=data)
    if article is None:
        platform = ctx.platform if ctx.platform in PLATFORMS else "console"
        return _refusal(ctx, ctx.t(f"draft.how.{platform}"))
    shown = article.name or ctx.t("draft.pasted")
    if article.size > MAX_ATTACHMENT_BYTES:
        return _refusal(
            ctx,
            ctx.t(
                "draft.too_big",
                name=shown,
                size=_kilobytes(article.size),
                limit=_kilobytes(MAX_ATTACHMENT_BYTES),
            ),
        )
    from bot.draft import ArticleError, draft_upload

    try:
        drafted = draft_upload(article.data, article.name, ctx.dossier.corpus)
    except ArticleError as exc:
        return _refusal(ctx, ctx.t(f"draft.bad.{exc.reason}", name=shown, **exc.values))
    found = drafted.draft
    summary = ctx.t(
        "draft.summary",
        quotes=ctx.t("count.quotes", n=len(found.quotes)),
        actors=ctx.t("count.new_actors", n=len(found.new_actors)),
        events=ctx.t("count.events", n=len(found.events)),
    )
    review = ctx.t("draft.review", article=drafted.article_file, file=drafted.file_name)
    files = [Attachment(name=drafted.file_name, media_type=YAML, data=drafted.yaml_text.encode())]
    if pasted:  # the text as drafted, to save as it is: its quotes are checked against it
        name = drafted.article_file.removeprefix("articles/")
        files.append(Attachment(name=name, media_type="text/plain", data=article.data))
    return Reply(
        command="draft",
        kind=ReplyKind.OK,
        title=ctx.t("draft.title", title=found.article.title),
        text=f"{summary}\n{review}",
        locale=ctx.locale,
        attachments=tuple(files),
    )


COMMAND = Command(
    name="draft",
    summary=every_language("summary.draft"),
    usage="/draft <an article attached, or pasted after /draft>",
    examples=("/draft",),
    options=(
        Option(
            name="article",
            description=every_language("option.draft.article"),
            kind="file",
            required=True,
        ),
    ),
    admin=True,
    operator=True,  # the core refuses everyone else before the article is read
    takes_text=True,
    acts=True,  # heavy: never run to try a suggestion
    run=draft,
)
