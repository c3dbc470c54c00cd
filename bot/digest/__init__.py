"""The daily digest: per-channel subscriptions, posted once a day on time, across replicas.

`supervisor.serve_digests` is what the composition root (bot/app.py) starts beside the
platforms; `compose` says what a digest holds. Importing this package is cheap (no
SQLAlchemy, no APScheduler), so the /digest command can use `bot.digest.when`.
"""
