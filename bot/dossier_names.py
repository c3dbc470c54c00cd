"""What a dossier's short name may be (`/dispute use NAME`): checked by the corpus, the
settings and the library alike, and light enough for the settings to import."""

from __future__ import annotations

import re

# Lowercase letters, digits and hyphens, at most 40.
DOSSIER_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
