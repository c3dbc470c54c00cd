"""dispute-bot: a sourced dossier on a public dispute, served to chat channels."""

__version__ = "0.1.0"
