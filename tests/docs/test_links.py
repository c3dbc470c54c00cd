"""No dead links: every relative link (and its anchor) in README.md and docs/*.md resolves."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT

PAGES = [PROJECT_ROOT / "README.md", *sorted((PROJECT_ROOT / "docs").glob("*.md"))]
_FENCE = re.compile(r"^(```|~~~)")
_INLINE_CODE = re.compile(r"`[^`]*`")
_LINK = re.compile(r"\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_REFERENCE = re.compile(r"^\s*\[[^\]]+\]:\s*(\S+)")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_EXTERNAL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)  # https:, mailto:, ...


def _prose(page: Path) -> list[str]:
    """The page's lines outside fenced code blocks (links and headings in code are text)."""
    lines, fenced = [], False
    for line in page.read_text(encoding="utf-8").splitlines():
        fence = bool(_FENCE.match(line.strip()))
        fenced ^= fence
        lines.append("" if fenced or fence else line)
    return lines


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lowercase, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link keeps its text
    text = re.sub(r"<[^>]+>", "", text).replace("`", "").strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    seen: dict[str, int] = {}
    found = set()
    for line in _prose(page):
        match = _HEADING.match(line)
        if not match:
            continue
        base = slug(match.group(2))
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def links(page: Path) -> list[tuple[int, str]]:
    found = []
    for number, line in enumerate(_prose(page), 1):
        text = _INLINE_CODE.sub("", line)
        targets = [m.group(1) for m in _LINK.finditer(text)]
        if reference := _REFERENCE.match(text):
            targets.append(reference.group(1))
        found += [(number, target) for target in targets if not _EXTERNAL.match(target)]
    return found


def problems_of(page: Path, root: Path = PROJECT_ROOT) -> list[str]:
    problems = []
    for number, target in links(page):
        path_part, _, anchor = target.partition("#")
        where = f"{page.relative_to(root)}:{number}: {target}"
        destination = (page.parent / path_part).resolve() if path_part else page
        if not destination.exists():
            problems.append(f"{where}: no such file")
        elif anchor and destination.suffix == ".md" and anchor not in anchors(destination):
            problems.append(f"{where}: no heading #{anchor} in {destination.name}")
        elif anchor and destination.suffix != ".md":
            problems.append(f"{where}: an anchor into a file that is not Markdown")
    return problems


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_every_relative_link_and_anchor_resolves(page: Path) -> None:
    assert problems_of(page) == []


def test_the_readme_stays_short_and_links_every_page_of_the_docs() -> None:
    readme = PROJECT_ROOT / "README.md"
    assert len(readme.read_text(encoding="utf-8").splitlines()) <= 200
    linked = {(readme.parent / t.partition("#")[0]).resolve() for _, t in links(readme)}
    assert {p.resolve() for p in PAGES[1:]} <= linked


def test_the_checker_sees_a_dead_link_and_a_dead_anchor(tmp_path: Path) -> None:
    """The checker itself: a page with a broken file link and a broken anchor is reported."""
    (tmp_path / "other.md").write_text("# Under faults: what the bot promises\n", encoding="utf-8")
    page = tmp_path / "page.md"
    page.write_text(
        "# Title\n\n"
        "[ok](other.md#under-faults-what-the-bot-promises) [here](#title) "
        "[web](https://example.org/x) `[code](missing.md)`\n"
        "[gone](missing.md) [bad anchor](other.md#nowhere) [self](#nope)\n"
        "```\n[in a fence](missing-too.md)\n```\n",
        encoding="utf-8",
    )
    assert problems_of(page, root=tmp_path) == [
        "page.md:4: missing.md: no such file",
        "page.md:4: other.md#nowhere: no heading #nowhere in other.md",
        "page.md:4: #nope: no heading #nope in page.md",
    ]


def test_the_docs_named_by_the_build_files_and_the_code_exist() -> None:
    """pyproject.toml, the Dockerfile, the Makefile and the code point readers to docs/ too."""
    named = [PROJECT_ROOT / n for n in ("pyproject.toml", "Dockerfile", "Makefile", "setup.py")]
    named += [*(PROJECT_ROOT / "bot").rglob("*.py"), *(PROJECT_ROOT / "handlers").rglob("*.py")]
    missing = [
        f"{path.relative_to(PROJECT_ROOT)}: {doc}"
        for path in named
        for doc in re.findall(r"docs/[\w./-]+\.md", path.read_text(encoding="utf-8"))
        if not (PROJECT_ROOT / doc).is_file()
    ]
    assert missing == []
