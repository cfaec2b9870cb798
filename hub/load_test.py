"""Load test of the room's hub (`make test-hub`): simulated attendees on loopback, each doing what a person does.

Starts the hub of hub/jupyterhub_config.py on 127.0.0.1, then every attendee, all at once:
logs in through the login form with the workshop password (the hub creates their system user), makes an API
token of their own, starts their server, pulls the collection with the nbgitpuller API (from this clone),
starts a kernel through their server's REST API and runs a learner notebook cell by cell over the kernel's
websocket, with one exercise answered, and sees that exercise's check pass. Then each attendee tries the
next one's server URL and home folder and must be refused. Reports attendees served, failures, time to first
kernel, p50/p95 notebook run time, memory and CPU per attendee; the last line reads
`N attendees served, F failed, ...`. Whatever happens, it stops every process it started and removes the
system users and group it made. Needs root (it makes system users) and `make hub`'s installs.
"""

import argparse
import asyncio
import grp
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import aiohttp
import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
from link import TARGET, pull_link  # noqa: E402

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
GROUP = "workshop-loadtest"  # every user this test makes has it as primary group, and only they do
PREFIX = "loadtest"
ADMIN = f"{PREFIX}-admin"
STUB = "raise NotImplementedError()"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def attendees_can_run(python: str = sys.executable) -> bool:
    """Whether another user can run this Python: every folder up to the interpreter and its library is
    open to all (an environment made from a Python under /root, say, is not)."""
    real = Path(os.path.realpath(python))
    folders = [*real.parents, *Path(os.__file__).resolve().parents]
    return all(folder.stat().st_mode & 0o001 for folder in folders) and bool(real.stat().st_mode & 0o001)


# ---------------------------------------------------------------- the system users this test owns

def test_users() -> list[str]:
    """The system users whose primary group is the test's group (left over from an earlier run, or ours)."""
    try:
        gid = grp.getgrnam(GROUP).gr_gid
    except KeyError:
        return []
    return [p.pw_name for p in pwd.getpwall() if p.pw_gid == gid]


def processes_of(uids: set[int]) -> list[int]:
    pids = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            uid = int(re.search(r"^Uid:\s+(\d+)", status.read_text(), re.M).group(1))
        except (OSError, AttributeError):
            continue
        if uid in uids:
            pids.append(int(status.parent.name))
    return pids


def remove_test_users() -> int:
    """Stop every process of the test's users, then delete the users, their homes, cgroups and group."""
    names = test_users()
    uids = {pwd.getpwnam(n).pw_uid for n in names}
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in processes_of(uids):
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 10
        while processes_of(uids) and time.monotonic() < deadline:
            time.sleep(0.2)
    for name in names:
        subprocess.run(["userdel", "--remove", name], capture_output=True)
        for cgroup in (Path("/sys/fs/cgroup/workshop-hub") / name,
                       Path("/sys/fs/cgroup/memory/workshop-hub") / name):
            try:
                cgroup.rmdir()
            except OSError:
                pass
    try:
        grp.getgrnam(GROUP)
        subprocess.run(["groupdel", GROUP], capture_output=True)
    except KeyError:
        pass
    return len(names)


def usage_of(name: str) -> tuple[float, float]:
    """(memory in MB: proportional set size summed over the user's processes, CPU seconds they have used)."""
    uid, page_ticks = pwd.getpwnam(name).pw_uid, os.sysconf("SC_CLK_TCK")
    memory = cpu = 0.0
    for pid in processes_of({uid}):
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
            field = re.search(r"^Pss:\s+(\d+) kB", rollup, re.M) or re.search(r"^Rss:\s+(\d+) kB", rollup, re.M)
            memory += int(field.group(1)) / 1024
            stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            cpu += (int(stat[11]) + int(stat[12])) / page_ticks
        except (OSError, AttributeError):
            continue
    return memory, cpu


# ---------------------------------------------------------------- the hub

class Hub:
    """The hub of hub/jupyterhub_config.py on loopback, in a state folder of its own."""

    def __init__(self, state: Path, mem_limit: str, **settings):
        self.port, self.state = free_port(), state
        self.password, self.admin_password = secrets.token_urlsafe(12), secrets.token_urlsafe(32)
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = dict(os.environ, HUB_IP="127.0.0.1", HUB_PORT=str(self.port), HUB_STATE=str(state),
                        HUB_INTERNAL_PORT=str(free_port()), HUB_PROXY_API_PORT=str(free_port()),
                        HUB_PASSWORD=self.password, HUB_ADMIN_PASSWORD=self.admin_password, HUB_ADMINS=ADMIN,
                        HUB_GROUP=GROUP, HUB_MEM_LIMIT=mem_limit, **settings)
        self.proc = None

    def start(self):
        shutil.rmtree(self.state, ignore_errors=True)  # a fresh database: no users of an earlier run
        self.state.mkdir(parents=True)
        self.log = open(self.state / "hub.log", "w")
        self.proc = subprocess.Popen(
            [str(Path(sys.executable).parent / "jupyterhub"), "-f", str(HERE / "jupyterhub_config.py")],
            cwd=self.state, env=self.env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)

    async def wait_ready(self, timeout: float):
        deadline = time.monotonic() + timeout
        async with aiohttp.ClientSession() as s:
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"the hub exited with {self.proc.returncode}; see {self.state}/hub.log")
                try:
                    async with s.get(f"{self.url}/hub/api/") as r:
                        if r.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.5)
        raise TimeoutError("the hub did not answer in time")

    def stop(self):
        """Stop the hub (it stops the servers), then whatever of its process group is left, then the proxy."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)  # the proxy and the culler share the hub's group
        except ProcessLookupError:
            pass
        self.proc.wait()
        self.log.close()


# ---------------------------------------------------------------- one attendee

class Attendee:
    def __init__(self, index: int, hub: Hub, args, name: str = ""):
        self.name, self.hub, self.args = name or f"{PREFIX}{index:03d}", hub, args
        self.token = self.kernel = self.ws = None
        self.session = aiohttp.ClientSession(hub.url, cookie_jar=aiohttp.CookieJar(unsafe=True),
                                             timeout=aiohttp.ClientTimeout(total=args.request_timeout))

    @property
    def auth(self):
        return {"Authorization": f"token {self.token}"}

    async def request(self, method, path, expect=(200,), **kwargs):
        async with self.session.request(method, path, **kwargs) as r:
            body = await r.text()
            if r.status not in expect:
                raise RuntimeError(f"{method} {path}: {r.status} {body[:200]}")
            return r.status, body

    async def log_in(self, password: str = ""):
        _, page = await self.request("GET", "/hub/login")
        xsrf = re.search(r'name="_xsrf" value="([^"]+)"', page).group(1)
        form = {"username": self.name, "password": password or self.hub.password, "_xsrf": xsrf}
        await self.request("POST", "/hub/login", expect=(302,), data=form, allow_redirects=False)
        await self.request("GET", "/hub/home")  # the logged-in session's own XSRF cookie
        xsrf = next(c.value for c in self.session.cookie_jar if c.key == "_xsrf")
        _, body = await self.request("POST", f"/hub/api/users/{self.name}/tokens", expect=(200, 201),
                                     json={"note": "load test", "expires_in": 3600},
                                     headers={"X-XSRFToken": xsrf})
        self.token = json.loads(body)["token"]

    async def start_server(self):
        await self.request("POST", f"/hub/api/users/{self.name}/server", expect=(201, 202), headers=self.auth)
        while True:
            _, body = await self.request("GET", f"/hub/api/users/{self.name}", headers=self.auth)
            server = json.loads(body)["servers"].get("")
            if server and server["ready"]:
                return
            await asyncio.sleep(0.5)

    async def pull_collection(self):
        """Open the nbgitpuller link as a browser does, then run the pull its page would start."""
        link = pull_link(self.hub.url, self.args.repo, self.args.branch, self.args.notebook)
        async with self.session.get(link) as r:
            if r.status != 200 or r.url.path != f"/user/{self.name}/git-pull":
                raise RuntimeError(f"the nbgitpuller link led to {r.status} {r.url.path}")
            query = r.url.query
        async with self.session.get(f"/user/{self.name}/git-pull/api", params=query, headers=self.auth) as r:
            events = [json.loads(line[5:]) for line in (await r.text()).splitlines() if line.startswith("data:")]
        if not events or events[-1].get("phase") != "finished":
            raise RuntimeError(f"nbgitpuller did not finish: {events[-1:] or r.status}")

    async def start_kernel(self, path: str = ""):
        path = path or f"{TARGET}/{Path(self.args.notebook).parent}"
        _, body = await self.request("POST", f"/user/{self.name}/api/kernels", expect=(201,), headers=self.auth,
                                     json={"name": "python3", "path": path})
        self.kernel = json.loads(body)["id"]
        self.ws = await self.session.ws_connect(f"/user/{self.name}/api/kernels/{self.kernel}/channels",
                                                headers=self.auth, max_msg_size=0)
        await self.run("pass")

    async def run(self, code: str) -> str:
        """Execute `code` in the attendee's kernel; return what it printed; raise on an error."""
        msg_id = uuid.uuid4().hex
        await self.ws.send_json({
            "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": self.name,
                       "session": uuid.uuid4().hex, "version": "5.3", "date": ""},
            "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                        "allow_stdin": False, "stop_on_error": True}})
        printed, idle, replied = [], False, False
        while not (idle and replied):
            msg = await self.ws.receive_json(timeout=self.args.cell_timeout)
            kind, content = msg["msg_type"], msg["content"]
            if kind == "status" and content.get("execution_state") in ("restarting", "dead"):
                raise RuntimeError(f"the kernel died ({content['execution_state']})")
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            if kind == "stream":
                printed.append(content["text"])
            elif kind in ("execute_result", "display_data"):
                printed.append(content["data"].get("text/plain", ""))
            elif kind == "error":
                raise RuntimeError(f"{content['ename']}: {content['evalue']}")
            idle |= kind == "status" and content["execution_state"] == "idle"
            replied |= kind == "execute_reply"
        return "".join(printed)

    async def run_notebook(self, answer_source: str) -> str:
        path = f"{TARGET}/{self.args.notebook}"
        _, body = await self.request("GET", f"/user/{self.name}/api/contents/{path}", headers=self.auth)
        notebook = nbformat.from_dict(json.loads(body)["content"])
        printed = []
        for cell in notebook.cells:
            if cell.cell_type != "code":
                continue
            answered = f'check_exercise("{self.args.exercise}"' in cell.source and STUB in cell.source
            printed.append(await self.run(answer_source if answered else cell.source))
        return "".join(printed)

    async def refused(self, other: str) -> list[str]:
        """What of `other`'s this attendee could reach (an empty list: everything refused)."""
        reached = []
        for path in (f"/user/{other}/api/contents", f"/user/{other}/api/kernels"):
            async with self.session.get(path, headers=self.auth, allow_redirects=False) as r:
                if r.status < 300:
                    reached.append(f"{path} answered {r.status} to {self.name}'s token")
        async with self.session.get(f"/user/{other}/api/contents", allow_redirects=True) as r:
            if r.status < 300 and '"type": "directory"' in (await r.text()):
                reached.append(f"{other}'s files listed for {self.name}'s login cookie")
        home = pwd.getpwnam(other).pw_dir
        probe = ("import os\n"
                 f"for act in (lambda: os.listdir({home!r}),\n"
                 f"            lambda: open({home!r} + '/{TARGET}/{self.args.notebook}').read()):\n"
                 "    try:\n        act(); print('READ')\n    except PermissionError:\n        print('REFUSED')\n")
        if "READ" in (await self.run(probe)).split():
            reached.append(f"{self.name}'s kernel read {home}")
        return reached

    async def close(self):
        if self.ws is not None:
            await self.ws.close()
        await self.session.close()


async def attend(attendee: Attendee, answer_source: str) -> dict:
    start = time.monotonic()
    await attendee.log_in()
    await attendee.start_server()
    await attendee.pull_collection()
    await attendee.start_kernel()
    first_kernel = time.monotonic() - start
    start = time.monotonic()
    printed = await attendee.run_notebook(answer_source)
    notebook_time = time.monotonic() - start
    if f"✅ {attendee.args.exercise}" not in printed:
        raise RuntimeError(f"the check of {attendee.args.exercise} did not pass: {printed[-300:]!r}")
    memory, cpu = usage_of(attendee.name)
    return {"first_kernel": first_kernel, "notebook": notebook_time, "memory": memory, "cpu": cpu}


def publish_clone(folder: Path) -> tuple[subprocess.Popen, str, str]:
    """Serve this clone as a git remote on loopback, as GitHub would: (the server, its URL, the branch).

    A repository of one commit holding the clone's files as they are now (the ones git tracks or would),
    served read-only by `git daemon`: the attendees get the notebooks that match the installed package, and
    their git never reads a folder of root's (which git refuses to do as another user)."""
    snapshot, repo = folder / "snapshot", folder / "workshop.git"
    files = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                           capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, files):
        if (ROOT / name).is_file():
            (snapshot / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, snapshot / name)
    git = ["git", "-C", str(snapshot), "-c", "user.name=load test", "-c", "user.email=load-test@localhost"]
    subprocess.run(git[:3] + ["init", "--quiet", "--initial-branch=workshop"], check=True)
    subprocess.run(git + ["add", "--all"], check=True)
    subprocess.run(git + ["commit", "--quiet", "--message", "the clone as it is"], check=True)
    subprocess.run(["git", "clone", "--quiet", "--bare", str(snapshot), str(repo)], check=True)
    port = free_port()
    daemon = subprocess.Popen(["git", "daemon", "--listen=127.0.0.1", f"--port={port}", "--export-all",
                               "--reuseaddr", f"--base-path={folder}", str(folder)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return daemon, f"git://127.0.0.1:{port}/workshop.git", "workshop"


def answer_cell(notebook: str, exercise: str) -> str:
    """The solved cell of `exercise` in answers/ (what an attendee who got it right would have typed)."""
    for cell in nbformat.read(ROOT / "answers" / Path(notebook).name, as_version=4).cells:
        if cell.cell_type == "code" and f'check_exercise("{exercise}"' in cell.source:
            return cell.source
    raise SystemExit(f"no exercise {exercise!r} in answers/{Path(notebook).name}")


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")


async def load_test(hub: Hub, args) -> tuple[int, list[str], list[dict]]:
    answer_source = answer_cell(args.notebook, args.exercise)
    await hub.wait_ready(60)
    attendees = [Attendee(i, hub, args) for i in range(args.attendees)]
    try:
        results = await asyncio.gather(*(attend(a, answer_source) for a in attendees), return_exceptions=True)
        ok = [a for a, r in zip(attendees, results) if not isinstance(r, BaseException)]
        failures = [f"{a.name}: {r!r}" for a, r in zip(attendees, results) if isinstance(r, BaseException)]
        # Isolation: every attendee who got a kernel tries the next attendee's server and home folder.
        if len(ok) >= 2:
            probes = await asyncio.gather(*(a.refused(ok[(i + 1) % len(ok)].name) for i, a in enumerate(ok)),
                                          return_exceptions=True)
            for a, reached in zip(list(ok), probes):
                if isinstance(reached, BaseException) or reached:
                    failures.append(f"{a.name}: isolation: {reached!r}")
                    ok.remove(a)
        elif args.attendees >= 2:
            failures.append("isolation not tested: fewer than two attendees got a kernel")
        served = [r for a, r in zip(attendees, results) if a in ok]
        return len(attendees), failures, served
    finally:
        for a in attendees:
            await a.close()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attendees", type=int, default=int(os.environ.get("HUB_ATTENDEES", 20)))
    parser.add_argument("--notebook", default="notebooks/02-maximum-likelihood.ipynb")
    parser.add_argument("--exercise", default="negloglike")
    parser.add_argument("--repo", help="the content repository's URL (default: this clone's commit)")
    parser.add_argument("--branch", default="main")
    parser.add_argument("--mem-limit", default=os.environ.get("HUB_MEM_LIMIT", "2G"))
    parser.add_argument("--time-limit", type=float, default=480, help="seconds for all attendees together")
    parser.add_argument("--cell-timeout", type=float, default=300)
    parser.add_argument("--request-timeout", type=float, default=300)
    parser.add_argument("--state", type=Path, default=ROOT / "build" / "hub-load-test")
    args = parser.parse_args(argv)
    if not 1 <= args.attendees <= 200:
        parser.error("--attendees must be between 1 and 200")
    if os.geteuid() != 0:
        sys.exit("the load test makes a system user for each attendee: run it as root (or with sudo)")
    if not attendees_can_run():
        sys.exit(f"the attendees' users cannot run {sys.executable}: use the hub's environment (make test-hub)")
    if (left := remove_test_users()):
        print(f"removed {left} users left over by an earlier run")
    started = time.monotonic()
    mirror = Path(tempfile.mkdtemp(prefix="workshop-loadtest-"))
    hub = daemon = None
    try:
        if args.repo is None:
            daemon, args.repo, args.branch = publish_clone(mirror)
        hub = Hub(args.state, args.mem_limit)
        hub.start()
        total, failures, served = asyncio.run(asyncio.wait_for(load_test(hub, args), args.time_limit))
    except (TimeoutError, asyncio.TimeoutError):
        total, failures, served = args.attendees, [f"not done within {args.time_limit:.0f} s"], []
    finally:
        if hub is not None:
            hub.stop()
        removed = remove_test_users()
        if daemon is not None:
            daemon.terminate()
            daemon.wait()
        shutil.rmtree(mirror, ignore_errors=True)
    elapsed = time.monotonic() - started
    for failure in failures[:10]:
        print("FAILED", failure)
    print(f"hub log: {args.state / 'hub.log'}; {removed} test users removed; whole run {elapsed:.0f} s")
    if served:
        cols = {k: [r[k] for r in served] for k in served[0]}
        print(f"time to first kernel (login, server start, nbgitpuller, kernel): "
              f"p50 {percentile(cols['first_kernel'], .5):.1f} s, p95 {percentile(cols['first_kernel'], .95):.1f} s")
        print(f"memory per attendee after Run All (server + kernel, PSS): "
              f"median {statistics.median(cols['memory']):.0f} MB, max {max(cols['memory']):.0f} MB")
        print(f"CPU per attendee (server start + Run All): median {statistics.median(cols['cpu']):.1f} s")
    failed = total - len(served)
    summary = f"{len(served)} attendees served, {failed} failed"
    if served:
        summary += (f", first kernel p50 {percentile(cols['first_kernel'], .5):.1f} s, "
                    f"notebook p50 {percentile(cols['notebook'], .5):.1f} s, "
                    f"p95 {percentile(cols['notebook'], .95):.1f} s, "
                    f"{statistics.median(cols['memory']):.0f} MB per attendee")
    print(summary)
    return 0 if failed == 0 and not failures else 1


if __name__ == "__main__":
    sys.exit(main())
