"""Ships the repository's config/ and seeds/ inside the package, as bot/shipped/.

pyproject.toml says everything else (the files each package carries, in package-data). What
it cannot say is a package whose files live outside the package's folder: the two folders
stay at the top of the repository (one copy, edited there) and the wheel carries them as
bot/shipped/config and bot/shipped/seeds, which bot/config.py reads when it finds them. An
editable install reads the repository's folders.
"""

from setuptools import find_namespace_packages, setup

SHIPPED = {"bot.shipped.config": "config", "bot.shipped.seeds": "seeds"}
# The folders inside them (seeds/articles) are packages of their own to setuptools.
FOLDERS = [
    f"{package}.{folder}"
    for package, top in SHIPPED.items()
    for folder in find_namespace_packages(where=top)
]

setup(
    packages=[
        *find_namespace_packages(include=["bot", "bot.*", "handlers", "handlers.*"]),
        *SHIPPED,
        *FOLDERS,
    ],
    package_dir=SHIPPED,
)
