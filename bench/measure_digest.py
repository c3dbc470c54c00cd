"""The daily digest for 10,000 subscribed channels: what the poster computes per channel.

For each channel, as `bot.digest.service` prepares it: the quote of the day
(`pick_quote`), the quiet-day check (`has_news`), `compose_digest`, then the platform's
`render_message` (Slack and Discord channels alternate, English and French too). The
database round trips are left out: this is the CPU cost of the digest itself. Where all
10,000 channels would take minutes (large dossiers), a sample of channels is timed and the
total projected; the output says which. What the digest prepares once per dossier (its
`DigestIndex`, built on the first digest after a load or reload) is timed apart, as
`index_build_s`, so that a small sample is not charged for it.

Run as `python -m bench.measure_digest --seeds DIR --channels 10000 --sample 200`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time
from pathlib import Path

from msgspec import structs

from bot.app import build_core
from bot.config import load_settings
from bot.core import Request
from bot.digest.compose import compose_digest, digest_index, has_news
from bot.digest.rotation import pick_quote
from bot.platforms.discord.render import render_message as render_discord
from bot.platforms.slack.render import render_message as render_slack

STAGES = ("pick_quote", "has_news", "compose_digest", "render")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=Path, required=True)
    parser.add_argument("--channels", type=int, default=10_000)
    parser.add_argument("--sample", type=int, default=10_000, help="channels actually timed")
    args = parser.parse_args()

    settings = structs.replace(load_settings(environ={}), seeds=args.seeds.resolve())
    core = build_core(settings)
    corpus = core.dossier.corpus
    today = max(a.added for a in corpus.articles)
    timed = min(args.channels, args.sample)
    mark = time.perf_counter()
    digest_index(core.dossier)
    index_build_s = time.perf_counter() - mark
    spent = dict.fromkeys(STAGES, 0.0)
    sizes = 0
    started = time.perf_counter()
    for number in range(timed):
        platform = "slack" if number % 2 == 0 else "discord"
        channel = f"C{number:07d}"
        locale = "fr" if number % 4 < 2 else "en"
        since = today - dt.timedelta(days=1 if number % 10 else 7)
        request = Request(command="digest", platform=platform, channel=channel, locale=locale)
        ctx = core.context_in(core.library.default, request)  # as the digest: no lookup
        ctx = structs.replace(ctx, locale=locale, today=today)
        mark = time.perf_counter()
        pick = pick_quote(corpus.quotes, shown=frozenset(), round=0, seed=f"{platform}:{channel}")
        now = time.perf_counter()
        spent["pick_quote"] += now - mark
        mark = now
        quiet = not has_news(core.dossier, since)
        now = time.perf_counter()
        spent["has_news"] += now - mark
        mark = now
        reply = compose_digest(ctx, since=since, quote=pick.quote if pick else None, short=quiet)
        now = time.perf_counter()
        spent["compose_digest"] += now - mark
        mark = now
        message = render_slack(reply) if platform == "slack" else render_discord(reply)
        spent["render"] += time.perf_counter() - mark
        sizes += len(json.dumps(message))
    elapsed = time.perf_counter() - started
    per_channel = elapsed / timed
    print(
        json.dumps(
            {
                "quotes": len(corpus.quotes),
                "channels": args.channels,
                "timed_channels": timed,
                "projected": timed < args.channels,
                "total_s": per_channel * args.channels,
                "per_channel_ms": per_channel * 1000,
                "index_build_s": index_build_s,
                "stage_ms_per_channel": {k: v / timed * 1000 for k, v in spent.items()},
                "mean_message_bytes": sizes / timed,
            }
        )
    )


if __name__ == "__main__":
    main()
