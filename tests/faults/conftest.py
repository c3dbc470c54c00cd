"""Fixtures for the fault tests: a fresh PostgreSQL schema, a proxy in front of it, the fake
Slack, and readiness reset around in-process runs."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from bot.ops.readiness import READINESS
from tests.digest.conftest import chat, dossier, make_replica, postgres_url
from tests.fakes.slack import FakeSlack
from tests.faults.proxy import TcpProxy

__all__ = ["chat", "dossier", "make_replica", "postgres_url"]


@pytest.fixture
async def proxy(postgres_url: str) -> AsyncIterator[TcpProxy]:
    """A proxy in front of the test's PostgreSQL, passing traffic until told otherwise."""
    started = await TcpProxy.before(postgres_url).start()
    yield started
    await started.close()


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    slack = await FakeSlack().start()
    yield slack
    await slack.close()


@pytest.fixture(autouse=True)
def fresh_readiness() -> Iterator[None]:
    READINESS.reset()
    yield
    READINESS.reset()
