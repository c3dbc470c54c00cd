"""Running the bot for real: health and metrics, readiness, logs, the seeds watcher, alerts,
and the service runner that starts and stops the services cleanly.

Nothing here is imported for a console answer; bot/app.py brings it in when the bot serves.
"""
