#!/usr/bin/env python3
"""Set up and run Shortbook with one command each.

    python3 dev.py start [--port 8000]   set up and run the whole platform in the foreground
    python3 dev.py test [pytest args]    set up and run every test (ruff, then pytest)
    python3 dev.py check                 run the linter only
    python3 dev.py requirements [--dev]  print the pinned dependencies (the Dockerfile uses it)

Needs Python 3.11 and nothing else from outside the standard library: it makes
``.venv``, installs the dependencies pinned in ``pyproject.toml`` and runs the
processes from there. POSIX only (Linux, macOS).
"""

# This file's whole job is to run programs it names itself, so bandit's warnings
# about starting processes do not apply.
# ruff: noqa: S603

import argparse
import ctypes
import hashlib
import os
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import time
import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

# Checked before anything else: a system python3 may be older than pyproject.toml allows.
if sys.version_info < (3, 11):  # noqa: UP036
    sys.exit(f"Shortbook needs Python 3.11; this is {sys.version.split()[0]}.")

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
VENV_BIN = VENV / "bin"
PYPROJECT = ROOT / "pyproject.toml"

DEFAULT_PORT = 8000
# config/settings/base.py's RISK_QUEUE_GROUPS default: one worker here consumes every group.
DEFAULT_RISK_QUEUE_GROUPS = 2
LOCAL_SETTINGS = "config.settings.local"
TEST_SETTINGS = "config.settings.test"
TEST_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/shortbook"
TEST_REDIS_URL = "redis://127.0.0.1:6379/0"
CHROMIUM = Path("/usr/bin/chromium")

# The logins that ``manage.py seed_demo`` creates (trading/management/commands/seed_demo.py).
DEMO_LOGIN = ("demo@shortbook.local", "shortbook-demo")
ADMIN_LOGIN = ("admin@shortbook.local", "shortbook-admin")

STOP_GRACE_SECONDS = 10.0
SERVICE_START_SECONDS = 30.0
POLL_SECONDS = 0.25
PYTEST_NO_TESTS = 5
EXIT_MISSING_TOOL = 2
EXIT_INTERRUPTED = 130

COLORS = ("36", "33", "35", "32", "34", "31")


def say(message: str) -> None:
    """Print a line of dev.py's own, set apart from the processes' output."""
    print(f"==> {message}", flush=True)


def fail(message: str, code: int = 1) -> int:
    """Print a problem on stderr and return ``code`` for the caller to exit with."""
    print(f"==> {message}", file=sys.stderr, flush=True)
    return code


class SetupError(Exception):
    """Setup cannot go on; the message says what to do and ``code`` is the exit status."""

    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.code = code


# ---------------------------------------------------------------- paths and environment


def var_dir() -> Path:
    """Where the embedded default keeps its database, broker and cache (as settings do)."""
    return Path(os.environ.get("SHORTBOOK_VAR_DIR") or ROOT / "var")


def venv_tool(name: str) -> str:
    return str(VENV_BIN / name)


def child_environment(**defaults: str) -> dict[str, str]:
    """Return this process's environment with the venv first on PATH and ``defaults`` added.

    A value already set in the environment wins over its default.
    """
    environment = dict(os.environ)
    for name, value in defaults.items():
        environment.setdefault(name, value)
    environment["VIRTUAL_ENV"] = str(VENV)
    environment["PATH"] = os.pathsep.join([str(VENV_BIN), environment.get("PATH", "")])
    environment["PYTHONUNBUFFERED"] = "1"
    return environment


def run(argv: Sequence[str], *, env: dict[str, str] | None = None) -> None:
    """Run one setup step in the foreground; stop everything if it fails."""
    result = subprocess.run(argv, cwd=ROOT, env=env, check=False)
    if result.returncode != 0:
        raise SetupError(f"{' '.join(argv)} failed with exit status {result.returncode}.")


# ---------------------------------------------------------------- virtualenv and dependencies


def pinned_requirements(*, dev: bool) -> list[str]:
    """Return the dependencies that pyproject.toml pins, with the ``dev`` extra if asked."""
    project = tomllib.loads(PYPROJECT.read_text())["project"]
    requirements = list(project["dependencies"])
    if dev:
        requirements += project["optional-dependencies"]["dev"]
    return requirements


def requirements_digest(requirements: Iterable[str]) -> str:
    text = "\n".join([sys.version.split()[0], *sorted(requirements)])
    return hashlib.sha256(text.encode()).hexdigest()


def stamp_path(*, dev: bool) -> Path:
    return VENV / (".shortbook-requirements-dev" if dev else ".shortbook-requirements")


def ensure_venv(*, dev: bool) -> None:
    """Make .venv and install the pinned dependencies unless its stamp says they are in."""
    if os.environ.get("SHORTBOOK_SKIP_INSTALL") == "1":
        if not (VENV_BIN / "python").exists():
            raise SetupError("SHORTBOOK_SKIP_INSTALL=1 is set but .venv does not exist.")
        return
    if not (VENV_BIN / "python").exists():
        say(f"Creating the virtualenv in {VENV.relative_to(ROOT)}…")
        result = subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=False)
        if result.returncode != 0:
            raise SetupError(
                "Could not create the virtualenv; on Debian or Ubuntu install it with: "
                "apt-get install python3-venv",
                EXIT_MISSING_TOOL,
            )
    requirements = pinned_requirements(dev=dev)
    digest = requirements_digest(requirements)
    stamp = stamp_path(dev=dev)
    if stamp.exists() and stamp.read_text().strip() == digest:
        return
    say(f"Installing dependencies{' and test tools' if dev else ''} from pyproject.toml…")
    run([venv_tool("python"), "-m", "pip", "install", "--disable-pip-version-check", *requirements])
    stamp.write_text(digest + "\n")
    if dev:
        # The test tools come with everything the platform needs.
        stamp_path(dev=False).write_text(requirements_digest(pinned_requirements(dev=False)) + "\n")
    say("Dependencies installed.")


def check_python() -> None:
    """Warn when this Python is newer than the one the dependencies are pinned for."""
    if sys.version_info[:2] != (3, 11):
        say(f"Warning: Shortbook is pinned to Python 3.11; this is {sys.version.split()[0]}.")


# ---------------------------------------------------------------- local services for tests


def port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def wait_for_port(host: str, port: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if port_open(host, port):
            return True
        time.sleep(POLL_SECONDS)
    return False


def is_local(host: str | None) -> bool:
    return host in ("127.0.0.1", "localhost", "::1")


def as_root() -> bool:
    return os.geteuid() == 0


def install_hint(packages: str) -> str:
    return f"{'' if as_root() else 'sudo '}apt-get install {packages}"


def postgresql_versions() -> list[str]:
    """Return the installed PostgreSQL server versions (Debian's layout), oldest first."""
    clusters = Path("/etc/postgresql")
    if not clusters.is_dir():
        return []
    return sorted(
        (path.name for path in clusters.iterdir() if path.name.replace(".", "").isdigit()),
        key=float,
    )


def start_postgresql() -> None:
    versions = postgresql_versions()
    if not shutil.which("pg_ctlcluster") or not versions:
        raise SetupError(
            "PostgreSQL is not installed. Install it with: "
            + install_hint("postgresql redis-server"),
            EXIT_MISSING_TOOL,
        )
    say(f"Starting PostgreSQL {versions[-1]}…")
    run(["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main", "start"])


def start_redis() -> None:
    if not shutil.which("redis-server"):
        raise SetupError(
            "Redis is not installed. Install it with: " + install_hint("postgresql redis-server"),
            EXIT_MISSING_TOOL,
        )
    say("Starting Redis…")
    # Redis holds nothing the tests need to keep: no snapshots, no append-only file.
    listen = ["--bind", "127.0.0.1", "--port", "6379"]
    persistence = ["--save", "", "--appendonly", "no"]
    run(["redis-server", "--daemonize", "yes", *listen, *persistence])


@dataclass(frozen=True, slots=True)
class Service:
    name: str
    url: str
    default_port: int
    start: Callable[[], None]


def ensure_service(service: Service) -> None:
    """Make sure ``service`` answers on its URL's port, starting a local one if needed."""
    parts = urlsplit(service.url)
    if parts.hostname is None:
        return  # A Unix socket: the client will say if it is missing.
    port = parts.port or service.default_port
    if port_open(parts.hostname, port):
        return
    if not (is_local(parts.hostname) and port == service.default_port):
        raise SetupError(
            f"{service.name} does not answer on {parts.hostname}:{port} ({service.url}).",
            EXIT_MISSING_TOOL,
        )
    service.start()
    if not wait_for_port(parts.hostname, port, SERVICE_START_SECONDS):
        raise SetupError(f"{service.name} did not start listening on port {port}.")


def ensure_chromium() -> None:
    """Install Debian's Chromium for the browser tests, or say how to."""
    if CHROMIUM.exists():
        return
    if as_root() and shutil.which("apt-get"):
        say("Installing Chromium for the browser tests (apt-get)…")
        apt_env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        run(["apt-get", "update"], env=apt_env)
        run(["apt-get", "install", "-y", "chromium"], env=apt_env)
        return
    raise SetupError(
        f"The browser tests need Chromium at {CHROMIUM}. Install it with: "
        + install_hint("chromium"),
        EXIT_MISSING_TOOL,
    )


# ---------------------------------------------------------------- the processes of `start`


@dataclass(frozen=True, slots=True)
class ProcessSpec:
    """One long-running process of the platform, named in the merged output."""

    name: str
    argv: list[str]


def risk_queues() -> list[str]:
    """The risk workers' queues, as settings name them: one per instrument group."""
    groups = int(os.environ.get("RISK_QUEUE_GROUPS") or DEFAULT_RISK_QUEUE_GROUPS)
    return [f"risk-{group}" for group in range(groups)]


def process_specs(*, port: int, redis: bool) -> list[ProcessSpec]:
    """Return the processes that make up the running platform.

    With Redis the scheduler (beat) is a process of its own and the worker forks a
    pool; on the embedded default one worker process runs beat inside it, because
    the file-system broker and SQLite want as few writers as possible.
    """
    # The stream's messages are small JSON sent to many sockets at once: compressing
    # each copy for each socket costs the web process more than the bytes it saves.
    uvicorn = [venv_tool("uvicorn"), "config.asgi:application", "--ws-per-message-deflate", "false"]
    celery = [venv_tool("celery"), "-A", "config"]
    schedule = ["-s", str(var_dir() / "celerybeat-schedule")]
    specs = [ProcessSpec("web", [*uvicorn, "--host", "127.0.0.1", "--port", str(port)])]
    queues = ["-Q", ",".join(["celery", *risk_queues()])]
    if redis:
        specs += [
            ProcessSpec("beat", [*celery, "beat", "--loglevel", "INFO", *schedule]),
            ProcessSpec("worker", [*celery, "worker", *queues, "--loglevel", "INFO"]),
        ]
    else:
        specs += [
            ProcessSpec(
                "worker",
                [
                    *celery,
                    "worker",
                    *queues,
                    "-B",
                    "--pool",
                    "solo",
                    "--loglevel",
                    "INFO",
                    *schedule,
                ],
            ),
        ]
    # The price feed: a worker of its own on the "feed" queue, so ticks keep their
    # pace whatever the other work; it logs only problems (a tick a second is noise).
    specs.append(
        ProcessSpec(
            "feed",
            [
                *celery,
                "worker",
                "-Q",
                "feed",
                "-n",
                "feed@%h",
                "--pool",
                "solo",
                "--loglevel",
                "WARNING",
            ],
        )
    )
    return specs


def _death_signal_setter() -> Callable[[], None] | None:
    """Return a pre-exec hook that makes Linux SIGTERM a child when dev.py dies, even by -9."""
    if not sys.platform.startswith("linux"):
        return None
    libc = ctypes.CDLL(None, use_errno=True)
    pr_set_pdeathsig = 1

    def set_death_signal() -> None:
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM)

    return set_death_signal


@dataclass(slots=True)
class Child:
    """A running process, and the start of an output line it has not finished yet."""

    spec: ProcessSpec
    process: subprocess.Popen[bytes]
    prefix: str
    pending: bytes = b""

    def feed(self, data: bytes) -> None:
        lines = (self.pending + data).split(b"\n")
        self.pending = lines.pop()
        for line in lines:
            self.emit(line)

    def flush(self) -> None:
        if self.pending:
            self.emit(self.pending)
            self.pending = b""

    def emit(self, line: bytes) -> None:
        text = line.decode("utf-8", errors="replace").rstrip("\r")
        sys.stdout.write(f"{self.prefix}{text}\n")
        sys.stdout.flush()

    def signal_group(self, signum: int) -> bool:
        """Send ``signum`` to the child's process group; say whether anyone was there."""
        try:
            os.killpg(self.process.pid, signum)
        except (ProcessLookupError, PermissionError):
            return False
        return True


def make_prefix(name: str, width: int, index: int) -> str:
    label = f"{name:<{width}} | "
    if sys.stdout.isatty() and not os.environ.get("NO_COLOR"):
        return f"\033[{COLORS[index % len(COLORS)]}m{label}\033[0m"
    return label


def spawn(specs: Sequence[ProcessSpec], env: dict[str, str]) -> list[Child]:
    """Start each process in a process group of its own, its output piped to us.

    Its own group lets dev.py stop a process with everything it forked (celery's
    pool and embedded beat) and keeps a terminal's Ctrl-C for dev.py to handle.
    """
    width = max(len(spec.name) for spec in specs)
    preexec = _death_signal_setter()
    children = []
    for index, spec in enumerate(specs):
        try:
            process = subprocess.Popen(
                spec.argv,
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                process_group=0,
                preexec_fn=preexec,
            )
        except OSError as error:
            for child in children:
                child.signal_group(signal.SIGKILL)
                child.process.wait()
            raise SetupError(f"Could not start {spec.name}: {error}") from error
        os.set_blocking(process.stdout.fileno(), False)
        children.append(Child(spec, process, make_prefix(spec.name, width, index)))
        command = " ".join([Path(spec.argv[0]).name, *spec.argv[1:]])
        say(f"Started {spec.name} (pid {process.pid}): {command}")
    return children


class StopRequests:
    """Count the stop signals received (Ctrl-C, SIGTERM, a closed terminal)."""

    def __init__(self) -> None:
        self.count = 0
        self.last: int | None = None

    def __call__(self, signum: int, frame: object) -> None:
        self.count += 1
        self.last = signum

    def install(self) -> None:
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, self)


@dataclass(slots=True)
class Supervisor:
    children: list[Child]
    stops: StopRequests
    on_ready: Callable[[], bool]
    selector: selectors.BaseSelector = field(default_factory=selectors.DefaultSelector)

    def run(self) -> int:
        """Relay output until a stop signal or a process dies; then stop them all."""
        for child in self.children:
            self.selector.register(child.process.stdout, selectors.EVENT_READ, child)
        announced = False
        exit_code = 0
        while not self.stops.count:
            self.pump(POLL_SECONDS)
            dead = next((c for c in self.children if c.process.poll() is not None), None)
            if dead is not None:
                self.pump(0)
                fail(
                    f"{dead.spec.name} exited unexpectedly with status "
                    f"{dead.process.returncode}; stopping the others."
                )
                exit_code = 1
                break
            if not announced:
                announced = self.on_ready()
        if self.stops.count:
            say(f"Got {signal.Signals(self.stops.last).name}; stopping (again to force)…")
        self.stop_all()
        return exit_code

    def pump(self, timeout: float) -> None:
        for key, _ in self.selector.select(timeout):
            child: Child = key.data
            try:
                data = os.read(key.fd, 65536)
            except BlockingIOError:
                continue
            if data:
                child.feed(data)
            else:
                self.selector.unregister(key.fileobj)
                child.flush()

    def stop_all(self) -> None:
        """SIGTERM every process group, wait for them, then SIGKILL whatever is left."""
        stops_seen = self.stops.count
        for child in self.children:
            if child.process.poll() is None:
                child.signal_group(signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        while any(c.process.poll() is None for c in self.children):
            self.pump(POLL_SECONDS)
            if time.monotonic() > deadline or self.stops.count > stops_seen:
                for child in self.children:
                    if child.process.poll() is None:
                        fail(f"{child.spec.name} did not stop; killing it.")
                        child.signal_group(signal.SIGKILL)
                break
        for child in self.children:
            child.process.wait()
            # Anything the process forked and left behind goes with it.
            child.signal_group(signal.SIGKILL)
        self.pump(0)
        for child in self.children:
            child.flush()
            child.process.stdout.close()
        self.selector.close()


# ---------------------------------------------------------------- commands


def manage(*arguments: str, env: dict[str, str]) -> None:
    run([venv_tool("python"), "manage.py", *arguments], env=env)


def prepare_var_dirs() -> None:
    base = var_dir()
    for name in ("broker/queue", "broker/processed", "broker/control", "cache"):
        path = base / name
        path.mkdir(parents=True, exist_ok=True)


def describe_url(name: str) -> str | None:
    """Return the environment's URL ``name`` without its credentials, or None if unset."""
    value = os.environ.get(name)
    if not value:
        return None
    parts = urlsplit(value)
    where = parts.hostname or "local socket"
    return f"{parts.scheme}://{where}{f':{parts.port}' if parts.port else ''}{parts.path}"


def banner(port: int) -> str:
    url = f"http://127.0.0.1:{port}/"
    database = describe_url("DATABASE_URL") or f"SQLite in {var_dir()}"
    broker = describe_url("REDIS_URL") or f"files in {var_dir() / 'broker'}"
    return "\n".join(
        [
            "",
            f"  Shortbook is running at {url}",
            f"  Demo login:   {DEMO_LOGIN[0]} / {DEMO_LOGIN[1]}",
            f"  Admin login:  {ADMIN_LOGIN[0]} / {ADMIN_LOGIN[1]}  ({url}admin/)",
            f"  API docs:     {url}api/v1/docs/",
            f"  Database:     {database}",
            f"  Broker:       {broker}",
            "  Press Ctrl-C to stop.",
            "",
        ]
    )


def command_start(port: int) -> int:
    check_python()
    ensure_venv(dev=False)
    if not port_free("127.0.0.1", port):
        return fail(f"Port {port} is already in use; pick another with --port.", EXIT_MISSING_TOOL)
    redis = bool(os.environ.get("REDIS_URL"))
    env = child_environment(DJANGO_SETTINGS_MODULE=LOCAL_SETTINGS)
    prepare_var_dirs()
    say("Applying database migrations…")
    manage("migrate", "--noinput", env=env)
    say("Seeding the demo logins and instruments…")
    manage("seed_demo", env=env)

    stops = StopRequests()
    stops.install()  # Before spawning, so no signal can leave a child behind.
    children = spawn(process_specs(port=port, redis=redis), env)

    def on_ready() -> bool:
        if not port_open("127.0.0.1", port, timeout=0.1):
            return False
        print(banner(port), flush=True)
        return True

    exit_code = Supervisor(children, stops, on_ready).run()
    say("Stopped." if exit_code == 0 else "Stopped after a failure.")
    return exit_code


def command_check() -> int:
    check_python()
    ensure_venv(dev=True)
    return ruff_check()


def ruff_check() -> int:
    say("ruff check .")
    return subprocess.run([venv_tool("ruff"), "check", "."], cwd=ROOT, check=False).returncode


def command_test(pytest_args: Sequence[str]) -> int:
    check_python()
    ensure_venv(dev=True)
    ensure_chromium()
    env = child_environment(DATABASE_URL=TEST_DATABASE_URL, REDIS_URL=TEST_REDIS_URL)
    env["DJANGO_SETTINGS_MODULE"] = TEST_SETTINGS
    ensure_service(Service("PostgreSQL", env["DATABASE_URL"], 5432, start_postgresql))
    ensure_service(Service("Redis", env["REDIS_URL"], 6379, start_redis))
    if (code := ruff_check()) != 0:
        return fail("ruff found problems; fix them (ruff check --fix .) and run again.", code)
    # The browser tests save a screenshot of each main page here, for a person to look at.
    screenshots = Path(env.setdefault("SHORTBOOK_SCREENSHOTS", str(var_dir() / "screenshots")))
    say("pytest " + " ".join(pytest_args))
    argv = [venv_tool("python"), "-m", "pytest", *pytest_args]
    code = subprocess.run(argv, cwd=ROOT, env=env, check=False).returncode
    if code == PYTEST_NO_TESTS:
        return fail("pytest collected no tests; that counts as a failure.", 1)
    shots = sorted(screenshots.glob("*.png")) if screenshots.is_dir() else []
    if shots:
        say(f"{len(shots)} screenshots of the pages in {screenshots}")
    return code


def command_requirements(dev: bool) -> int:
    """Print the pinned dependencies, one a line, for the Dockerfile's pip install."""
    print("\n".join(pinned_requirements(dev=dev)))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dev.py", description="Set up and run Shortbook.", allow_abbrev=False
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    start = commands.add_parser(
        "start", help="set up and run the whole platform: web, worker, beat"
    )
    start.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"web port (default {DEFAULT_PORT})"
    )
    commands.add_parser(
        "test",
        help="set up and run every test (ruff, then pytest on PostgreSQL and Redis); "
        "arguments after 'test' go to pytest",
    )
    commands.add_parser("check", help="run ruff only")
    requirements = commands.add_parser(
        "requirements", help="print the pinned dependencies, one a line"
    )
    requirements.add_argument("--dev", action="store_true", help="include the test tools")
    return parser


def main(argv: Sequence[str]) -> int:
    try:
        # Everything after "test" belongs to pytest, flags included.
        if argv[:1] == ["test"]:
            return command_test(argv[1:])
        args = build_parser().parse_args(argv)
        if args.command == "start":
            return command_start(args.port)
        if args.command == "check":
            return command_check()
        return command_requirements(args.dev)
    except SetupError as error:
        return fail(str(error), error.code)
    except KeyboardInterrupt:
        return fail("Interrupted.", EXIT_INTERRUPTED)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
