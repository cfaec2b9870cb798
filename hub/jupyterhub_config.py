"""JupyterHub for a room of attendees on one machine: `make hub` runs `jupyterhub -f hub/jupyterhub_config.py`.

Everything a room may want to change is an environment variable (the Makefile passes its own variables of
the same names through); hub/README.md explains each one.
"""

import os
import secrets
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from workshop_hub import USERNAME_PATTERN, ensure_group  # noqa: E402

c = get_config()  # noqa: F821 (JupyterHub provides it)

VENV_BIN = Path(sys.executable).parent
STATE = Path(os.environ.get("HUB_STATE", HERE / "state")).resolve()
STATE.mkdir(mode=0o700, parents=True, exist_ok=True)
GROUP = os.environ.get("HUB_GROUP", "workshop-attendees")
MEM_LIMIT = os.environ.get("HUB_MEM_LIMIT", "2G")
CULL_TIMEOUT = int(os.environ.get("HUB_CULL_TIMEOUT", "3600"))


def secret(name: str, nbytes: int) -> str:
    """The environment's value, or one made up on the first start and kept in the state folder."""
    if os.environ.get(name):
        return os.environ[name]
    path = STATE / name.lower()
    if not path.exists():
        path.write_text(secrets.token_urlsafe(nbytes))
        path.chmod(0o600)
    return path.read_text().strip()


# Loopback only, unless the room's network is asked for (HUB_IP=0.0.0.0); TLS when given a certificate.
c.JupyterHub.ip = os.environ.get("HUB_IP", "127.0.0.1")
c.JupyterHub.port = int(os.environ.get("HUB_PORT", "8000"))
c.JupyterHub.hub_ip = "127.0.0.1"  # the hub's own API, behind the proxy
c.JupyterHub.hub_port = int(os.environ.get("HUB_INTERNAL_PORT", "8081"))
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{os.environ.get('HUB_PROXY_API_PORT', '8001')}"
if os.environ.get("HUB_SSL_CERT"):
    c.JupyterHub.ssl_cert = os.environ["HUB_SSL_CERT"]
    c.JupyterHub.ssl_key = os.environ["HUB_SSL_KEY"]
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "cookie_secret")
c.JupyterHub.pid_file = str(STATE / "jupyterhub.pid")
c.ConfigurableHTTPProxy.command = [str(HERE / "node" / "node_modules" / ".bin" / "configurable-http-proxy")]
c.ConfigurableHTTPProxy.pid_file = str(STATE / "proxy.pid")
c.JupyterHub.cleanup_servers = True  # stopping the hub stops every attendee's server

# Who may log in: anyone with the workshop password, under a name of their choice; each name becomes a system
# user of its own (group HUB_GROUP, home folder readable by its owner alone) on first login.
ensure_group(GROUP)
c.JupyterHub.authenticator_class = "workshop_hub.WorkshopAuthenticator"
c.WorkshopAuthenticator.attendee_group = GROUP
c.WorkshopAuthenticator.create_system_users = True
c.WorkshopAuthenticator.allow_all = True
c.WorkshopAuthenticator.username_pattern = USERNAME_PATTERN
c.WorkshopAuthenticator.user_password = secret("HUB_PASSWORD", 9)
c.WorkshopAuthenticator.admin_users = set(filter(None, os.environ.get("HUB_ADMINS", "instructor").split(",")))
c.WorkshopAuthenticator.admin_password = secret("HUB_ADMIN_PASSWORD", 32)

# Each attendee's server: JupyterLab from this project's environment, run as the attendee's user, with a
# memory limit (enforced by a cgroup where the machine allows one; see hub/README.md) and idle kernels shut.
c.JupyterHub.spawner_class = "workshop_hub.WorkshopSpawner"
c.Spawner.cmd = [str(VENV_BIN / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.mem_limit = MEM_LIMIT
c.Spawner.cpu_limit = float(os.environ.get("HUB_CPU_LIMIT", "1"))
c.Spawner.http_timeout = 120
c.Spawner.start_timeout = 300
c.Spawner.environment = {
    "PATH": f"{VENV_BIN}:/usr/local/bin:/usr/bin:/bin",
    "JAX_PLATFORMS": "cpu",
}
c.Spawner.args = [
    # Kernels talk to their server over Unix sockets in the attendee's private runtime folder, not over TCP
    # ports on loopback that every user of the machine could reach (and that many servers would race for).
    "--KernelManager.transport=ipc",
    f"--MappingKernelManager.cull_idle_timeout={CULL_TIMEOUT}",
    "--MappingKernelManager.cull_interval=300",
]

# The idle culler stops the server of an attendee who has left (no activity for HUB_CULL_TIMEOUT seconds).
c.JupyterHub.load_roles = [{
    "name": "idle-culler",
    "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
    "services": ["idle-culler"],
}]
c.JupyterHub.services = [{
    "name": "idle-culler",
    "command": [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={CULL_TIMEOUT}"],
}]

# The instructor's live view (off unless HUB_LIVE_VIEW=1): each self-check posts its exercise, outcome and time
# (never code) with the server's own token to the live-view service, whose page only admins may open.
if os.environ.get("HUB_LIVE_VIEW") == "1":
    LIVE_VIEW_PORT = int(os.environ.get("HUB_LIVE_VIEW_PORT", "8002"))
    c.JupyterHub.services.append({
        "name": "live-view",
        "url": f"http://127.0.0.1:{LIVE_VIEW_PORT}",
        "command": [sys.executable, str(HERE / "live_view.py")],
        "oauth_no_confirm": True,
    })
    c.JupyterHub.load_roles.append({"name": "user", "scopes": ["self", "access:services!service=live-view"]})
    c.Spawner.server_token_scopes = ["users:activity!user", "access:servers!server",
                                     "access:services!service=live-view"]
    c.Spawner.environment["WORKSHOP_LIVE_VIEW_URL"] = (
        f"http://127.0.0.1:{LIVE_VIEW_PORT}/services/live-view/api/outcomes")
