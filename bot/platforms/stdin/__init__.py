"""The stdin platform: command lines on stdin, one JSON reply a line on stdout.

`dispute-bot serve --stdin`, for scripts and supervisors that talk to the bot through a
pipe, run by the same service runner as Slack and Discord (health, metrics, reload, clean
shutdown). Whoever holds the pipe operates
the bot, so admin commands such as `/reload` are allowed. End of input stops the bot.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sys
import threading
from typing import TextIO

from bot.core import Core
from bot.hooks import RepliesInFlight, ReportReadiness
from bot.reply import Reply, plain

log = logging.getLogger("dispute_bot.stdin")


def reply_line(reply: Reply) -> str:
    """The reply as one line of JSON."""

    return json.dumps(plain(reply), ensure_ascii=False) + "\n"


def _read_lines(stream: TextIO, loop: asyncio.AbstractEventLoop, queue: asyncio.Queue[str]) -> None:
    """In a daemon thread: a blocked read never holds up the shutdown."""
    try:
        for line in iter(stream.readline, ""):
            loop.call_soon_threadsafe(queue.put_nowait, line)
    except (OSError, ValueError):
        pass
    with contextlib.suppress(RuntimeError):  # the loop may already be closed
        loop.call_soon_threadsafe(queue.put_nowait, "")  # end of input


async def _write(stream: TextIO, text: str) -> None:
    """Write and flush in a daemon thread: a full pipe holds up this reply, not the loop."""
    loop = asyncio.get_running_loop()
    done: asyncio.Future[None] = loop.create_future()

    def settle(error: BaseException | None) -> None:
        if done.done():
            return
        if error is None:
            done.set_result(None)
        else:
            done.set_exception(error)

    def work() -> None:
        error: BaseException | None = None
        try:
            stream.write(text)
            stream.flush()
        except (OSError, ValueError) as exc:
            error = exc
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(settle, error)

    threading.Thread(target=work, name="stdout-writer", daemon=True).start()
    await done


async def _next_line(queue: asyncio.Queue[str], stop: asyncio.Event) -> str | None:
    """The next line, "" at end of input, None once `stop` is set."""
    if stop.is_set():
        return None
    getting = asyncio.ensure_future(queue.get())
    stopping = asyncio.ensure_future(stop.wait())
    await asyncio.wait({getting, stopping}, return_when=asyncio.FIRST_COMPLETED)
    stopping.cancel()
    if getting.done():
        return getting.result()
    getting.cancel()
    return None


async def serve(
    core: Core,
    stop: asyncio.Event,
    *,
    report: ReportReadiness,
    in_flight: RepliesInFlight,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
) -> None:
    """Answer each line until end of input (which stops the bot) or `stop`."""
    stdin, stdout = stdin or sys.stdin, stdout or sys.stdout
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[str] = asyncio.Queue()
    threading.Thread(
        target=_read_lines, args=(stdin, loop, queue), name="stdin-reader", daemon=True
    ).start()
    report("stdin", True, "reading commands")
    while (line := await _next_line(queue, stop)) is not None:
        if line == "":
            log.info("end of input: stopping")
            stop.set()
            break
        if not line.strip():
            continue
        async with in_flight.reply():
            reply = await asyncio.to_thread(
                core.handle_line,
                line.strip(),
                platform="stdin",
                can_manage=True,
                is_operator=True,  # whoever writes to the bot's stdin runs it
            )
            try:
                await _write(stdout, reply_line(reply))
            except (OSError, ValueError):
                log.warning("stdout is closed: stopping")
                stop.set()
                break
