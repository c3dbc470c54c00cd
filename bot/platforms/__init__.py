"""Platform shells: each translates its payloads into Requests and renders Replies.

console, stdin, slack, discord: thin shells over the core. A platform module is imported
only when it runs, so a console answer never loads slack_bolt or discord.py. The composition
root (bot/app.py) starts them, handing each what it needs as arguments (the core, the
settings, `stop`, the readiness reporter and the in-flight counter of bot/hooks.py); they
never import the operations layer (bot/ops) nor each other.
"""
