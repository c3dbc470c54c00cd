"""A TCP proxy on loopback in front of a real server, to give the bot the network's faults.

Started by the test on port 0, it passes traffic through until told otherwise: `delay`
(every chunk arrives that much later), `drop` (every connection is cut, new ones are closed
at once: the server went away), `black_hole` (connections are accepted and nothing ever comes
back, as from a stuck server or a firewall that swallows packets) and `pass_through` again.
A connection black-holed stays dead: what was swallowed never arrives.
"""

from __future__ import annotations

import asyncio
import contextlib
from urllib.parse import urlsplit, urlunsplit


class TcpProxy:
    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.mode = "pass"
        self.delay_seconds = 0.0
        self.accepted = 0
        self._server: asyncio.Server | None = None
        self._links: set[asyncio.StreamWriter] = set()
        self._pumps: set[asyncio.Task[None]] = set()
        self.port = 0

    @classmethod
    def before(cls, url: str) -> TcpProxy:
        """A proxy in front of the server a database URL names."""
        parts = urlsplit(url)
        return cls(parts.hostname or "127.0.0.1", parts.port or 5432)

    def url(self, url: str) -> str:
        """`url` with its host and port replaced by the proxy's."""
        parts = urlsplit(url)
        auth, _, _ = parts.netloc.rpartition("@")
        netloc = f"{auth}@127.0.0.1:{self.port}" if auth else f"127.0.0.1:{self.port}"
        return urlunsplit(parts._replace(netloc=netloc))

    async def start(self) -> TcpProxy:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def close(self) -> None:
        self._cut_all()
        if self._server is not None:
            self._server.close()
        for pump in list(self._pumps):
            pump.cancel()
        await asyncio.gather(*self._pumps, return_exceptions=True)

    # Faults

    def pass_through(self) -> None:
        self.mode, self.delay_seconds = "pass", 0.0

    def delay(self, seconds: float) -> None:
        self.mode, self.delay_seconds = "delay", seconds

    def drop(self) -> None:
        self.mode = "drop"
        self._cut_all()

    def black_hole(self) -> None:
        self.mode = "black_hole"

    # Serving

    def _cut_all(self) -> None:
        for writer in list(self._links):
            writer.transport.abort()
        self._links.clear()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.accepted += 1
        if self.mode == "drop":
            writer.transport.abort()
            return
        self._links.add(writer)
        if self.mode == "black_hole":
            await self._swallow(reader)
            return
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self._links.add(upstream_writer)
        for source, sink in ((reader, upstream_writer), (upstream_reader, writer)):
            pump = asyncio.create_task(self._pump(source, sink))
            self._pumps.add(pump)
            pump.add_done_callback(self._pumps.discard)

    async def _swallow(self, reader: asyncio.StreamReader) -> None:
        with contextlib.suppress(ConnectionError):
            while await reader.read(65536):
                pass

    async def _pump(self, source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        try:
            while data := await source.read(65536):
                if self.mode == "black_hole":
                    await self._swallow(source)
                    return
                if self.mode == "delay":
                    await asyncio.sleep(self.delay_seconds)
                sink.write(data)
                await sink.drain()
        except ConnectionError:
            pass
        finally:
            if self.mode != "black_hole":
                sink.transport.abort()
