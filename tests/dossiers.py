"""Two dossiers in one deployment, for the tests: the shipped one and an invented stadium
dispute (tests/fixtures/dossiers/stadium), which ships with the tests only."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.config import PROJECT_ROOT

SHIPPED = PROJECT_ROOT / "seeds"
STADIUM = Path(__file__).resolve().parent / "fixtures" / "dossiers" / "stadium"
ANTHROPIC = "anthropic-pentagon-2026"  # the shipped dossier's name (its dossier.id)
ANTHROPIC_TITLE = "Anthropic vs the US Department of Defense (2026)"
STADIUM_TITLE = "Town hall vs football club"
# A quote of each, found by its speaker: it tells which dossier answered.
MAYOR_SAYS = "Le stade restera public"
TRUMP_SAYS = "erreur désastreuse"


def two_dossiers(root: Path) -> Path:
    """A seeds folder of two dossiers, a folder each: the shipped one (first by name, so the
    default) and the stadium."""
    seeds = root / "seeds"
    shutil.copytree(SHIPPED, seeds / ANTHROPIC)
    shutil.copytree(STADIUM, seeds / "stadium")
    return seeds


def break_stadium(seeds: Path) -> str:
    """Make the stadium's YAML refer to a speaker nobody knows; returns the problem as the
    bot reports it (`stadium/dispute.yaml:LINE: ...`)."""
    path = seeds / "stadium" / "dispute.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    number = next(n for n, line in enumerate(lines, 1) if "speaker: club" in line)
    lines[number - 1] = lines[number - 1].replace("speaker: club", "speaker: nobody")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return f"stadium/dispute.yaml:{number}: quote: unknown speaker 'nobody'"
