"""The bot's frozen records: msgspec Structs, with keyword fields, pickled compactly.

A Struct's class is built in C; a frozen dataclass has each of its methods written and
compiled at import, which for some forty of them was a sixth of a cold `dispute-bot ask`.
"""

from __future__ import annotations

from typing import Any

from msgspec import Struct


class Record(Struct, frozen=True, kw_only=True):
    """A frozen record whose fields are given by name (its subclasses inherit both).

    Pickled as its values in field order: msgspec pickles a keyword Struct as a dict of its
    fields, which the unpickler keeps until the end of the load, and the dossier's snapshot
    (bot/snapshot.py) of 100,000 quotes then took 100 MB more to read back.
    """

    def __reduce__(self) -> tuple[Any, ...]:
        return _rebuilt, (type(self), *(getattr(self, name) for name in self.__struct_fields__))


def _rebuilt(cls: type[Record], *values: Any) -> Record:
    return cls(**dict(zip(cls.__struct_fields__, values, strict=True)))
