"""Running the bot for real: health and metrics, logs, clean shutdown, live corpus reload.

Nothing here is imported for a console answer; `bot.platforms.serve` brings it in.
"""
