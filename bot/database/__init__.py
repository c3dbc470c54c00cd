"""The bot's state database: DATABASE_URL read without SQLAlchemy, and calls bounded in time."""
