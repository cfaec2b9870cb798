"""What the tests of a real hub on loopback need before they run: skip them, with the reason, where they cannot."""

import os
import sys
from pathlib import Path

import pytest


def load_test_or_skip():
    """The hub's load-test module (its Hub and Attendee drive a real hub), or a skip of the calling test module.

    A real hub needs jupyterhub installed, root (it makes system users), and a Python that those users can run.
    """
    pytest.importorskip("jupyterhub", reason="the hub's tests run in the hub's environment: make test-hub")
    if os.geteuid() != 0:
        pytest.skip("makes system users: run as root (make test-hub)", allow_module_level=True)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "hub"))
    import load_test

    if not load_test.attendees_can_run():
        pytest.skip("the attendees' users cannot run this Python: run in the hub's environment (make test-hub)",
                    allow_module_level=True)
    return load_test
