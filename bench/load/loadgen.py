"""An asyncio HTTP/1.1 load generator: closed-loop throughput and open-loop paced latency.

Only 127.0.0.1. Every run is bounded: a fixed list of requests, a timeout per request
and a deadline per phase; whatever has not finished by the deadline counts as an error.
The paced mode has no coordinated omission: request i is due at start + i/rate and its
latency runs from when it was due, so time spent queueing (for a free connection, in
the server's backlog) is charged to the server.
"""

from __future__ import annotations

import asyncio
import json
import math
import time
from dataclasses import dataclass, field

HOST = "127.0.0.1"


@dataclass
class Job:
    """One request: what to send, and a tag the caller uses to check the outcome."""

    method: str
    path: str
    token: str | None = None
    body: dict | None = None
    tag: object = None


@dataclass
class Outcome:
    job: Job
    status: int  # 0 when no answer arrived (refused, reset, timeout, deadline)
    latency: float  # seconds; from when the request was due (paced) or sent (closed loop)
    body: bytes = b""
    error: str = ""


@dataclass
class PhaseResult:
    outcomes: list[Outcome]
    elapsed: float  # first request due/sent to last answer
    extra: dict = field(default_factory=dict)

    def ok(self, status: int = 201) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == status]

    def errors(self, status: int = 201) -> list[Outcome]:
        return [o for o in self.outcomes if o.status != status]

    def rate(self, status: int = 201) -> float:
        return len(self.ok(status)) / self.elapsed if self.elapsed > 0 else 0.0

    def percentiles(self, ps=(50, 95, 99), status: int | None = None) -> dict[int, float]:
        """Latency percentiles in milliseconds (nearest rank), over every request or those with a status."""
        lats = sorted(o.latency for o in self.outcomes if status is None or o.status == status)
        if not lats:
            return {p: float("nan") for p in ps}
        return {p: 1000 * lats[max(0, math.ceil(p / 100 * len(lats)) - 1)] for p in ps}


def encode(job: Job, port: int) -> bytes:
    body = json.dumps(job.body).encode() if job.body is not None else b""
    lines = [f"{job.method} {job.path} HTTP/1.1", f"Host: {HOST}:{port}", "Accept: application/json",
             f"Content-Length: {len(body)}"]
    if job.body is not None:
        lines.append("Content-Type: application/json")
    if job.token:
        lines.append(f"Authorization: Bearer {job.token}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


class Connection:
    """One client connection, kept alive when the server allows it, reopened when it closes."""

    def __init__(self, port: int):
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, raw: bytes) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(HOST, self.port)
        try:
            self.writer.write(raw)
            await self.writer.drain()
            status_line = await self.reader.readline()
            if not status_line:
                raise ConnectionError("connection closed before an answer")
            parts = status_line.split(None, 2)
            status = int(parts[1])
            keep_alive = parts[0] == b"HTTP/1.1"
            length = 0
            while True:
                line = await self.reader.readline()
                if line in (b"\r\n", b"\n", b""):
                    break
                name, _, value = line.partition(b":")
                name = name.strip().lower()
                if name == b"content-length":
                    length = int(value.strip())
                elif name == b"connection":
                    keep_alive = value.strip().lower() != b"close"
            body = await self.reader.readexactly(length) if length else b""
        except BaseException:
            self.close()
            raise
        if not keep_alive:
            self.close()
        return status, body

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def _one(conn: Connection, job: Job, port: int, timeout: float, start: float) -> Outcome:
    loop = asyncio.get_running_loop()
    try:
        status, body = await asyncio.wait_for(conn.request(encode(job, port)), timeout)
        return Outcome(job, status, loop.time() - start, body)
    except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError, IndexError) as e:
        return Outcome(job, 0, loop.time() - start, b"", f"{type(e).__name__}: {e}"[:200])


async def _closed(port: int, jobs: list[Job], concurrency: int, timeout: float, deadline: float) -> PhaseResult:
    loop = asyncio.get_running_loop()
    pending = iter(jobs)
    outcomes: list[Outcome] = []
    stop_at = loop.time() + deadline

    async def client():
        conn = Connection(port)
        try:
            for job in pending:
                if loop.time() > stop_at:
                    outcomes.append(Outcome(job, 0, 0.0, b"", "phase deadline passed"))
                    continue
                outcomes.append(await _one(conn, job, port, timeout, loop.time()))
        finally:
            conn.close()

    t0 = loop.time()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    return PhaseResult(outcomes, loop.time() - t0)


async def _paced(port: int, jobs: list[Job], rate: float, max_connections: int, timeout: float,
                 deadline: float) -> PhaseResult:
    loop = asyncio.get_running_loop()
    pool: asyncio.Queue[Connection] = asyncio.Queue()
    for _ in range(max_connections):
        pool.put_nowait(Connection(port))
    outcomes: list[Outcome] = []
    t0 = loop.time() + 0.05
    stop_at = t0 + deadline
    late_starts = 0

    async def fire(job: Job, due: float):
        conn = await pool.get()
        try:
            if loop.time() > stop_at:
                outcomes.append(Outcome(job, 0, loop.time() - due, b"", "phase deadline passed"))
                return
            outcomes.append(await _one(conn, job, port, timeout, due))
        finally:
            pool.put_nowait(conn)

    tasks = []
    for i, job in enumerate(jobs):
        due = t0 + i / rate
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        elif delay < -0.005:
            late_starts += 1  # the generator itself fell behind; still charged from `due`
        tasks.append(asyncio.create_task(fire(job, due)))
    await asyncio.gather(*tasks)
    elapsed = loop.time() - t0
    while not pool.empty():
        pool.get_nowait().close()
    return PhaseResult(outcomes, elapsed, {"generator_late_starts": late_starts, "offered_rate": rate})


def run_closed(port: int, jobs: list[Job], concurrency: int = 64, timeout: float = 30.0,
               deadline: float = 180.0) -> PhaseResult:
    """Every job once, from `concurrency` clients that each send the next as soon as the last is answered."""
    return asyncio.run(_closed(port, jobs, concurrency, timeout, deadline))


def run_paced(port: int, jobs: list[Job], rate: float, max_connections: int = 256, timeout: float = 30.0,
              deadline: float | None = None) -> PhaseResult:
    """Job i due at start + i/rate, whatever the server does; latency from when it was due."""
    deadline = deadline if deadline is not None else len(jobs) / rate + 60.0
    return asyncio.run(_paced(port, jobs, rate, max_connections, timeout, deadline))


def call(port: int, method: str, path: str, token: str | None = None, body: dict | None = None,
         timeout: float = 60.0) -> tuple[int, object, float]:
    """One request; returns status, parsed JSON (or raw text) and seconds taken."""

    async def go():
        conn = Connection(port)
        t = time.perf_counter()
        try:
            status, raw = await asyncio.wait_for(conn.request(encode(Job(method, path, token, body), port)), timeout)
        finally:
            conn.close()
        return status, raw, time.perf_counter() - t

    status, raw, took = asyncio.run(go())
    try:
        data = json.loads(raw) if raw else None
    except ValueError:
        data = raw.decode("utf-8", "replace")
    return status, data, took
