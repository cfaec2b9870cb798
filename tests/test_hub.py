"""The room's hub (hub/): who may log in, the users it makes, the memory cgroup, the configuration, the link.

Run by `make test-hub` in the hub's environment (as root, before the load test); `make test` skips them
where JupyterHub is not installed.
"""

import asyncio
import grp
import os
import pwd
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

pytest.importorskip("jupyterhub", reason="the hub's tests run in the hub's environment: make test-hub")

HUB = Path(__file__).resolve().parent.parent / "hub"
sys.path.insert(0, str(HUB))

from link import pull_link  # noqa: E402
from workshop_hub import USERNAME_PATTERN, WorkshopAuthenticator, memory_cgroup  # noqa: E402

PASSWORD = "a-workshop-password"
needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="makes a system user: run as root (make test-hub)")


def authenticator(group="workshop-attendees-test"):
    return WorkshopAuthenticator(user_password=PASSWORD, attendee_group=group, create_system_users=True)


def log_in(auth, username, password=PASSWORD):
    return asyncio.run(auth.authenticate(None, {"username": username, "password": password}))


def test_a_new_name_with_the_workshop_password_logs_in():
    assert log_in(authenticator(), "ada")["name"] == "ada"
    assert log_in(authenticator(), "ada", password="wrong-password") is None


def test_an_existing_system_account_outside_the_attendees_group_is_refused():
    # The shared password must never hand out root's (or any other account's) server.
    assert log_in(authenticator(), "root") is None
    assert log_in(authenticator(), "daemon") is None


def test_names_that_are_no_plain_login_are_refused():
    auth = authenticator()
    auth.username_pattern = USERNAME_PATTERN
    assert auth.validate_username("ada-lovelace")
    for bad in ("../root", "Ada Lovelace", "-rf", "x" * 40, "ada;rm"):
        assert not auth.validate_username(bad), bad


@needs_root
def test_first_login_makes_a_system_user_with_a_private_home():
    group, name = f"hubtest{uuid.uuid4().hex[:6]}", f"hubtest{uuid.uuid4().hex[:6]}"
    subprocess.run(["groupadd", group], check=True)
    auth = authenticator(group)
    try:
        auth.add_system_user(type("User", (), {"name": name})())
        account = pwd.getpwnam(name)
        assert account.pw_gid == grp.getgrnam(group).gr_gid
        assert Path(account.pw_dir).stat().st_mode & 0o777 == 0o700
        assert Path(account.pw_dir).stat().st_uid == account.pw_uid
        # From then on the name is an attendee's: the same password logs them in again.
        assert log_in(auth, name)["name"] == name
    finally:
        subprocess.run(["userdel", "--remove", name], capture_output=True)
        subprocess.run(["groupdel", group], capture_output=True)


def test_memory_cgroup_v2_and_v1_layouts(tmp_path):
    v2 = tmp_path / "v2"
    v2.mkdir()
    (v2 / "cgroup.controllers").write_text("cpu memory pids")
    procs = memory_cgroup("ada", 2 * 2**30, root=str(v2))
    assert procs == v2 / "workshop-hub" / "ada" / "cgroup.procs"
    assert (procs.parent / "memory.max").read_text() == str(2 * 2**30)
    assert "+memory" in (v2 / "workshop-hub" / "cgroup.subtree_control").read_text()

    v1 = tmp_path / "v1"
    (v1 / "memory").mkdir(parents=True)
    procs = memory_cgroup("ada", 10**9, root=str(v1))
    assert (procs.parent / "memory.limit_in_bytes").read_text() == str(10**9)


def test_no_writable_cgroup_means_no_enforced_limit(tmp_path):
    (tmp_path / "memory").write_text("a file, not a folder")
    assert memory_cgroup("ada", 10**9, root=str(tmp_path)) is None


def load_config(monkeypatch, tmp_path, **env):
    from traitlets.config.loader import PyFileConfigLoader

    for key in ("HUB_IP", "HUB_PORT", "HUB_PASSWORD", "HUB_MEM_LIMIT", "HUB_CULL_TIMEOUT"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("HUB_STATE", str(tmp_path / "state"))
    monkeypatch.setenv("HUB_GROUP", grp.getgrgid(os.getgid()).gr_name)  # exists: nothing is made
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return PyFileConfigLoader("jupyterhub_config.py", path=str(HUB)).load_config()


def test_the_hub_listens_on_loopback_unless_told(monkeypatch, tmp_path):
    config = load_config(monkeypatch, tmp_path)
    assert config.JupyterHub.ip == "127.0.0.1" and config.JupyterHub.hub_ip == "127.0.0.1"
    assert load_config(monkeypatch, tmp_path, HUB_IP="0.0.0.0").JupyterHub.ip == "0.0.0.0"


def test_configuration_of_a_room(monkeypatch, tmp_path):
    config = load_config(monkeypatch, tmp_path, HUB_MEM_LIMIT="1500M", HUB_CULL_TIMEOUT="1800")
    assert config.Spawner.mem_limit == "1500M"
    assert config.JupyterHub.spawner_class == "workshop_hub.WorkshopSpawner"
    assert config.WorkshopAuthenticator.create_system_users is True
    # A password is made up on the first start, kept private in the state folder, and the same next time.
    password = config.WorkshopAuthenticator.user_password
    kept = tmp_path / "state" / "hub_password"
    assert kept.read_text() == password and kept.stat().st_mode & 0o777 == 0o600
    assert load_config(monkeypatch, tmp_path).WorkshopAuthenticator.user_password == password
    assert len(config.WorkshopAuthenticator.admin_password) >= 32
    # The idle culler runs as a service with just the rights it needs, and kernels are culled too.
    (culler,) = config.JupyterHub.services
    assert "--timeout=1800" in culler["command"]
    (role,) = config.JupyterHub.load_roles
    assert role["services"] == ["idle-culler"] and "delete:servers" in role["scopes"]
    assert "--MappingKernelManager.cull_idle_timeout=1800" in config.Spawner.args


def test_pull_link():
    link = pull_link("https://hub.example.org/", "https://github.com/someone/dl-workshop", "main",
                     "notebooks/01-gradient-basics.ipynb")
    parts = urlsplit(link)
    assert parts.path == "/hub/user-redirect/git-pull"
    query = {key: value for key, (value,) in parse_qs(parts.query).items()}
    assert query == {"repo": "https://github.com/someone/dl-workshop", "branch": "main", "targetpath": "workshop",
                     "urlpath": "lab/tree/workshop/notebooks/01-gradient-basics.ipynb"}
    with pytest.raises(ValueError, match="http"):
        pull_link("hub.example.org", "https://github.com/someone/dl-workshop")


def test_the_attendees_jupyterlab_loads_the_workshops_extension():
    """make hub copies labextension/prebuilt into the attendees' environment: their JupyterLab lists it, enabled."""
    listed = subprocess.run([str(Path(sys.executable).parent / "jupyter"), "labextension", "list"],
                            capture_output=True, text=True, timeout=120, env={**os.environ, "NO_COLOR": "1"})
    output = listed.stdout + listed.stderr
    ours = [line for line in output.splitlines() if "dl-workshop-a11y" in line]
    assert ours and "enabled" in ours[0] and "OK" in ours[0], output
