"""Fakes of the remote services the bot talks to, on loopback, speaking their wire formats."""
