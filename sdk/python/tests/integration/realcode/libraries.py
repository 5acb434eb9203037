"""The pinned libraries whose own test suites run plain and fully tracked (test_real_libraries.py).

Each is the sdist from PyPI, which ships the library's tests. `fetch` downloads it once with pip
into the cache folder (sdk/python/.venv/realcode by default, or RUNTIME_HUB_REALCODE_CACHE) and
unpacks it there; later runs use the unpacked copy and need no network.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
from dataclasses import dataclass
from pathlib import Path

SDK = Path(__file__).resolve().parents[3]


@dataclass(frozen=True)
class Library:
    dist: str  # the PyPI name
    version: str
    package: str  # the import name
    src: str  # where the package lives inside the sdist
    tests: str  # the test folder inside the sdist

    @property
    def folder(self) -> str:
        return f"{self.dist}-{self.version}"


# Pure Python, well known, with suites that run in seconds; chosen for what they exercise:
# generators and iterators everywhere (StopIteration as control flow), deques, recursion and
# curried re-exports (toolz), KeyError as control flow and functions compared by identity
# (cachetools).
LIBRARIES = (
    Library("more-itertools", "10.5.0", "more_itertools", ".", "tests"),
    Library("toolz", "1.0.0", "toolz", ".", "toolz/tests"),
    Library("cachetools", "5.5.0", "cachetools", "src", "tests"),
)


def cache_dir() -> Path:
    return Path(os.environ.get("RUNTIME_HUB_REALCODE_CACHE") or SDK / ".venv" / "realcode")


def fetch(lib: Library) -> Path:
    """The unpacked sdist's folder, downloading it the first time."""
    cache = cache_dir()
    root = cache / lib.folder
    if (root / lib.tests).is_dir():
        return root
    cache.mkdir(parents=True, exist_ok=True)
    archive = cache / f"{lib.folder}.tar.gz"
    if not archive.exists():
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check", "--no-deps",
             "--no-binary", ":all:", "--dest", str(cache), f"{lib.dist}=={lib.version}"],
            check=True, timeout=600,
        )
        if not archive.exists():  # newer sdists use the normalized name
            candidates = list(cache.glob(f"{lib.package}-{lib.version}.tar.gz"))
            if not candidates:
                raise RuntimeError(f"pip did not leave an sdist of {lib.dist} {lib.version} in {cache}")
            candidates[0].rename(archive)
    with tarfile.open(archive) as tar:
        tar.extractall(cache, filter="data") if sys.version_info >= (3, 12) else tar.extractall(cache)  # noqa: S202
    return root
