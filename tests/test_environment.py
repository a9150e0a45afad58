"""environment.yml (conda users) and pyproject.toml (pip) list the same dependencies."""

from __future__ import annotations

import re
import tomllib

import yaml

from kttt.config import REPO_ROOT


def _name(spec: str) -> str:
    return re.split(r"[<>=!~ \[]", spec.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pyproject() -> dict[str, str]:
    data = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    specs = data["project"]["dependencies"] + data["project"]["optional-dependencies"]["dev"]
    return {_name(s): s.replace(" ", "") for s in specs}


def _conda() -> tuple[dict[str, str], list[object]]:
    env = yaml.safe_load((REPO_ROOT / "environment.yml").read_text(encoding="utf-8"))
    deps = {_name(d): d.replace(" ", "") for d in env["dependencies"] if isinstance(d, str)}
    pip = [d for d in env["dependencies"] if isinstance(d, dict)]
    return deps, pip


def test_same_packages_and_versions() -> None:
    conda, _ = _conda()
    conda = {k: v for k, v in conda.items() if k not in ("python", "pip")}
    assert conda == _pyproject()


def test_conda_env_uses_conda_forge_and_installs_kttt_editable() -> None:
    env = yaml.safe_load((REPO_ROOT / "environment.yml").read_text(encoding="utf-8"))
    assert env["channels"] == ["conda-forge"]
    _, pip = _conda()
    assert pip == [{"pip": ["-e ."]}]
    assert env["dependencies"][-1] == {"pip": ["-e ."]}


def test_python_versions_agree() -> None:
    data = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    conda, _ = _conda()
    assert data["project"]["requires-python"] == ">=3.11" and conda["python"] == "python>=3.11"


def test_indicator_docs_are_generated_from_the_registry() -> None:
    from kttt.indicators.doc import markdown

    assert (REPO_ROOT / "docs" / "indicators.md").read_text(encoding="utf-8") == markdown(), (
        "run: python -m kttt.indicators.doc > docs/indicators.md")
