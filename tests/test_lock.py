"""requirements.lock (make lock) pins what pyproject.toml asks for; one version, one changelog.

Changing a dependency in pyproject.toml without ``make lock`` fails here: every requirement
(runtime, dev extra, build system) must be satisfied by a pinned version with hashes, for
Linux and Python 3.11 — the platform the lock is made for.
"""

from __future__ import annotations

import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

import kttt
from kttt.config import LOCK_FILE, REPO_ROOT

# The platform the lock is compiled for (Makefile: LOCK_PYTHON, LOCK_PLATFORM).
LOCK_ENVIRONMENT = {"python_version": "3.11", "python_full_version": "3.11.0", "sys_platform": "linux",
                    "platform_system": "Linux", "platform_machine": "x86_64", "os_name": "posix",
                    "implementation_name": "cpython", "platform_python_implementation": "CPython", "extra": ""}
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def pins(text: str) -> dict[str, tuple[Version, list[str]]]:
    """Package → (pinned version, sha256 hashes) of a ``uv pip compile --generate-hashes`` file."""
    found: dict[str, tuple[Version, list[str]]] = {}
    current = None
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = _PIN.match(stripped)
        if match:
            current = canonicalize_name(match.group(1))
            found[current] = (Version(match.group(2)), [])
        elif stripped.startswith("--hash=sha256:") and current:
            found[current][1].append(stripped.split(":", 1)[1].rstrip(" \\"))
        else:
            raise AssertionError(f"unexpected line in the lock file: {line!r}")
    return found


def pyproject_requirements(data: dict) -> list[Requirement]:
    """Runtime, dev-extra and build-system requirements of pyproject.toml."""
    project = data["project"]
    specs = [*project["dependencies"], *project["optional-dependencies"]["dev"], *data["build-system"]["requires"]]
    return [Requirement(s) for s in specs]


def unmet(requirements: list[Requirement], locked: dict[str, tuple[Version, list[str]]]) -> list[str]:
    """The requirements the lock does not satisfy (on the lock's platform), as messages.

    >>> locked = {"pandas": (Version("3.1.1"), ["ab"])}
    >>> unmet([Requirement("pandas>=2.2")], locked), unmet([Requirement("pandas>=4")], locked)
    ([], ['pandas>=4: the lock pins 3.1.1 — run make lock'])
    >>> unmet([Requirement("numpy>=1.26")], locked)
    ['numpy>=1.26: not in the lock — run make lock']
    """
    problems = []
    for req in requirements:
        if req.marker is not None and not req.marker.evaluate(LOCK_ENVIRONMENT):
            continue
        name = canonicalize_name(req.name)
        if name not in locked:
            problems.append(f"{req}: not in the lock — run make lock")
        elif not req.specifier.contains(locked[name][0], prereleases=True):
            problems.append(f"{req}: the lock pins {locked[name][0]} — run make lock")
    return problems


@pytest.fixture(scope="module")
def locked() -> dict[str, tuple[Version, list[str]]]:
    return pins(LOCK_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def pyproject() -> dict:
    return tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_every_requirement_is_pinned_by_the_lock(locked: dict, pyproject: dict) -> None:
    problems = unmet(pyproject_requirements(pyproject), locked)
    assert not problems, "\n".join(problems)


def test_every_pin_is_exact_and_hashed(locked: dict) -> None:
    assert len(locked) > 50
    for name, (_version, hashes) in locked.items():
        assert hashes and all(re.fullmatch(r"[0-9a-f]{64}", h) for h in hashes), name
    assert "kttt" not in locked  # the project itself is installed from the work tree (--no-deps)


def test_a_changed_dependency_without_a_new_lock_fails(locked: dict, pyproject: dict) -> None:
    changed = pyproject_requirements(pyproject) + [Requirement("pandas>=99"), Requirement("pendulum>=3")]
    assert unmet(changed, locked) == ["pandas>=99: the lock pins " + str(locked["pandas"][0]) + " — run make lock",
                                      "pendulum>=3: not in the lock — run make lock"]


def test_the_lock_is_for_the_projects_python(pyproject: dict) -> None:
    from packaging.specifiers import SpecifierSet

    makefile = (REPO_ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^LOCK := (\S+)$", makefile, re.M).group(1) == LOCK_FILE.name  # one file name
    python = re.search(r"^LOCK_PYTHON := (\S+)$", makefile, re.M).group(1)
    assert python == LOCK_ENVIRONMENT["python_version"]
    assert Version(python + ".0") in SpecifierSet(pyproject["project"]["requires-python"])
    assert "--require-hashes -r $(LOCK)" in makefile and "--no-deps" in makefile
    assert "make lock" in LOCK_FILE.read_text(encoding="utf-8").splitlines()[1]


@pytest.mark.skipif(Path(sys.prefix).resolve() != (REPO_ROOT / ".venv").resolve(),
                    reason="not the repository's .venv (installed from the lock by make setup)")
def test_the_virtual_environment_is_the_locked_one(locked: dict) -> None:
    installed = {canonicalize_name(d.metadata["Name"]): Version(d.version) for d in metadata.distributions()}
    differ = {name: (str(v), str(installed.get(name))) for name, (v, _) in locked.items()
              if name in installed and installed[name] != v}
    missing = sorted(name for name in locked if name not in installed)
    assert not differ and not missing, f"run make setup: differ {differ}, missing {missing}"


def test_one_version(pyproject: dict) -> None:
    assert "version" in pyproject["project"]["dynamic"] and "version" not in pyproject["project"]
    assert pyproject["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "kttt.__version__"}
    assert metadata.version("kttt") == kttt.__version__, "reinstall: make setup"


def test_the_changelog_has_this_version() -> None:
    text = (REPO_ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "Keep a Changelog" in text and "## [Unreleased]" in text
    released = re.findall(r"^## \[(\d+\.\d+\.\d+)\] - (\d{4}-\d{2}-\d{2})$", text, re.M)
    assert released and released[0][0] == kttt.__version__  # the newest entry is the current version
