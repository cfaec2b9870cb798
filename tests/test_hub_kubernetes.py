"""hub/kubernetes/values.yaml: it loads, uses only keys the zero-to-jupyterhub chart knows, and asks for the
memory the sizing table in hub/README.md measured."""

import re
from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml")

KUBERNETES = Path(__file__).resolve().parent.parent / "hub" / "kubernetes"
README = KUBERNETES.parent / "README.md"
UNITS = {"K": 1e3, "M": 1e6, "G": 1e9, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30}


def values():
    return yaml.safe_load((KUBERNETES / "values.yaml").read_text(encoding="utf-8"))


def chart_keys() -> set[str]:
    lines = (KUBERNETES / "chart-keys.txt").read_text().splitlines()
    return {line for line in lines if line and not line.startswith("#")}


def key_paths(tree, prefix=""):
    for key, value in tree.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        yield path
        if isinstance(value, dict):
            yield from key_paths(value, path)


def unknown_keys(tree, known: set[str]) -> list[str]:
    """Paths the chart does not know: neither listed nor below a listed `prefix.*`."""
    def known_path(path):
        parts = path.split(".")
        return path in known or any(".".join(parts[:i]) + ".*" in known for i in range(1, len(parts)))
    return [path for path in key_paths(tree) if not known_path(path)]


def in_bytes(quantity: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)\s*([KMG]i?)?", str(quantity)).groups()
    return float(number) * UNITS.get(unit, 1)


def test_values_use_only_keys_the_chart_knows():
    assert unknown_keys(values(), chart_keys()) == []


def test_the_key_check_catches_a_misspelt_key():
    wrong = values()
    wrong["singleuser"]["memmory"] = {"limit": "2G"}
    wrong["cull"]["timeoutSeconds"] = 60
    assert unknown_keys(wrong, chart_keys()) == ["singleuser.memmory", "singleuser.memmory.limit",
                                                  "cull.timeoutSeconds"]
    # Keys under a free-form section (JupyterHub's own configuration) are the hub's business.
    assert unknown_keys({"hub": {"config": {"Spawner": {"anything": 1}}}}, chart_keys()) == []


def measured_memory_mb() -> float:
    """The memory per attendee after Run All, from the sizing table of hub/README.md."""
    lines = README.read_text(encoding="utf-8").splitlines()
    row = next(line for line in lines if line.startswith("| memory per attendee"))
    return float(re.search(r"(\d+) MB", row).group(1))


def test_memory_guarantee_and_limit_follow_the_sizing_table():
    memory = values()["singleuser"]["memory"]
    measured = measured_memory_mb() * 1e6
    assert measured <= in_bytes(memory["guarantee"]) <= 2 * measured
    assert in_bytes(memory["limit"]) >= 3 * measured  # room for a second notebook and its compiled programs


def test_idle_attendees_are_culled():
    config = values()
    assert config["cull"]["enabled"] and 0 < config["cull"]["timeout"] <= 4 * 3600
