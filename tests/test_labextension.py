"""The workshop's JupyterLab extension is committed built (labextension/prebuilt), so installing it needs no node:
the build must be the one of today's source. `make labextension` rebuilds it and records the source's hash."""

import hashlib
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "labextension"
BUILT = SOURCE / "prebuilt"
# The files the build is made from, in the order `make labextension` hashes them.
INPUTS = ("index.js", "package.json", "package-lock.json")


def test_the_committed_build_is_built_from_todays_source():
    source_hash = hashlib.sha256(b"".join((SOURCE / name).read_bytes() for name in INPUTS)).hexdigest()
    recorded = (BUILT / "source.sha256").read_text().strip()
    assert recorded == source_hash, "labextension/prebuilt is older than its source: run `make labextension`"


def test_the_build_holds_the_entry_point_jupyterlab_loads():
    built = json.loads((BUILT / "package.json").read_text())
    source = json.loads((SOURCE / "package.json").read_text())
    assert built["name"] == source["name"] and built["version"] == source["version"]
    entry = BUILT / built["jupyterlab"]["_build"]["load"]
    assert entry.is_file(), f"{entry} is missing"
