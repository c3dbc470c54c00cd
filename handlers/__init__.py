"""The commands, platform-neutral: each takes a Context and Args and returns a Reply."""

from bot.core import Command
from handlers.digest import COMMAND as DIGEST
from handlers.help import COMMAND as HELP
from handlers.positions import COMMAND as POSITIONS
from handlers.quote import COMMAND as QUOTE
from handlers.sources import COMMAND as SOURCES
from handlers.timeline import COMMAND as TIMELINE

COMMANDS: tuple[Command, ...] = (TIMELINE, QUOTE, POSITIONS, DIGEST, SOURCES, HELP)
