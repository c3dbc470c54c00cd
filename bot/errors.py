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


class DeliveryError(BotError):
    """A platform refused a post; `permanent` says whether retrying could ever help."""

    def __init__(self, message: str, *, permanent: bool) -> None:
        self.permanent = permanent
        super().__init__(message)


class UsageError(BotError):
    """A user's request cannot be answered as typed; the message is shown to them."""
