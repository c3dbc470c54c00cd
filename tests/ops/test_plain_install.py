"""A plain install works anywhere: the wheel carries the default config and the first dossier.

How the install is made, and why it still proves what `pip install dispute-bot` gives:

- The wheel is built once per run with `pip wheel --no-deps` from a copy of exactly what the
  Dockerfile copies (pyproject.toml, setup.py, README.md, bot/, handlers/, config/, seeds/),
  so a file the package needs but the build leaves out fails here, and no stale `build/`
  folder of the checkout can slip a file in.
- The fresh venv is made without pip and without the system's site-packages; the wheel is
  installed into it with `pip --python <venv> install --no-deps --no-index`, so `bot`,
  `handlers`, `config/` and `seeds/` can only come from the wheel.
- Its dependencies are not downloaded again: one `.pth` line puts the project's own venv
  site-packages after the fresh venv's. That venv holds the dependencies at the versions the
  rest of the suite tests, and no copy of the bot: the editable install reaches the checkout
  through an import hook started by a `.pth` file of that site-packages, and Python runs the
  `.pth` files of site directories only, not those of a folder a `.pth` line adds. The probe
  below checks it: no module of the run comes from the checkout. Downloading and unpacking
  thirty dependencies would make this test ten times slower and prove nothing more about
  the package's own files.
- Every command runs from an empty directory with an empty environment (no variable at all),
  as after `pipx install`.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.config import DEFAULT_CONFIG, PROJECT_ROOT, load_settings

SOURCES = ("pyproject.toml", "setup.py", "README.md", "bot", "handlers", "config", "seeds")
_PROBE = """
import contextlib, io, json, sys
from bot.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    main(["ask", "/quote trump"])
files = [getattr(m, "__file__", None) or "" for m in list(sys.modules.values())]
print(json.dumps({"bot": sys.modules["bot"].__file__, "files": files}))
"""


@dataclass(frozen=True, slots=True, kw_only=True)
class Installed:
    wheel: Path
    venv: Path
    workdir: Path  # empty, the working directory of every command

    def run(
        self, *args: str, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.venv / "bin" / "dispute-bot"), *args],
            cwd=self.workdir,
            env=env or {},
            capture_output=True,
            text=True,
            timeout=60,
        )


def _copy_sources(target: Path) -> None:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in SOURCES:
        source = PROJECT_ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=ignore)
        else:
            shutil.copy2(source, target / name)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    root = tmp_path_factory.mktemp("plain-install")
    source, wheels, venv, workdir = (root / n for n in ("src", "wheels", "venv", "empty"))
    source.mkdir()
    workdir.mkdir()
    _copy_sources(source)
    pip = [sys.executable, "-m", "pip"]
    subprocess.run([*pip, "wheel", "--no-deps", "-q", "-w", wheels, source], check=True)
    (wheel,) = wheels.glob("dispute_bot-*.whl")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True)
    site = Path(sysconfig.get_paths(vars={"base": str(venv), "platbase": str(venv)})["purelib"])
    (site / "project-dependencies.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8"
    )
    python = venv / "bin" / "python"
    subprocess.run(
        [*pip, "--python", python, "install", "--no-deps", "--no-index", "-q", wheel], check=True
    )
    return Installed(wheel=wheel, venv=venv, workdir=workdir)


def test_the_wheel_carries_the_code_the_sentences_the_default_config_and_the_first_dossier(
    installed: Installed,
) -> None:
    with zipfile.ZipFile(installed.wheel) as wheel:
        names = set(wheel.namelist())
    expected = {
        str(path.relative_to(PROJECT_ROOT))
        for folder in ("bot", "handlers")
        for pattern in ("*.py", "*.mo")  # the code, and the compiled sentence catalogue
        for path in (PROJECT_ROOT / folder).rglob(pattern)
    }
    for folder in ("config", "seeds"):
        for path in (PROJECT_ROOT / folder).rglob("*"):
            if path.is_file():
                expected.add(f"bot/shipped/{path.relative_to(PROJECT_ROOT)}")
    assert expected - names == set()
    assert not [n for n in names if n.startswith(("tests/", "bench/", "config/", "seeds/"))]


def test_ask_and_corpus_check_work_from_an_empty_directory_with_no_environment(
    installed: Installed,
) -> None:
    answer = installed.run("ask", "/quote trump")
    assert answer.returncode == 0, answer.stderr
    assert answer.stdout.startswith("Quotes by Donald Trump\n")
    assert "« J'ordonne à TOUTES les agences fédérales" in answer.stdout
    assert "« cesser immédiatement toute utilisation »" not in answer.stdout  # a fragment of it

    check = installed.run("corpus", "check")
    assert check.returncode == 0, check.stderr
    shipped = installed.venv / "lib"
    assert check.stdout.startswith(str(shipped)), check.stdout
    assert "/bot/shipped/seeds: OK: 2 articles, 12 actors, 18 quotes (all verbatim)" in (
        check.stdout
    )
    assert list(installed.workdir.iterdir()) == []  # nothing written where it was run


def test_every_module_and_file_of_the_run_comes_from_the_wheel(installed: Installed) -> None:
    probe = subprocess.run(
        [str(installed.venv / "bin" / "python"), "-c", _PROBE],
        cwd=installed.workdir,
        env={},
        capture_output=True,
        text=True,
        check=True,
    )
    seen = json.loads(probe.stdout)
    assert seen["bot"].startswith(str(installed.venv))
    checkout = tuple(f"{PROJECT_ROOT / name}/" for name in ("bot", "handlers"))
    assert [f for f in seen["files"] if f.startswith(checkout)] == []
    assert any(f.startswith(f"{installed.venv}/") and "/handlers/" in f for f in seen["files"])
    config = installed.run("config", "check")
    assert config.returncode == 0, config.stderr
    assert f"# dispute-bot configuration: {installed.venv}/lib/" in config.stdout
    assert "/bot/shipped/config/default.yaml < environment" in config.stdout


def test_a_seeds_folder_a_config_or_a_home_still_override_the_shipped_ones(
    installed: Installed, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    shutil.copytree(PROJECT_ROOT / "seeds", home / "seeds")
    (home / "config").mkdir()
    (home / "config" / "default.yaml").write_text("locale: fr\n", encoding="utf-8")
    french = installed.run("ask", "/quote trump", env={"DISPUTE_BOT_HOME": str(home)})
    assert french.returncode == 0, french.stderr
    assert french.stdout.startswith("Citations de Donald Trump\n")
    check = installed.run("corpus", "check", env={"DISPUTE_BOT_HOME": str(home)})
    assert check.stdout.startswith(f"{home / 'seeds'}: OK"), check.stdout

    broken = tmp_path / "broken"
    broken.mkdir()
    for how in (["--seeds", str(broken), "corpus", "check"], ["corpus", "check", str(broken)]):
        refused = installed.run(*how)
        assert refused.returncode == 1
        assert f"problem(s) in {broken}" in refused.stderr
    by_variable = installed.run("corpus", "check", env={"DISPUTE_BOT_SEEDS": str(broken)})
    assert f"problem(s) in {broken}" in by_variable.stderr

    mine = tmp_path / "mine.yaml"
    mine.write_text(f"seeds: {home / 'seeds'}\nlocale: fr\n", encoding="utf-8")
    for how in (["--config", str(mine)], []):
        env = {} if how else {"DISPUTE_BOT_CONFIG": str(mine)}
        answer = installed.run(*how, "ask", "/quote trump", env=env)
        assert answer.stdout.startswith("Citations de Donald Trump\n"), answer.stderr


def test_a_checkout_reads_its_own_config_and_seeds_folders() -> None:
    """In the repository (an editable install, or PYTHONPATH), edits apply without reinstall."""
    assert DEFAULT_CONFIG == PROJECT_ROOT / "config" / "default.yaml"
    assert load_settings(environ={}).seeds == PROJECT_ROOT / "seeds"
