"""`python -m bot` is `dispute-bot`."""

import sys

from bot.cli import main

sys.exit(main())
