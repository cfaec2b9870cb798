"""environment.yml (conda) and pyproject.toml (pip) install the same packages."""

import re
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9_.\-]+)\s*([<>=!~][^;]*)?")
NOT_PACKAGES = {"python", "pip"}


def normalise(requirement: str) -> tuple[str, str]:
    """('scikit-learn', '>=1.4') from 'scikit_learn >= 1.4'."""
    name, spec = REQUIREMENT.match(requirement).groups()
    return re.sub(r"[-_.]+", "-", name).lower(), (spec or "").replace(" ", "")


def pip_requirements() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = project["dependencies"] + project["optional-dependencies"]["test"]
    return dict(normalise(r) for r in requirements if "python_version" not in r)


def conda_requirements() -> dict[str, str]:
    lines = (ROOT / "environment.yml").read_text().split("dependencies:")[1].splitlines()
    entries = [line.strip()[2:] for line in lines if re.match(r"^  - [^\s]", line)]
    return dict(normalise(e) for e in entries if normalise(e)[0] not in NOT_PACKAGES)


def test_conda_and_pip_list_the_same_packages_and_versions():
    assert conda_requirements() == pip_requirements()


def test_conda_environment_installs_the_package_itself():
    text = (ROOT / "environment.yml").read_text()
    assert "- conda-forge" in text and re.search(r"- pip:\n\s+- -e \.", text)


def test_the_workshop_packages_are_all_there():
    assert {"jax", "jaxlib", "numpy", "matplotlib", "scikit-learn", "jupyterlab", "nbval"} <= set(pip_requirements())
