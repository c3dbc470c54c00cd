"""The bot's own error tree, so callers can tell a bad file from a bad request."""


class BotError(Exception):
    """Base of every error the bot raises on purpose."""


class ConfigError(BotError):
    """The configuration cannot be used; start-up stops with this message."""


class CorpusError(BotError):
    """The seeds folder is broken; the message lists every `file:line: problem`."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class DatabaseUnavailable(BotError):
    """The state database cannot be used now: unreachable, not answering, read-only or full."""


class DeliveryError(BotError):
    """A post failed; `permanent` says whether retrying could ever help, `maybe_posted` that
    the request went out and no answer came back, so the post may have arrived, and
    `retry_after` how many seconds the platform asked to wait (a rate limit)."""

    def __init__(
        self,
        message: str,
        *,
        permanent: bool,
        maybe_posted: bool = False,
        retry_after: float | None = None,
    ) -> None:
        self.permanent = permanent
        self.maybe_posted = maybe_posted
        self.retry_after = retry_after
        super().__init__(message)


class UsageError(BotError):
    """A user's request cannot be answered as typed; the message is shown to them."""
