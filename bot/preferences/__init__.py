"""What channels and teams chose, kept in the state database: the dossier a channel follows,
and a team's reply language, reply visibility and digest managers.

`lookup.Preferences` is what the composition root gives the core (its `PlaceLookup`) and the
/use and /settings commands; importing this package loads no SQLAlchemy.
"""
