"""One set of pins everywhere: pyproject.toml declares, requirements.lock pins, conda and Binder install the lock."""

import re
import tomllib
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s;]+)(?:\s*;\s*(.+))?$", re.M)
# Extras that only `make site`, `make test-browser` and `make hub` install, from requirements-extras.lock.
MAKE_ONLY_EXTRAS = {"site", "browser", "hub"}


def pins(lock: str, python: str = "3.11") -> dict[str, str]:
    """``{name: version}`` that ``lock`` installs on Linux with Python ``python``."""
    environment = {"python_version": python, "python_full_version": f"{python}.0", "sys_platform": "linux",
                   "platform_system": "Linux", "implementation_name": "cpython", "platform_machine": "x86_64"}
    found = {}
    for name, version, marker in PIN.findall((ROOT / lock).read_text()):
        if not marker or Marker(marker).evaluate(environment):
            found[canonicalize_name(name)] = version
    return found


def declared(*extras: str) -> list[Requirement]:
    requirements = PROJECT["dependencies"] + [r for extra in extras for r in PROJECT["optional-dependencies"][extra]]
    return [Requirement(r) for r in requirements]


def assert_pinned_within_the_declared_ranges(lock, extras):
    for python in ("3.11", "3.12", "3.13"):
        pinned = pins(lock, python)
        for requirement in declared(*extras):
            name = canonicalize_name(requirement.name)
            assert name in pinned, f"{lock} does not pin {name} for Python {python}: run `make lock`"
            assert requirement.specifier.contains(pinned[name]), f"{lock} pins {name}=={pinned[name]}: {requirement}"


def test_the_lock_pins_every_dependency_within_its_declared_range():
    assert_pinned_within_the_declared_ranges("requirements.lock", ["test"])


def test_the_extras_lock_adds_the_website_browser_and_hub_packages_at_the_same_pins():
    assert_pinned_within_the_declared_ranges("requirements-extras.lock", ["test", *MAKE_ONLY_EXTRAS])
    base, extras = pins("requirements.lock"), pins("requirements-extras.lock")
    assert {name: extras.get(name) for name in base} == base


def test_every_extra_is_locked_for_make_test_or_left_to_make():
    assert set(PROJECT["optional-dependencies"]) == {"test"} | MAKE_ONLY_EXTRAS


def test_conda_and_binder_install_the_lock_with_the_python_pyproject_requires():
    environment = (ROOT / "environment.yml").read_text()
    assert "- conda-forge" in environment
    assert re.search(r"- pip:\n\s+- -r requirements\.lock\n\s+- -e \.", environment)
    python = re.search(r"^  - python=(\d+\.\d+)$", environment, re.M).group(1)
    assert re.fullmatch(r">=(\d+\.\d+)", PROJECT["requires-python"]).group(1) == python


def test_binder_builds_the_environment_then_installs_the_package_itself():
    post_build = ROOT / "postBuild"
    assert post_build.stat().st_mode & 0o111, "postBuild must be executable"
    assert re.search(r"^python -m pip install --no-deps -e \.$", post_build.read_text(), re.M)


def test_the_workshop_packages_are_all_there():
    names = {canonicalize_name(r.name) for r in declared("test")}
    assert {"jax", "jaxlib", "numpy", "matplotlib", "scikit-learn", "jupyterlab", "nbval", "optax", "flax"} <= names
