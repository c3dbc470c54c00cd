"""The dossiers of a deployment, by short name, and which one channels follow by default.

A seeds folder is either one dossier (its own `*.yaml` files, today's layout) or a folder of
dossiers, one sub-folder each with its YAML and articles. A dossier in a sub-folder is named
by its folder (`seeds/stadium/` is `stadium`); the seeds folder as one dossier is named by its
`dossier.id`, else by its folder. A folder that cannot be served (a bad name, no YAML, a
problem in its records) is refused alone, with the file and line at fault: the others serve,
and a refused dossier that was served before keeps its last good version. Only the default
dossier must load, or the bot does not start.

The bot loads every dossier on start (`eager`); `dispute-bot ask` and the console load a
dossier when first asked for it, so answering from one never reads the others.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path

from bot.dossier import Dossier
from bot.dossier_names import DOSSIER_NAME
from bot.errors import ConfigError, CorpusError
from bot.matching.folding import slug
from bot.record import Record
from bot.snapshot import load_dossier

log = logging.getLogger("dispute_bot.library")

SKIPPED_FOLDERS = ("__pycache__",)  # and hidden ones (.git)


def _has_yaml(folder: Path) -> bool:
    return any(folder.glob("*.yaml")) or any(folder.glob("*.yml"))


class Layout(Record, frozen=True, kw_only=True):
    """What a seeds folder holds: one dossier, or a dossier per sub-folder."""

    seeds: Path
    single: bool  # the seeds folder is itself one dossier
    folders: Mapping[str, Path]  # name -> folder, for a folder of dossiers
    # Folders that cannot be dossiers, each with its problem (`folder/:0: ...`), by name.
    refused: Mapping[str, tuple[str, ...]]

    def owner(self, path: Path) -> str | None:
        """The dossier a file belongs to (for the watcher); None: the seeds folder itself."""
        if self.single:
            return None
        try:
            relative = path.resolve().relative_to(self.seeds.resolve())
        except ValueError:
            return None
        first = relative.parts[0] if len(relative.parts) > 1 else None
        return first if first in self.folders or first in self.refused else None


def find_dossiers(seeds: Path) -> Layout:
    """The layout of `seeds`; CorpusError when it holds no dossier at all."""
    if not seeds.is_dir():
        raise CorpusError([f"{seeds}:0: seeds folder not found"])
    subfolders = sorted(
        p
        for p in seeds.iterdir()
        if p.is_dir() and not p.name.startswith(".") and p.name not in SKIPPED_FOLDERS
    )
    refused: dict[str, tuple[str, ...]] = {}
    if _has_yaml(seeds):
        for folder in subfolders:
            if _has_yaml(folder):
                refused[folder.name] = (
                    f"{folder.name}/:0: a dossier in a folder of its own, but the seeds folder "
                    "is itself a dossier (its *.yaml files): move that one into a folder of "
                    "its own too",
                )
        return Layout(seeds=seeds, single=True, folders={}, refused=refused)
    folders: dict[str, Path] = {}
    for folder in subfolders:
        if not DOSSIER_NAME.match(folder.name):
            refused[folder.name] = (
                f"{folder.name}/:0: a dossier's folder is its short name: lowercase letters, "
                "digits and hyphens, at most 40 (rename the folder)",
            )
        elif not _has_yaml(folder):
            refused[folder.name] = (f"{folder.name}/:0: no *.yaml dossier file in this folder",)
        else:
            folders[folder.name] = folder
    if not folders and not refused:
        raise CorpusError(
            [f"{seeds}:0: no dossier: no *.yaml file in the seeds folder or in a folder of it"]
        )
    return Layout(seeds=seeds, single=False, folders=folders, refused=refused)


def in_folder(name: str, problems: Iterable[str]) -> tuple[str, ...]:
    """A dossier's problems named from the seeds folder: `stadium/dispute.yaml:3: ...`."""
    return tuple(p if p.startswith(f"{name}/") else f"{name}/{p}" for p in problems)


def load_named(folder: Path, name: str | None, snapshot_dir: Path | None) -> Dossier:
    """The dossier in `folder` (its problems named from the seeds folder when it has a
    `name`, i.e. it is one of several); CorpusError when broken."""
    try:
        return load_dossier(folder, snapshot_dir)
    except CorpusError as exc:
        raise CorpusError(list(in_folder(name, exc.problems)) if name else exc.problems) from exc


def single_name(dossier: Dossier, folder: Path) -> str:
    # a folder's name as a dossier name: `My Seeds` -> `my-seeds`
    return dossier.corpus.id or slug(folder.resolve().name, most=40) or "dossier"


class Library:
    """Every dossier by name: the ones served, the ones refused (and why), the default.

    Reads are lock-free (each map is replaced whole, never changed in place); a reload
    or a first lazy load changes them under a lock.
    """

    def __init__(
        self,
        served: Mapping[str, Dossier],
        *,
        default: str,
        refused: Mapping[str, tuple[str, ...]] | None = None,
        folders: Mapping[str, Path] | None = None,
        seeds: Path | None = None,
        snapshot_dir: Path | None = None,
        single: bool = True,
    ) -> None:
        self.default = default
        self.seeds = seeds
        self.snapshot_dir = snapshot_dir
        self.single = single
        self._served: dict[str, Dossier] = dict(served)
        self._refused: dict[str, tuple[str, ...]] = dict(refused or {})
        self._folders: dict[str, Path] = dict(folders or {})
        self._lock = threading.Lock()

    @classmethod
    def of(cls, dossiers: Dossier | Mapping[str, Dossier], *, default: str = "") -> Library:
        """Dossiers already loaded (tests, benchmarks): one, named by its id, or several."""
        if isinstance(dossiers, Dossier):
            root = Path(dossiers.corpus.root)
            dossiers = {single_name(dossiers, root): dossiers}
        return cls(dossiers, default=default or min(dossiers), single=len(dossiers) == 1)

    @classmethod
    def open(
        cls,
        seeds: Path,
        *,
        snapshot_dir: Path | None,
        default: str = "",
        eager: bool = True,
    ) -> Library:
        """The dossiers in `seeds`. Raises CorpusError when the default dossier is broken
        (or there is none), ConfigError when `default` names no dossier there."""
        layout = find_dossiers(seeds)
        if layout.single:
            dossier = load_dossier(seeds, snapshot_dir)
            name = single_name(dossier, seeds)
            if default and default != name:
                raise ConfigError(
                    f"default_dossier: {default!r} is not a dossier of {seeds}; it holds one "
                    f"dossier, {name!r}"
                )
            library = cls(
                {name: dossier},
                default=name,
                refused=layout.refused,
                folders={name: seeds},
                seeds=seeds,
                snapshot_dir=snapshot_dir,
            )
        else:
            known = sorted([*layout.folders, *layout.refused])
            chosen = default or next(iter(layout.folders), "") or known[0]
            if chosen not in known:
                raise ConfigError(
                    f"default_dossier: no dossier named {chosen!r} in {seeds} (there: "
                    f"{', '.join(known)})"
                )
            if chosen in layout.refused:
                raise CorpusError(list(layout.refused[chosen]))
            library = cls(
                {},
                default=chosen,
                refused=layout.refused,
                folders=layout.folders,
                seeds=seeds,
                snapshot_dir=snapshot_dir,
                single=False,
            )
            if eager:
                library._served[chosen] = load_named(layout.folders[chosen], chosen, snapshot_dir)
                for name in layout.folders:
                    library.get(name)
        for name, problems in library._refused.items():
            library.log_refusal(name, problems)
        return library

    # Reading

    @property
    def default_dossier(self) -> Dossier:
        """The default dossier (loaded now if it was not yet); CorpusError when broken."""
        found = self.get(self.default)
        if found is None:
            raise CorpusError(list(self.problems(self.default)))
        return found

    def names(self) -> tuple[str, ...]:
        """Every dossier the deployment knows, served or refused, by name."""
        return tuple(sorted({*self._served, *self._refused, *self._folders}))

    def served(self) -> dict[str, Dossier]:
        """The dossiers served now (loading any not loaded yet)."""
        for name in self.names():
            self.get(name)
        return dict(self._served)

    def get(self, name: str) -> Dossier | None:
        """The dossier served under `name` (loaded now if it was not yet); None when there is
        no such dossier or it was refused and never served."""
        found = self._served.get(name)
        if found is not None or name not in self._folders or name in self._refused:
            return found
        with self._lock:
            if name in self._served or name in self._refused:
                return self._served.get(name)
            try:
                dossier = load_named(self._folders[name], name, self.snapshot_dir)
            except CorpusError as exc:
                self._refused = {**self._refused, name: tuple(exc.problems)}
                self.log_refusal(name, tuple(exc.problems))
                return None
            self._served = {**self._served, name: dossier}
            return dossier

    def problems(self, name: str) -> tuple[str, ...]:
        """Why `name`'s files are refused; () when it is served as they are."""
        return self._refused.get(name, ())

    def folder(self, name: str) -> Path | None:
        return self._folders.get(name)

    def title(self, name: str, locale: str) -> str:
        """The dossier's title in `locale` (loading it if need be), or its name while it has
        none to show."""
        dossier = self.get(name)
        if dossier is None:
            return name
        title = dossier.corpus.title
        return (title.fr if locale == "fr" else title.en) or title.en or name

    # Changing (a reload: bot.reload)

    def update(
        self,
        *,
        served: Mapping[str, Dossier],
        refused: Mapping[str, tuple[str, ...]],
        folders: Mapping[str, Path],
        dropped: Iterable[str] = (),
    ) -> None:
        """Serve `served`, mark `refused` (their last good version, if any, stays served),
        forget `dropped`, in one step per map."""
        with self._lock:
            gone = set(dropped)
            kept = {n: d for n, d in self._served.items() if n not in gone}
            self._served = {**kept, **served}
            still = {n: p for n, p in self._refused.items() if n not in served and n not in gone}
            self._refused = {**still, **refused}
            self._folders = {
                **{n: f for n, f in self._folders.items() if n not in gone},
                **folders,
            }

    def swap(self, name: str, dossier: Dossier) -> None:
        """Serve `dossier` as `name` (its refusal, if any, is over)."""
        self.update(served={name: dossier}, refused={}, folders={})

    @staticmethod
    def log_refusal(name: str, problems: tuple[str, ...]) -> None:
        for problem in problems:
            log.error("dossier %s refused: %s", name, problem, extra={"dossier": name})
