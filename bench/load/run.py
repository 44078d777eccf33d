"""Load benchmark: a vote of thousands through the JSON API, against a minimal-Flask floor.

    python bench/load/run.py                 # SQLite and PostgreSQL, 2,000 cities
    python bench/load/run.py --quick         # a smoke run: 200 cities, SQLite
    python bench/load/run.py --db postgres --profile

For each database it serves the floor (floor_app.py) and then the app with gunicorn
(2 workers) on a fresh database, makes N member cities each with a board member and an
API token, and drives both the same way over 127.0.0.1:

  throughput  every board member votes once in one poll, from 64 concurrent clients
              that each send the next vote as soon as the last is answered: votes/s;
  latency     in a fresh poll per rate, vote i is due at start + i/rate; its latency
              runs from when it was due (no coordinated omission): p50/p95/p99 at
              150 and 200 votes/s.

For the app it also times opening and closing each poll, checks accepted votes =
ballots (the closed poll's result.cast) = tally (yes + no + abstain, per choice), counts
every non-201 answer as an error, and reads each worker's peak RSS (VmHWM). Then it
times three pages with 400 cities through the test client (pages.py). It ends with one
Markdown table. Every loop is bounded in count and time; all traffic goes to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import datetime as dt
import json
import os
import platform
import random
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
VENV = ROOT / ".venv"


def ensure_venv() -> None:
    """Re-run under the project's .venv (it has gunicorn, psycopg and the app)."""
    python = VENV / "bin" / "python"
    if not python.exists():
        raise SystemExit(f"{python} not found: build the virtual environment first (make)")
    if Path(sys.prefix).resolve() != VENV.resolve() and not os.environ.get("BENCH_LOAD_REEXEC"):
        os.environ["BENCH_LOAD_REEXEC"] = "1"
        os.execv(str(python), [str(python), str(Path(__file__).resolve()), *sys.argv[1:]])


ensure_venv()
sys.path.insert(0, str(HERE))

from loadgen import Job, PhaseResult, call, run_closed, run_paced  # noqa: E402 -- after the re-exec above

CHOICES = ("yes", "no", "abstain")
PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
# Appended to the databases made here, so that two people benchmarking on one server do not drop each other's.
TAG = os.environ.get("BENCH_DB_TAG", "")
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
SEC_EMAIL, CHAIR_EMAIL = "secretariaat@bench.test", "voorzitter@bench.test"
ADMIN_PASSWORD = "Bench-Load-Beheer-2017"

# The targets: SQLite at least 0.7 of the floor, PostgreSQL at least 0.5 (aim 0.8).
TARGET_RATIO = {"sqlite": 0.7, "postgres": 0.5}
AIM_RATIO = 0.8
TARGET_P99_MS = 100.0
TARGET_CLOSE_MS = 50.0
TARGET_RSS_MB = 150.0
TARGET_PAGE_MS = 20.0


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def choice_for(i: int) -> str:
    # 3 yes : 1 no : 1 abstain, so the tally check sees three different counts.
    return ("yes", "no", "yes", "abstain", "yes")[i % 5]


# -- databases ---------------------------------------------------------------------------


class Database:
    """A fresh database for one server: a SQLite file in a temp dir, or a PostgreSQL database made here."""

    def __init__(self, kind: str, name: str, tmp: Path):
        self.kind, self.name = kind, name
        if kind == "sqlite":
            self.url = f"sqlite:///{tmp / (name + '.sqlite')}"
        else:
            self.url = PG_URL.format(name=name)
            self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')

    @staticmethod
    def _admin(*statements: str) -> None:
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=10) as conn:
            for statement in statements:
                conn.execute(statement)

    def drop(self) -> None:
        if self.kind == "postgres":
            with contextlib.suppress(Exception):
                self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


# -- the server ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn serving one WSGI app on 127.0.0.1 with N workers."""

    def __init__(self, app_spec: str, cwd: Path, env: dict, workers: int, worker_class: str, logfile: Path):
        self.app_spec, self.cwd, self.env = app_spec, cwd, env
        self.workers, self.worker_class, self.logfile = workers, worker_class, logfile
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    def start(self) -> Server:
        self.log = open(self.logfile, "w")  # noqa: SIM115 -- closed in stop()
        self.proc = subprocess.Popen(
            [str(VENV / "bin" / "gunicorn"), "-w", str(self.workers), "-k", self.worker_class,
             "-b", f"127.0.0.1:{self.port}", "--timeout", "60", "--backlog", "2048", self.app_spec],
            cwd=self.cwd, env=self.env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("server exited: " + self.logfile.read_text()[-2000:])
            with contextlib.suppress(OSError):
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                if len(self.worker_pids()) >= self.workers:
                    return self
            time.sleep(0.2)
        raise RuntimeError("server did not start in 60 s")

    def worker_pids(self) -> list[int]:
        if self.proc is None:
            return []
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError, ValueError, IndexError):
                fields = stat.read_text().rsplit(")", 1)[1].split()
                if int(fields[1]) == self.proc.pid:
                    pids.append(int(stat.parent.name))
        return sorted(pids)

    def peak_rss_mb(self) -> list[float]:
        """Each worker's peak resident set (VmHWM), in MB."""
        peaks = []
        for pid in self.worker_pids():
            with contextlib.suppress(OSError):
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peaks.append(int(line.split()[1]) / 1024)
        return peaks

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        self.proc = None
        with contextlib.suppress(Exception):
            self.log.close()


class Profiler:
    """py-spy attached to each worker for one phase (raw collapsed stacks), when py-spy is installed."""

    def __init__(self, server: Server, out_dir: Path, label: str):
        self.binary = shutil.which("py-spy", path=str(VENV / "bin")) or shutil.which("py-spy")
        self.procs: list[tuple[subprocess.Popen, Path]] = []
        if not self.binary:
            log("py-spy not installed (.venv/bin/pip install py-spy): no profile")
            return
        for pid in server.worker_pids():
            out = out_dir / f"profile-{label}-{pid}.txt"
            with open(out.with_suffix(".log"), "w") as errors:
                command = [self.binary, "record", "-p", str(pid), "-f", "raw", "-o", str(out), "-r", "200",
                           "-d", "300", "--nolineno"]
                proc = subprocess.Popen(command, stdout=errors, stderr=subprocess.STDOUT)
            self.procs.append((proc, out))
        time.sleep(1.0)  # let py-spy attach before the load starts

    def stop(self) -> list[Path]:
        outs = []
        for proc, out in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
            if out.exists():
                outs.append(out)
        return outs


def summarise_profile(files: list[Path], top: int = 30) -> dict:
    """Inclusive and self share of samples per function, over every worker's raw stacks."""
    inclusive: collections.Counter = collections.Counter()
    own: collections.Counter = collections.Counter()
    total = 0
    for path in files:
        for line in path.read_text().splitlines():
            stack, _, count = line.rpartition(" ")
            if not stack or not count.isdigit():
                continue
            n = int(count)
            total += n
            frames = stack.split(";")
            for frame in set(frames):
                inclusive[frame] += n
            own[frames[-1]] += n
    if not total:
        return {"samples": 0}

    def pct(counter: collections.Counter) -> list[tuple[str, float]]:
        return [(f, round(100 * n / total, 1)) for f, n in counter.most_common(top)]

    ours = collections.Counter({f: n for f, n in inclusive.items() if "governance/" in f or "(governance" in f})
    return {"samples": total, "inclusive": pct(inclusive), "self": pct(own), "governance_inclusive": pct(ours)}


# -- one side (floor or app) on one database -------------------------------------------------


def base_env(database_url: str) -> dict:
    env = dict(os.environ)
    env.pop("BENCH_LOAD_REEXEC", None)
    env.update({
        "FLASK_SQLALCHEMY_DATABASE_URI": database_url,
        "FLASK_SECRET_KEY": secrets.token_hex(16),
        "FLASK_RATELIMIT_ENABLED": "false",
        "FLASK_SESSION_COOKIE_SECURE": "false",
        "PYTHONDONTWRITEBYTECODE": "1",
    })
    return env


def vote_jobs(path: str, voters: list[dict], seed: int) -> list[Job]:
    order = list(range(len(voters)))
    random.Random(seed).shuffle(order)
    return [Job("POST", path, voters[i]["token"], {"choice": choice_for(i)}, tag=choice_for(i)) for i in order]


def phase_summary(result: PhaseResult) -> dict:
    errors = result.errors(201)
    kinds = collections.Counter(f"{o.status} {o.error or o.body[:80].decode('utf-8', 'replace')}" for o in errors)
    return {
        "sent": len(result.outcomes),
        "accepted": len(result.ok(201)),
        "errors": len(errors),
        "unanswered": sum(1 for o in errors if o.status == 0),  # timed out or past the phase deadline
        "error_kinds": dict(kinds.most_common(5)),
        "elapsed_s": round(result.elapsed, 3),
        "votes_per_s": round(result.rate(201), 1),
        "latency_ms": {str(p): round(v, 1) for p, v in result.percentiles().items()},
        "max_ms": round(1000 * max((o.latency for o in result.outcomes), default=0.0), 1),
        **result.extra,
    }


def accepted_by_choice(result: PhaseResult) -> dict[str, int]:
    counts = collections.Counter(o.job.tag for o in result.ok(201))
    return {c: counts.get(c, 0) for c in CHOICES}


class CpuMeter:
    """CPU used during a phase by the server, by PostgreSQL, by this driver and by everything else.

    The machine may be shared (test suites, browsers): what else ran during a phase is
    reported beside its figures, in cores, so a noisy figure can be told from a slow app.
    The server's own CPU time per vote (utime + stime of master and workers) is hardly
    moved by such noise, so it is reported too, as a second, steadier measure of cost.
    """

    TICK = os.sysconf("SC_CLK_TCK")

    def __init__(self, server_pids: list[int]):
        self.server = set(server_pids)
        self.start_total, self.start_procs, self.t0 = self._total(), self._procs(), time.monotonic()

    @staticmethod
    def _total() -> int:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
        user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in fields[:8])
        return user + nice + system + irq + softirq + steal

    @staticmethod
    def _procs() -> dict[int, tuple[str, int]]:
        procs = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError, ValueError, IndexError):
                text = stat.read_text()
                comm = text[text.index("(") + 1:text.rindex(")")]
                fields = text.rsplit(")", 1)[1].split()
                procs[int(stat.parent.name)] = (comm, int(fields[11]) + int(fields[12]))
        return procs

    def stop(self, votes: int) -> dict:
        elapsed = max(time.monotonic() - self.t0, 1e-6)
        total = self._total() - self.start_total
        server = driver = postgres = 0
        for pid, (comm, ticks) in self._procs().items():
            delta = ticks - self.start_procs[pid][1] if pid in self.start_procs else ticks
            if pid in self.server:
                server += delta
            elif pid == os.getpid():
                driver += delta
            elif comm.startswith("postgres"):
                postgres += delta

        def seconds(ticks: int) -> float:
            return ticks / self.TICK

        return {
            "cpu_others_cores": round(seconds(max(0, total - server - driver - postgres)) / elapsed, 2),
            "cpu_server_ms_per_vote": round(1000 * seconds(server) / votes, 2) if votes else None,
            "cpu_postgres_ms_per_vote": round(1000 * seconds(postgres) / votes, 2) if votes else None,
            "cpu_driver_ms_per_vote": round(1000 * seconds(driver) / votes, 2) if votes else None,
        }


def run_phases(port: int, vote_path, voters: list[dict], args, after_phase, server_pids) -> dict:
    """Warm-up, throughput, then one paced phase per rate, each `args.repeat` times.

    `vote_path(phase)` names each phase's poll (a fresh one per phase); `server_pids()`
    lists the server's processes, whose CPU counts as the benchmark's own.
    """
    phases = {}

    def measured(name: str, run) -> dict:
        meter = CpuMeter(server_pids())
        res = run()
        summary = phase_summary(res)
        summary.update(meter.stop(summary["accepted"]))
        phases[name] = summary
        after_phase(name, res, summary)
        return summary

    warm = vote_jobs(vote_path("warmup"), voters[: min(64, len(voters))], seed=1)
    measured("warmup", lambda: run_closed(port, warm, concurrency=8, deadline=60))
    for rep in range(1, args.repeat + 1):
        suffix = f".{rep}" if args.repeat > 1 else ""
        name = "throughput" + suffix
        jobs = vote_jobs(vote_path(name), voters, seed=2 + 10 * rep)
        log(f"  {name}: {len(voters)} votes from {args.clients} clients")
        got = measured(name, lambda jobs=jobs: run_closed(port, jobs, concurrency=args.clients, deadline=180))
        log(f"  {name}: {got['votes_per_s']} votes/s, {got['errors']} errors; "
            f"other processes used {got['cpu_others_cores']} cores")
        for rate in args.rates:
            name = f"paced{rate:g}{suffix}"
            jobs = vote_jobs(vote_path(name), voters, seed=int(rate) + 10 * rep)
            log(f"  {name}: {len(voters)} votes at {rate:g}/s")
            got = measured(name, lambda jobs=jobs, rate=rate: run_paced(port, jobs, rate=rate))
            lat = got["latency_ms"]
            log(f"  {name}: p50 {lat['50']} p95 {lat['95']} p99 {lat['99']} ms, {got['errors']} errors; "
                f"other processes used {got['cpu_others_cores']} cores")
    return phases


def bench_floor(kind: str, voters: list[dict], args, tmp: Path) -> dict:
    import floor_app

    db = Database(kind, "bench_load_floor" + TAG, tmp)
    server = None
    try:
        floor_app.init_db(db.url, [v["token"] for v in voters])
        env = base_env(db.url)
        env["FLOOR_DATABASE_URL"] = db.url
        server = Server("floor_app:create_app()", HERE, env, args.workers, args.worker_class,
                        tmp / f"floor-{kind}.log").start()
        poll_ids: dict[str, int] = {}

        def after(name, res, summary):
            stored = floor_app.count_ballots(db.url, poll_ids[name])
            want = accepted_by_choice(res)
            summary["stored"] = sum(stored.values())
            summary["lost"] = summary["accepted"] - summary["stored"]
            summary["tally_matches"] = all(stored.get(c, 0) == want[c] for c in CHOICES)

        def vote_path(name: str) -> str:
            poll_ids.setdefault(name, len(poll_ids) + 1)
            return f"/polls/{poll_ids[name]}/votes"

        phases = run_phases(server.port, vote_path, voters, args, after,
                            lambda: [server.proc.pid, *server.worker_pids()])
        return {"phases": phases, "peak_rss_mb": [round(x, 1) for x in server.peak_rss_mb()]}
    finally:
        if server:
            server.stop()
        db.drop()


class AppUnderTest:
    """The governance app: command line, seeding and API calls for one database."""

    def __init__(self, db: Database, tmp: Path):
        self.db, self.tmp = db, tmp
        self.env = base_env(db.url)
        self.server: Server | None = None
        self.tokens: dict[str, str] = {}

    def flask(self, *argv: str, timeout: float = 300) -> str:
        done = subprocess.run([str(VENV / "bin" / "flask"), "--app", "governance", *argv], cwd=ROOT, env=self.env,
                              capture_output=True, text=True, timeout=timeout, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"flask {' '.join(argv)} failed ({done.returncode}): {done.stderr[-1500:]}")
        return done.stdout

    def account(self, email: str, name: str, role: str) -> str:
        self.flask("users", "create", email, "--name", name, "--role", role, "--password", ADMIN_PASSWORD)
        return self.flask("users", "token", email).strip().splitlines()[-1].strip()

    def api(self, method: str, path: str, token: str, body: dict | None = None, want: int = 200):
        status, data, took = call(self.server.port, method, f"/api/v1{path}", token, body)
        if status != want:
            raise RuntimeError(f"{method} {path}: want {want}, got {status} {str(data)[:400]}")
        return data, took


def bench_app(kind: str, n: int, args, tmp: Path) -> dict:
    db = Database(kind, "bench_load_app" + TAG, tmp)
    app = AppUnderTest(db, tmp)
    out: dict = {}
    try:
        t = time.perf_counter()
        app.flask("init-db")
        sec = app.account(SEC_EMAIL, "Secretariaat", "secretariat")
        chair = app.account(CHAIR_EMAIL, "Voorzitter", "chair")
        app.server = Server("governance:create_app()", ROOT, app.env, args.workers, args.worker_class,
                            tmp / f"app-{kind}.log").start()
        app.api("PATCH", "/network", sec, {"cap": n + 100, "decision": f"Benchmark: cap raised for {n} members"})
        tokens_file = tmp / f"tokens-{kind}.json"
        done = subprocess.run([str(VENV / "bin" / "python"), str(HERE / "seed_app.py"), "--count", str(n),
                               "--actor", SEC_EMAIL, "--out", str(tokens_file)],
                              cwd=ROOT, env=app.env, capture_output=True, text=True, timeout=900, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"seeding failed: {done.stderr[-2000:]}")
        voters = json.loads(tokens_file.read_text())
        out["seed_s"] = round(time.perf_counter() - t, 1)
        network, _ = app.api("GET", "/network", sec)
        if network.get("member_count") != n:
            raise RuntimeError(f"expected {n} members, the network says {network.get('member_count')}")
        log(f"  app seeded: {n} members, cap {network.get('cap')}, in {out['seed_s']} s")

        polls: dict[str, int] = {}
        timings: dict[str, dict] = {}

        def open_poll(name: str) -> int:
            poll, _ = app.api("POST", "/polls", chair, {"title": f"Benchmark {name}",
                                                        "description": "Load benchmark motion"}, want=201)
            opened, took = app.api("POST", f"/polls/{poll['id']}/open", chair)
            if opened.get("eligible_count") != n:
                raise RuntimeError(f"poll opened with {opened.get('eligible_count')} eligible, want {n}")
            timings[name] = {"open_ms": round(1000 * took, 1)}
            polls[name] = poll["id"]
            return poll["id"]

        def after(name, res, summary):
            pid = polls[name]
            live, _ = app.api("GET", f"/polls/{pid}", chair)
            closed, took = app.api("POST", f"/polls/{pid}/close", chair)
            again, _ = app.api("GET", f"/polls/{pid}", sec)
            result = again.get("result") or {}
            want = accepted_by_choice(res)
            tally = {c: result.get(c) for c in CHOICES}
            summary.update(timings[name])
            summary["close_ms"] = round(1000 * took, 1)
            summary["cast_count_open"] = live.get("cast_count")
            summary["result_cast"] = result.get("cast")
            summary["lost"] = summary["accepted"] - (result.get("cast") or 0)
            summary["tally_matches"] = (tally == want and result.get("cast") == summary["accepted"]
                                        and live.get("cast_count") == summary["accepted"]
                                        and sum(v or 0 for v in tally.values()) == summary["accepted"]
                                        and closed.get("state") == "closed"
                                        and len(result.get("votes") or []) == summary["accepted"])
            if not summary["tally_matches"]:
                summary["tally_detail"] = {"sent_accepted": want, "result": tally, "cast": result.get("cast"),
                                           "cast_count_open": live.get("cast_count"),
                                           "named_votes": len(result.get("votes") or [])}
            if name != "warmup":
                log(f"  closed {name}: {summary['close_ms']} ms, cast {result.get('cast')}, "
                    f"tally {'ok' if summary['tally_matches'] else 'MISMATCH'}")

        # Each poll opens just before its phase, so no other open poll sits beside the one measured.
        def vote_path(name: str) -> str:
            if name not in polls:
                open_poll(name)
            return f"/api/v1/polls/{polls[name]}/votes"

        out["phases"] = run_phases(app.server.port, vote_path, voters, args, after,
                                   lambda: [app.server.proc.pid, *app.server.worker_pids()])
        if args.profile:
            log("  profiling: one more poll, every voter, 64 clients, py-spy on each worker")
            open_poll("profile")
            profiler = Profiler(app.server, args.out_dir, f"app-{kind}")
            res = run_closed(app.server.port, vote_jobs(f"/api/v1/polls/{polls['profile']}/votes", voters, seed=9),
                             concurrency=args.clients, deadline=300)
            files = profiler.stop()
            out["profile_phase"] = phase_summary(res)
            out["profile"] = summarise_profile(files)
            out["profile_files"] = [str(f) for f in files]
            after("profile", res, out["profile_phase"])
        out["peak_rss_mb"] = [round(x, 1) for x in app.server.peak_rss_mb()]
        app.server.stop()
        t = time.perf_counter()
        try:
            verify = app.flask("audit", "verify", timeout=300).strip().splitlines()
            out["audit_verify"] = (verify[-1] if verify else "") + f" ({time.perf_counter() - t:.1f} s)"
        except Exception as e:  # noqa: BLE001 -- reported in the table, not fatal to the figures
            out["audit_verify"] = f"FAILED: {e}"[:300]
        return out
    finally:
        if app.server:
            app.server.stop()
        db.drop()


# -- the table -----------------------------------------------------------------------------


def fmt_lat(phase: dict | None) -> str:
    if not phase:
        return "–"
    lat = phase["latency_ms"]
    return f"{lat['50']:.0f} / {lat['95']:.0f} / {lat['99']:.0f}"


def dash(value) -> str:
    return "–" if value is None else str(value)


def yes_no(ok: bool | None) -> str:
    return "–" if ok is None else ("yes" if ok else "**no**")


def runs_of(phases: dict, name: str) -> list[dict]:
    return [p for key, p in phases.items() if key == name or key.startswith(name + ".")]


def best_throughput(phases: dict) -> dict | None:
    runs = runs_of(phases, "throughput")
    return max(runs, key=lambda p: p["votes_per_s"]) if runs else None


def best_paced(phases: dict, rate: float) -> dict | None:
    runs = runs_of(phases, f"paced{rate:g}")
    return min(runs, key=lambda p: p["latency_ms"]["99"]) if runs else None


def table(results: dict, pages: dict | None, args) -> str:
    rows = ["| database | measure | floor | app | target | met |", "|---|---|---|---|---|---|"]
    for kind, r in results.items():
        label = {"sqlite": "SQLite", "postgres": "PostgreSQL"}[kind]
        floor, app = r.get("floor") or {}, r.get("app") or {}
        if "error" in floor or "error" in app:
            rows.append(f"| {label} | not measured | {floor.get('error', '')[:80]} | {app.get('error', '')[:80]} | | |")
            if "error" in app or "error" in floor:
                continue
        fp, ap = floor.get("phases", {}), app.get("phases", {})
        fbest, abest = best_throughput(fp), best_throughput(ap)
        ft, at = (fbest or {}).get("votes_per_s"), (abest or {}).get("votes_per_s")
        ratio = at / ft if ft and at is not None else None
        # Best against best, and with several runs also median against median (the steadier of the two).
        fruns, aruns = runs_of(fp, "throughput"), runs_of(ap, "throughput")
        median = None
        if len(fruns) > 1 and len(aruns) > 1:
            median = statistics.median(p["votes_per_s"] for p in aruns) / statistics.median(
                p["votes_per_s"] for p in fruns)
        target = TARGET_RATIO[kind]
        aim = f" (aim {AIM_RATIO}×)" if kind == "postgres" else ""
        rows.append(f"| {label} | throughput, votes/s ({args.clients} clients) | {dash(ft)} | {dash(at)}"
                    f"{f' (**{ratio:.2f}×** floor' if ratio is not None else ''}"
                    f"{f'; median of {len(aruns)} runs {median:.2f}×' if median is not None else ''}"
                    f"{')' if ratio is not None else ''} | ≥ {target}× floor{aim} | "
                    f"{yes_no(None if ratio is None else ratio >= target)}"
                    f"{' (aim met)' if aim and ratio is not None and ratio >= AIM_RATIO else ''} |")
        fcpu, acpu = (fbest or {}).get("cpu_server_ms_per_vote"), (abest or {}).get("cpu_server_ms_per_vote")
        if fcpu or acpu:
            def cpu(p, kind=kind):
                if not p or p.get("cpu_server_ms_per_vote") is None:
                    return "–"
                pg = p.get("cpu_postgres_ms_per_vote") if kind == "postgres" else None
                return f"{p['cpu_server_ms_per_vote']:.2f}" + (f" (+ {pg:.2f} PostgreSQL)" if pg is not None else "")

            rows.append(f"| {label} | server CPU per vote, ms (gunicorn workers, throughput phase) | {cpu(fbest)} | "
                        f"{cpu(abest)}{f' ({acpu / fcpu:.1f}× floor)' if fcpu and acpu else ''} | – | – |")
        for rate in args.rates:
            fpace, apace = best_paced(fp, rate), best_paced(ap, rate)
            p99 = (apace or {}).get("latency_ms", {}).get("99")
            target = f"p99 ≤ {TARGET_P99_MS:.0f} ms" + (" (aim)" if rate > 150 else "")
            rows.append(f"| {label} | latency at {rate:g} votes/s, p50 / p95 / p99 ms | {fmt_lat(fpace)} | "
                        f"{fmt_lat(apace)} | {target} | {yes_no(None if p99 is None else p99 <= TARGET_P99_MS)} |")
        closes = [ap[n]["close_ms"] for n in ap if n != "warmup" and "close_ms" in ap[n]]
        opens = [ap[n]["open_ms"] for n in ap if n != "warmup" and "open_ms" in ap[n]]
        if closes:
            rows.append(f"| {label} | close a poll of {args.cities:,} ballots, ms (each poll) | – | "
                        f"{' / '.join(f'{c:.0f}' for c in closes)} | ≤ {TARGET_CLOSE_MS:.0f} ms | "
                        f"{yes_no(max(closes) <= TARGET_CLOSE_MS)} |")
            rows.append(f"| {label} | open a poll (freeze {args.cities:,} eligible), ms | – | "
                        f"{' / '.join(f'{c:.0f}' for c in opens)} | – | – |")

        def errs(phases):
            if not phases:
                return None, None, None
            e = sum(p["errors"] for p in phases.values())
            unanswered = sum(p.get("unanswered", 0) for p in phases.values())
            lost = sum(p.get("lost", 0) for p in phases.values())
            ok = all(p.get("tally_matches", False) for p in phases.values())
            return (f"{e} ({unanswered} unanswered in time)" if unanswered else e), lost, ok

        fe, fl, fok = errs(fp)
        ae, al, aok = errs(ap)
        rows.append(f"| {label} | errors / lost votes / accepted = ballots = tally (all phases) | "
                    f"{dash(fe)} / {dash(fl)} / {yes_no(fok)} | {dash(ae)} / {dash(al)} / {yes_no(aok)} | "
                    f"0 / 0 / yes | "
                    f"{yes_no(None if ae is None else (ae == 0 and al == 0 and bool(aok)))} |")
        frss, arss = floor.get("peak_rss_mb", []), app.get("peak_rss_mb", [])
        rows.append(f"| {label} | peak RSS per worker, MB | {', '.join(f'{x:.0f}' for x in frss) or '–'} | "
                    f"{', '.join(f'{x:.0f}' for x in arss) or '–'} | ≤ {TARGET_RSS_MB:.0f} MB | "
                    f"{yes_no(max(arss) <= TARGET_RSS_MB if arss else None)} |")
        def noise(phases, best):
            shown = [p for p in (best, *[best_paced(phases, r) for r in args.rates]) if p]
            return max((p.get("cpu_others_cores", 0.0) for p in shown), default=None)

        fnoise, anoise = noise(fp, fbest), noise(ap, abest)
        if fnoise is not None or anoise is not None:
            worst = max(x for x in (fnoise, anoise) if x is not None)
            rows.append(f"| {label} | other processes' CPU during the phases shown, cores (most) | "
                        f"{dash(fnoise)} | {dash(anoise)} | ≈ 0 (a quiet machine) | {yes_no(worst < 0.15)} |")
        if app.get("audit_verify"):
            rows.append(f"| {label} | audit verify after the run | – | {app['audit_verify']} | exit 0 | "
                        f"{yes_no(not app['audit_verify'].startswith('FAILED'))} |")
    if pages is not None:
        for page in pages.get("pages", []):
            if page.get("median_ms") is None:
                rows.append(f"| SQLite (test client) | {page['name']} at {pages.get('cities', 400)} cities | – | "
                            f"skipped: {page.get('skipped', '')} | ≤ {TARGET_PAGE_MS:.0f} ms median | – |")
            else:
                rows.append(f"| SQLite (test client) | {page['name']} ({page['path']}) at {pages['cities']} cities, "
                            f"median of {page['requests']} | – | {page['median_ms']:.1f} ms | "
                            f"≤ {TARGET_PAGE_MS:.0f} ms median | {yes_no(page['median_ms'] <= TARGET_PAGE_MS)} |")
        if pages.get("error"):
            rows.append(f"| SQLite (test client) | pages at size | – | not measured: {pages['error'][:100]} | | |")
    return "\n".join(rows)


def machine() -> str:
    cpu = "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = "?"
    with contextlib.suppress(OSError, ValueError):
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 1024 / 1024:.0f} GiB"
    return (f"{os.cpu_count()} cores ({cpu}), {mem}, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}")


def main() -> int:
    parser = argparse.ArgumentParser(description="Load benchmark of the vote against a minimal-Flask floor.")
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--quick", action="store_true", help="smoke run: 200 cities, SQLite unless --db is given")
    parser.add_argument("--cities", type=int, default=None, help="member cities and voters (default 2000)")
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--rates", type=float, nargs="*", default=[150.0, 200.0])
    parser.add_argument("--repeat", type=int, default=1,
                        help="run each measured phase N times (a fresh poll each); the table shows the best")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", default="sync")
    parser.add_argument("--only", choices=("floor", "app", "both"), default="both")
    parser.add_argument("--profile", action="store_true", help="profile the app's vote path with py-spy")
    parser.add_argument("--skip-pages", action="store_true")
    parser.add_argument("--json", type=Path, help="also write every figure to this JSON file")
    parser.add_argument("--out-dir", type=Path, default=None, help="keep logs and profiles here")
    args = parser.parse_args()
    if args.cities is None:
        args.cities = 200 if args.quick else 2000
    if args.quick and "--db" not in " ".join(sys.argv):
        args.db = "sqlite"
    kinds = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    tmp = Path(tempfile.mkdtemp(prefix="bench-load-"))
    args.out_dir = args.out_dir or tmp
    args.out_dir.mkdir(parents=True, exist_ok=True)

    started = time.time()
    log(f"load benchmark: {args.cities} cities, {args.workers} gunicorn {args.worker_class} workers, "
        f"{args.clients} clients, rates {args.rates}, databases {kinds}; work dir {tmp}")
    # Tokens for the floor: the same shape as the app's (prefix + 43 url-safe characters).
    floor_voters = [{"token": "gov_" + secrets.token_urlsafe(32)} for _ in range(args.cities)]
    results: dict[str, dict] = {}
    for kind in kinds:
        results[kind] = {}
        for side in ("floor", "app"):
            if args.only not in (side, "both"):
                continue
            log(f"{kind}: {side}")
            try:
                if side == "floor":
                    results[kind][side] = bench_floor(kind, floor_voters, args, tmp)
                else:
                    results[kind][side] = bench_app(kind, args.cities, args, tmp)
            except Exception as e:  # noqa: BLE001 -- one side failing still reports the others
                traceback.print_exc()
                results[kind][side] = {"error": f"{type(e).__name__}: {e}"}
                log(f"{kind} {side}: not measured: {e}"[:400])

    pages = None
    if not args.skip_pages:
        log("pages at size: 400 cities through the test client")
        done = subprocess.run([str(VENV / "bin" / "python"), str(HERE / "pages.py"), "--json"], cwd=ROOT,
                              env={k: v for k, v in os.environ.items() if k != "BENCH_LOAD_REEXEC"},
                              capture_output=True, text=True, timeout=900, check=False)
        try:
            pages = json.loads(done.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            pages = {"error": (done.stderr or done.stdout)[-300:].replace("\n", " ")}
        for line in done.stderr.strip().splitlines()[-5:]:
            log(f"  pages: {line}")

    report = {"when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "machine": machine(),
              "args": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
              "results": results, "pages": pages}
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, default=str))
    for kind, r in results.items():
        prof = (r.get("app") or {}).get("profile")
        if prof and prof.get("samples"):
            print(f"\nProfile of the app's vote path on {kind} ({prof['samples']} samples over both workers):")
            print("  inclusive (function: % of samples):")
            for f, p in prof["inclusive"][:25]:
                print(f"    {p:5.1f}%  {f}")
            print("  self:")
            for f, p in prof["self"][:20]:
                print(f"    {p:5.1f}%  {f}")
            print("  governance code, inclusive:")
            for f, p in prof["governance_inclusive"][:25]:
                print(f"    {p:5.1f}%  {f}")
    print()
    print(f"Load benchmark, {report['when']}: {args.cities:,} member cities, gunicorn {args.workers} "
          f"{args.worker_class} workers, {args.clients} clients; {report['machine']}")
    print()
    print(table(results, pages, args))
    print()
    log(f"done in {time.time() - started:.0f} s")
    if args.out_dir == tmp and not args.profile:
        shutil.rmtree(tmp, ignore_errors=True)
    else:
        log(f"logs and profiles kept in {args.out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
