"""A small HTTP/1.1 load generator: keep-alive connections in a closed loop for a fixed time.

Why our own: the machine has two cores, shared by the server, PostgreSQL and the client, so
the client must cost as little as possible and must not be a heavy dependency. Requests are
pre-encoded bytes (sent round-robin over all connections); a response is parsed only as far
as the status line and Content-Length; each connection has one request in flight and sends
the next as soon as the last byte of the answer arrived. Latency is measured per request with
`time.perf_counter_ns`, from handing the request to the transport to the last body byte.

Run as `python -m benchmarks.loadgen SPEC RESULT` (both msgpack files; `run.py` writes the
spec and reads the result). The process prints `window-start` and `window-end` on stdout when
the measured window opens and closes, so the orchestrator can read CPU counters at those
moments. Requests answered during the warm-up are not counted. Only loopback hosts are allowed.
"""

from __future__ import annotations

import asyncio
import re
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Final, cast

import msgspec

CONNECT_TIMEOUT_S: Final = 5.0
RECONNECTS_MAX: Final = 100  # per run: a server that keeps closing connections fails the run
ERROR_SAMPLE_BYTES_MAX: Final = 500
LOOPBACK_HOSTS: Final = ("127.0.0.1", "::1")
WINDOW_START: Final = "window-start"
WINDOW_END: Final = "window-end"


class LoadSpec(msgspec.Struct, frozen=True, kw_only=True):
    host: str
    port: int
    requests: list[bytes]  # complete HTTP/1.1 requests, sent round-robin
    connections: int
    warmup_s: float
    duration_s: float  # the measured window; with requests_max, the longest the run may take
    requests_max: int = 0  # 0: run for the duration; n: send n requests and count them all
    sum_fields: tuple[str, ...] = ()  # JSON integer fields summed over counted response bodies
    drain_timeout_s: float = 60.0  # how long in-flight requests may take after the window


class LoadResult(msgspec.Struct, frozen=True, kw_only=True):
    completed: int  # responses whose last byte arrived inside the window
    window_s: float
    latencies_us: list[int]
    status_counts: dict[int, int]
    sums: dict[str, int]
    connection_errors: int
    error_sample: str | None


def http_request(
    method: str, path: str, *, host: str, port: int, token: str, body: bytes | None = None
) -> bytes:
    """One pre-encoded HTTP/1.1 keep-alive request."""
    head = [
        f"{method} {path} HTTP/1.1",
        f"Host: {host}:{port}",
        f"Authorization: Bearer {token}",
        "Accept: application/json",
    ]
    if body is not None:
        head += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(head) + "\r\n\r\n").encode("ascii") + (body or b"")


class ProtocolError(Exception):
    """The server answered in a way this client does not read (e.g. chunked encoding)."""


class Load:
    """State shared by all connections: what to send next, when to stop, what was measured."""

    def __init__(self, spec: LoadSpec) -> None:
        self.spec = spec
        self.next_index = 0
        self.sent = 0
        self.started_ns = time.perf_counter_ns()
        counted_from_ns = 0 if spec.requests_max else int(spec.warmup_s * 1e9)
        self.window_start_ns = self.started_ns + counted_from_ns
        self.stop_ns = self.window_start_ns + int(spec.duration_s * 1e9)
        self.last_counted_ns = self.window_start_ns
        self.latencies_us: list[int] = []
        self.status_counts: Counter[int] = Counter()
        self.sums: Counter[str] = Counter()
        self.patterns = {
            field: re.compile(rb'"' + field.encode() + rb'":(\d+)') for field in spec.sum_fields
        }
        self.connection_errors = 0
        self.error_sample: str | None = None

    def next_request(self) -> bytes | None:
        if time.perf_counter_ns() >= self.stop_ns:
            return None
        if self.spec.requests_max and self.sent >= self.spec.requests_max:
            return None
        request = self.spec.requests[self.next_index]
        self.next_index = (self.next_index + 1) % len(self.spec.requests)
        self.sent += 1
        return request

    def wants_body(self, status: int) -> bool:
        return bool(self.patterns) or (status >= 300 and self.error_sample is None)

    def record(self, status: int, started_ns: int, finished_ns: int, body: bytes | None) -> None:
        if status >= 300 and self.error_sample is None and body is not None:
            self.error_sample = f"{status} " + body[:ERROR_SAMPLE_BYTES_MAX].decode(
                "utf-8", "replace"
            )
        if not self.window_start_ns <= finished_ns <= self.stop_ns:
            return
        self.latencies_us.append((finished_ns - started_ns) // 1000)
        self.status_counts[status] += 1
        self.last_counted_ns = max(self.last_counted_ns, finished_ns)
        if body is not None and status < 300:
            for field, pattern in self.patterns.items():
                self.sums[field] += sum(int(value) for value in pattern.findall(body))

    def result(self) -> LoadResult:
        end_ns = self.last_counted_ns if self.spec.requests_max else self.stop_ns
        return LoadResult(
            completed=len(self.latencies_us),
            window_s=max(end_ns - self.window_start_ns, 1) / 1e9,
            latencies_us=self.latencies_us,
            status_counts=dict(self.status_counts),
            sums=dict(self.sums),
            connection_errors=self.connection_errors,
            error_sample=self.error_sample,
        )


class Client(asyncio.Protocol):
    """One keep-alive connection with one request in flight."""

    def __init__(self, load: Load, closed: asyncio.Future[bool]) -> None:
        self.load = load
        self.closed = closed  # result: True if the run asked to close, False if the server did
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.body_start = 0
        self.body_end: int | None = None  # None until the head of the answer has arrived
        self.status = 0
        self.started_ns = 0
        self.in_flight = False
        self.closing = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass
        self.send_next()

    def send_next(self) -> None:
        assert self.transport is not None
        request = self.load.next_request()
        if request is None:
            self.closing = True
            self.transport.close()
            return
        self.in_flight = True
        self.started_ns = time.perf_counter_ns()
        self.transport.write(request)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if self.body_end is None:
            header_end = self.buffer.find(b"\r\n\r\n")
            if header_end < 0:
                return
            self.status, length = parse_head(bytes(self.buffer[:header_end]))
            self.body_start = header_end + 4
            self.body_end = self.body_start + length
        if len(self.buffer) < self.body_end:
            return
        finished_ns = time.perf_counter_ns()
        if len(self.buffer) != self.body_end:
            raise ProtocolError("bytes after the answer, but only one request was in flight")
        body = bytes(self.buffer[self.body_start :]) if self.load.wants_body(self.status) else None
        self.buffer.clear()
        self.body_end = None
        self.in_flight = False
        self.load.record(self.status, self.started_ns, finished_ns, body)
        self.send_next()

    def connection_lost(self, exc: Exception | None) -> None:
        if self.in_flight:
            self.load.connection_errors += 1
        if not self.closed.done():
            self.closed.set_result(self.closing)


def parse_head(head: bytes) -> tuple[int, int]:
    """Status code and Content-Length of an answer's head (status line and headers)."""
    if not head.startswith(b"HTTP/1.1 "):
        raise ProtocolError(f"not an HTTP/1.1 answer: {head[:40]!r}")
    status = int(head[9:12])
    lowered = head.lower()
    at = lowered.find(b"\r\ncontent-length:")
    if at < 0:
        raise ProtocolError("answer without Content-Length (chunked answers are not read)")
    end = lowered.find(b"\r\n", at + 2)
    return status, int(head[at + 17 : end if end >= 0 else len(head)])


async def drive_connection(load: Load) -> None:
    """Keep one connection busy until the load stops; reconnect if the server closes it."""
    loop = asyncio.get_running_loop()
    while True:
        closed: asyncio.Future[bool] = loop.create_future()
        await asyncio.wait_for(
            loop.create_connection(
                lambda closed=closed: Client(load, closed), load.spec.host, load.spec.port
            ),
            CONNECT_TIMEOUT_S,
        )
        if await closed:
            return
        load.connection_errors += 1
        if load.connection_errors > RECONNECTS_MAX:
            raise ProtocolError(f"the server closed connections {RECONNECTS_MAX} times")


async def run_load(spec: LoadSpec) -> LoadResult:
    if spec.host not in LOOPBACK_HOSTS:
        raise SystemExit(f"loadgen only talks to loopback hosts, not {spec.host!r}")
    assert spec.requests, "nothing to send"
    assert spec.connections > 0
    loop = asyncio.get_running_loop()
    load = Load(spec)
    if spec.requests_max:
        mark(WINDOW_START)
    else:
        loop.call_later(spec.warmup_s, mark, WINDOW_START)
        loop.call_later(spec.warmup_s + spec.duration_s, mark, WINDOW_END)
    tasks = [asyncio.create_task(drive_connection(load)) for _ in range(spec.connections)]
    run_s_max = spec.warmup_s + spec.duration_s + spec.drain_timeout_s
    done, pending = await asyncio.wait(tasks, timeout=run_s_max)
    for task in pending:  # answers that never came: the run reports them as errors
        task.cancel()
        load.connection_errors += 1
    for task in done:
        task.result()  # re-raise a protocol error
    if spec.requests_max:
        mark(WINDOW_END)
    return load.result()


def mark(text: str) -> None:
    print(text, flush=True)


def main(argv: list[str]) -> None:
    spec_path, result_path = Path(argv[1]), Path(argv[2])
    spec = msgspec.msgpack.decode(spec_path.read_bytes(), type=LoadSpec)
    try:
        import uvloop  # the server's loop too; a cheaper client
    except ImportError:
        result = asyncio.run(run_load(spec))
    else:
        result = uvloop.run(run_load(spec))
    result_path.write_bytes(msgspec.msgpack.encode(result))


if __name__ == "__main__":
    main(sys.argv)
