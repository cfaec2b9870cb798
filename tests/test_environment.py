"""environment.yml (conda, Binder) and pyproject.toml (pip) install the same packages; postBuild installs ours."""

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
# Extras that only `make site` and `make test-browser` install into .venv: conda and Binder users need neither.
MAKE_ONLY_EXTRAS = {"site", "browser"}


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


def test_every_extra_is_in_the_conda_environment_or_left_to_make():
    extras = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"])
    assert extras == {"test"} | MAKE_ONLY_EXTRAS


def test_conda_asks_for_the_python_that_pyproject_requires():
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert re.search(rf"^  - python{re.escape(requires)}$", (ROOT / "environment.yml").read_text(), re.M)


def test_conda_environment_installs_the_package_itself():
    environment = (ROOT / "environment.yml").read_text()
    assert "- conda-forge" in environment and re.search(r"- pip:\n\s+- -e \.", environment)


def test_binder_builds_the_environment_then_installs_the_package_itself():
    post_build = ROOT / "postBuild"
    assert post_build.stat().st_mode & 0o111, "postBuild must be executable"
    assert re.search(r"^python -m pip install --no-deps -e \.$", post_build.read_text(), re.M)


def test_the_workshop_packages_are_all_there():
    assert {"jax", "jaxlib", "numpy", "matplotlib", "scikit-learn", "jupyterlab", "nbval"} <= set(pip_requirements())
