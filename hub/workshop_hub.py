"""The room's JupyterHub pieces: who may log in, and how each attendee's server is started and fenced in.

- `WorkshopAuthenticator`: a shared workshop password (JupyterHub's own SharedPasswordAuthenticator); each
  attendee becomes a system user of their own on first login, in the attendees' group, with a private home.
  A name that is already a system account outside that group (root, daemon, a colleague's login) is refused.
- `WorkshopSpawner`: JupyterHub's local process spawner (the server runs as the attendee's user), plus a
  memory limit enforced by a cgroup of its own where the machine lets the hub make one.
"""

import grp
import os
import pwd
import subprocess
from pathlib import Path

from jupyterhub.auth import LocalAuthenticator
from jupyterhub.authenticators.shared import SharedPasswordAuthenticator
from jupyterhub.spawner import LocalProcessSpawner
from traitlets import Unicode

#: A login name: lower case letters, digits, '-' and '_', starting with a letter, at most 32 characters.
USERNAME_PATTERN = r"^[a-z][a-z0-9_-]{0,31}$"


def ensure_group(name: str) -> None:
    """Create the attendees' system group unless it exists."""
    try:
        grp.getgrnam(name)
    except KeyError:
        subprocess.run(["groupadd", "--system", name], check=True)


def in_group(username: str, group: str) -> bool:
    """Whether the system user `username` belongs to `group` (as its primary group or a member)."""
    try:
        account, members = pwd.getpwnam(username), grp.getgrnam(group)
    except KeyError:
        return False
    return account.pw_gid == members.gr_gid or username in members.gr_mem


class WorkshopAuthenticator(LocalAuthenticator, SharedPasswordAuthenticator):
    """Shared workshop password; a system user of its own for each attendee, created on first login."""

    attendee_group = Unicode(
        "workshop-attendees", config=True,
        help="System group of the attendees' users: only its members (or new names) may log in.",
    )

    def _add_user_cmd_default(self):
        # A private home (mode 0700): no attendee can read another's files.
        return ["useradd", "--create-home", "--key", "HOME_MODE=0700", "--shell", "/bin/bash",
                "--gid", self.attendee_group]

    async def authenticate(self, handler, data):
        username = await super().authenticate(handler, data)
        if username is None:
            return None
        name = self.normalize_username(username if isinstance(username, str) else username["name"])
        if self._is_other_account(name):
            self.log.warning("Refused login as %r: a system account that is not an attendee", name)
            return None
        return username

    def _is_other_account(self, name: str) -> bool:
        """A system account that exists and is not one of the attendees' (never hand out root's server)."""
        try:
            pwd.getpwnam(name)
        except KeyError:
            return False
        return not in_group(name, self.attendee_group)


def memory_cgroup(name: str, limit_bytes: int, root: str = "/sys/fs/cgroup") -> Path | None:
    """Make (or reuse) a memory cgroup for one attendee with `limit_bytes` as its hard limit.

    Returns the cgroup's `cgroup.procs` file, or None where the machine has no cgroup the hub may write
    (then the limit is only advertised to the server, as JupyterHub's local spawner does).
    """
    candidates = [  # cgroup v2 (unified), then v1's memory controller
        (Path(root) / "workshop-hub" / name, "memory.max"),
        (Path(root) / "memory" / "workshop-hub" / name, "memory.limit_in_bytes"),
    ]
    for folder, limit_file in candidates:
        try:
            if limit_file == "memory.max" and "memory" not in (Path(root) / "cgroup.controllers").read_text():
                continue
            if limit_file == "memory.max":
                (Path(root) / "cgroup.subtree_control").write_text("+memory")
                folder.parent.mkdir(exist_ok=True)
                (folder.parent / "cgroup.subtree_control").write_text("+memory")
            folder.mkdir(parents=True, exist_ok=True)
            (folder / limit_file).write_text(str(limit_bytes))
            return folder / "cgroup.procs"
        except OSError:
            continue
    return None


class WorkshopSpawner(LocalProcessSpawner):
    """The local process spawner, with the attendee's memory limit enforced by a cgroup where possible."""

    def make_preexec_fn(self, name):
        drop_privileges = super().make_preexec_fn(name)
        procs = memory_cgroup(name, self.mem_limit) if self.mem_limit else None
        if procs is None:
            if self.mem_limit:
                self.log.warning("No writable memory cgroup: %s's limit is advisory only", name)
            return drop_privileges

        def join_cgroup_then_drop_privileges():
            procs.write_text(str(os.getpid()))  # the server and every kernel it starts stay in it
            drop_privileges()

        return join_cgroup_then_drop_privileges
