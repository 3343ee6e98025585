"""``python -m visualizer serve --replicas N``: N Streamlit servers of the app behind HAProxy, on
one machine.

One Streamlit process serves from one core (its sessions' reruns share one interpreter), and
it keeps each session's state in the process that holds the session's websocket. So more
processes need a load balancer that keeps each browser on its process: HAProxy inserts a cookie
naming the replica on a browser's first request and sends every later request with that cookie
— the page, its websocket, its uploads — to the same replica (``cookie … insert``); a replica
that stops answering its health check gets no new browsers. The configuration is
:func:`haproxy_config` (``deploy/haproxy.cfg`` is the same for two replicas). For a course that
outgrows one machine, ``deploy/`` has a container file, a compose file and Kubernetes manifests.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Optional, Sequence

from .host import SHARE_ENV, SLOTS_ENV

ROOT = Path(__file__).resolve().parents[1]
"""The folder holding Home.py (and .streamlit/config.toml, the app's own settings)."""
MAX_REPLICAS = 64
MAX_BODY = 17 << 20
"""The largest request body HAProxy passes on: the app's largest upload (16 MiB, the
``server.maxUploadSize`` of .streamlit/config.toml) and 1 MiB of multipart framing."""
MALLOC_ENV = {
    # freed memory goes back to the system: Python's small objects from glibc's malloc, not
    # pymalloc (which returns a 1 MiB arena only once every object in it is gone, so after a
    # burst of objects a few survivors hold the arenas; glibc's malloc_trim, which the
    # housekeeping calls, gives back every whole free page of the heap), a fixed mmap threshold
    # (glibc raises it as large blocks are freed, and then keeps them in the heap), few arenas,
    # and trimming
    "PYTHONMALLOC": "malloc",
    "MALLOC_ARENA_MAX": "2",
    "MALLOC_MMAP_THRESHOLD_": "131072",
    "MALLOC_TRIM_THRESHOLD_": "131072",
}
"""Environment of each replica (glibc's allocator settings; see README, "A class of 300")."""
INSTALL_HINT = ("HAProxy is not installed: install it with your system's package manager "
                "(Debian/Ubuntu: apt-get install haproxy; Fedora: dnf install haproxy; macOS: brew install haproxy)")


def haproxy_config(listen: str, replicas: Sequence[tuple[str, str, int]], *, stats: Optional[str] = None) -> str:
    """HAProxy's configuration: ``listen`` ("ADDRESS:PORT") in front of ``replicas`` (name, host,
    port), sticky by cookie, websockets kept open, health-checked; ``stats`` ("ADDRESS:PORT") adds
    HAProxy's statistics page there."""
    servers = "\n".join(f"    server {name} {host}:{port} cookie {name} check inter 5s fall 3 rise 1"
                        for name, host, port in replicas)
    out = f"""# HAProxy in front of Streamlit replicas of the app: sticky by cookie, websockets kept open.
global
    maxconn 4096

defaults
    mode http
    timeout connect 5s
    timeout client 60s
    timeout server 60s
    # a websocket (one per browser tab) stays open for a whole lecture
    timeout tunnel 4h
    timeout http-request 30s

frontend app
    bind {listen}
    # an upload larger than the app takes (16 MiB and its multipart framing) is refused here, by
    # its declared length, before a replica reads any of it
    http-request deny deny_status 413 if {{ req.hdr_val(content-length) gt {MAX_BODY} }}
    default_backend replicas

backend replicas
    # a new browser goes to the replica with the fewest connections; then the cookie keeps it
    # there (Streamlit holds a session's state in one process)
    balance leastconn
    cookie ESXI_REPLICA insert indirect nocache httponly
    # a busy replica answers its health check late: it is taken out only after 30 s without an
    # answer (taking out the only one would turn a slow class into no class); a browser whose
    # replica is gone goes to another (a new session there)
    option httpchk GET /_stcore/health
    http-check expect status 200
    timeout check 10s
    option redispatch
    retries 2
{servers}
"""
    if stats:
        out += f"""
listen stats
    bind {stats}
    stats enable
    stats uri /
"""
    return out


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def _die_with_parent() -> None:  # in the child, before exec: SIGTERM when serve itself goes
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def start_replica(port: int, *, log=None, extra: Sequence[str] = (), share: int = 1,
                  slots: Optional[str] = None) -> subprocess.Popen:
    """One Streamlit server of the app on 127.0.0.1:``port`` (its own settings from
    .streamlit/config.toml; the malloc settings of :data:`MALLOC_ENV`), one of ``share`` replicas
    on this machine: its server-wide memory budgets are the machine's divided by ``share``
    (:mod:`visualizer.host`); ``slots``: the directory of the worker slots it shares with them."""
    cmd = [sys.executable, "-m", "streamlit", "run", "Home.py", "--server.headless", "true", "--server.address",
           "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false", *extra]
    env = {**os.environ, **MALLOC_ENV, "PYTHONUNBUFFERED": "1", SHARE_ENV: str(share)}
    env.pop(SLOTS_ENV, None)
    if slots is not None:
        env[SLOTS_ENV] = slots
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log or subprocess.DEVNULL, stderr=subprocess.STDOUT,
                            preexec_fn=_die_with_parent)


def wait_healthy(url: str, timeout: float = 90.0, proc: Optional[subprocess.Popen] = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{url}: the process ended (exit {proc.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")


class Cluster:
    """N replicas and their HAProxy, started and stopped together (``with Cluster(...) as c``)."""

    def __init__(self, replicas: int, address: str = "127.0.0.1", port: int = 8501, *,
                 stats: Optional[str] = None, log_dir: Optional[Path] = None, haproxy: Optional[str] = None):
        if not 1 <= replicas <= MAX_REPLICAS:
            raise ValueError(f"--replicas: {replicas} is not from 1 to {MAX_REPLICAS}")
        self.haproxy = haproxy or shutil.which("haproxy") or ("/usr/sbin/haproxy" if Path("/usr/sbin/haproxy").exists()
                                                              else None)
        if self.haproxy is None:
            raise FileNotFoundError(INSTALL_HINT)
        self.n, self.address, self.port, self.stats = replicas, address, port, stats
        self.log_dir = log_dir
        self.procs: list[subprocess.Popen] = []
        self.ports: list[int] = []
        self.lb: Optional[subprocess.Popen] = None
        self._tmp = tempfile.TemporaryDirectory(prefix="esxi-serve-")

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.address in ("0.0.0.0", "") else self.address
        return f"http://{host}:{self.port}"

    def start(self) -> "Cluster":
        try:
            slots = Path(self._tmp.name) / "slots"  # the machine's worker slots, shared by the replicas
            slots.mkdir(exist_ok=True)
            for i in range(self.n):
                port = free_port()
                log = open(self.log_dir / f"replica{i + 1}.log", "ab") if self.log_dir else None
                self.procs.append(start_replica(port, log=log, share=self.n, slots=str(slots)))
                self.ports.append(port)
            for proc, port in zip(self.procs, self.ports, strict=True):
                wait_healthy(f"http://127.0.0.1:{port}/_stcore/health", proc=proc)
            cfg = Path(self._tmp.name) / "haproxy.cfg"
            cfg.write_text(haproxy_config(f"{self.address}:{self.port}",
                                          [(f"r{i + 1}", "127.0.0.1", p) for i, p in enumerate(self.ports)],
                                          stats=self.stats))
            check = subprocess.run([self.haproxy, "-c", "-q", "-f", str(cfg)], capture_output=True, text=True)
            if check.returncode != 0:
                raise RuntimeError(f"HAProxy refused its configuration: {check.stderr.strip()[:500]}")
            log = open(self.log_dir / "haproxy.log", "ab") if self.log_dir else subprocess.DEVNULL
            self.lb = subprocess.Popen([self.haproxy, "-db", "-f", str(cfg)], stdout=log, stderr=subprocess.STDOUT,
                                       preexec_fn=_die_with_parent)
            wait_healthy(f"{self.url}/_stcore/health", timeout=30, proc=self.lb)
            return self
        except BaseException:
            self.stop()
            raise

    def pids(self) -> list[int]:
        """The replicas' process ids (HAProxy's not among them)."""
        return [p.pid for p in self.procs]

    def stop(self) -> None:
        for p in ([self.lb] if self.lb else []) + self.procs:
            if p.poll() is None:
                p.terminate()
        for p in ([self.lb] if self.lb else []) + self.procs:
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(5)
        self.procs, self.lb = [], None
        self._tmp.cleanup()

    def __enter__(self) -> "Cluster":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def serve(replicas: int, address: str, port: int, out=None) -> int:
    """Run the cluster until interrupted (Ctrl-C, SIGTERM); a replica that dies is started again."""
    out = out or sys.stdout
    cluster = Cluster(replicas, address, port)
    stopping = []
    old = signal.signal(signal.SIGTERM, lambda *a: stopping.append(1))
    try:
        cluster.start()
        out.write(f"serving the app at {cluster.url} — {replicas} replica(s) behind HAProxy "
                  f"(ports {', '.join(map(str, cluster.ports))}); Ctrl-C stops\n")
        out.flush()
        while not stopping:
            time.sleep(1.0)
            if stopping:  # a signal to the whole process group reaches the replicas and HAProxy too
                break
            for i, p in enumerate(cluster.procs):
                if p.poll() is not None and not stopping:  # HAProxy's health check takes it out meanwhile
                    out.write(f"replica {i + 1} ended (exit {p.returncode}); starting it again\n")
                    out.flush()
                    cluster.procs[i] = start_replica(cluster.ports[i])
            if cluster.lb is not None and cluster.lb.poll() is not None:
                time.sleep(0.5)
                if not stopping:
                    raise RuntimeError(f"HAProxy ended (exit {cluster.lb.returncode})")
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, old)
        cluster.stop()
    return 0
