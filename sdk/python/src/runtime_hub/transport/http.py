"""The default transport: a bounded buffer drained by one lazy daemon thread that POSTs batches.

The app's threads only append to a deque (under a lock held for a few hundred nanoseconds) and,
rarely, set an Event; record building, JSON encoding, gzip, HTTP, retries and heartbeats all
happen on the transport thread.

Start records are sent lazily: a call registers itself as open, and each time the thread sends it
adds a start record for every open call it has not announced yet. A call that ends before the next
send costs one record instead of two; a slow call shows as running within one flush interval.

Whole spans or nothing: room is checked when a call starts (`refuse`), so a full buffer drops new
calls, whole and with everything they call, before any of their cost is paid; the end of a call
that was let in is always queued (without its input and output when they no longer fit in
max_queue_bytes), so a start that was sent is always followed by its end and a stored child
always has its parent. Calls still open at shutdown are ended there, marked unfinished, and a
last heartbeat carries the final drop counts.
"""

from __future__ import annotations

import os
import threading
import time
from collections import deque
from typing import TYPE_CHECKING, Any, Deque, Dict, List, Optional

from .. import _context, _ids
from .._clock import now_ms
from .._log import logger, warn_user
from ._report import heartbeat, hostname
from ._sender import Answer, Sender
from ._wire import WireEncoder, make_encoder
from .base import Transport

if TYPE_CHECKING:
    from .._config import Config
    from .._redact import Redactor
    from .._span import Span

MAX_OPEN_SPANS = 10_000  # calls let in and still running; new calls are dropped beyond this
PAYLOAD_RESERVE = 0.1  # new calls are let in while the buffer's bytes are below 90 % of the limit
MAX_RECORD_BYTES = 1024 * 1024 - 16 * 1024  # the hub rejects records over 1 MiB
YIELD_EVERY = 100  # records encoded between two releases of the GIL
WARMUP_SECONDS = 2.0  # the first spans of a process go out at WARMUP_INTERVAL, not flush_interval
WARMUP_INTERVAL = 0.05
BACKOFF_BASE = 0.1
BACKOFF_MAX = 3.0
SPAN_OVERHEAD = 600  # bytes a queued span holds besides its input and output (object + record)
SPANS_PATH = "/api/v1/spans"
HEARTBEAT_PATH = "/api/v1/apps/heartbeat"


class HttpTransport(Transport):
    """Batches spans to `POST /api/v1/spans` and heartbeats to `/api/v1/apps/heartbeat`."""

    def open(self, config: Config, redactor: Optional[Redactor]) -> None:
        super().open(config, redactor)
        self._sender = Sender(config.url, config.token, config.request_timeout, config.compression)
        self._max_spans = config.max_queue_spans
        self._max_bytes = config.max_queue_bytes
        self._admit_bytes = int(config.max_queue_bytes * (1 - PAYLOAD_RESERVE))
        self._batch_spans = config.batch_spans
        self._batch_bytes = config.batch_bytes
        self._interval = config.flush_interval
        self._host = hostname()
        self._auth_warned = False
        self._json = make_encoder()
        self._wire = WireEncoder(config.service, config.max_span_bytes, redactor) if config.before_send is None else None
        self._init_state()

    def _init_state(self) -> None:
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._done = threading.Condition(threading.Lock())
        self._queue: Deque[Span] = deque()
        self._queue_bytes = 0
        self._open: Dict[int, Span] = {}
        self._thread: Optional[threading.Thread] = None
        self._pid = os.getpid()
        self._instance_id = _ids.new_instance_id()
        self._signalled = False
        self._first = True
        self._closing = False
        self._deadline = float("inf")
        self._flush_requested = 0
        self._flush_done = 0
        self._inflight = 0
        self._inflight_bytes = 0
        self._unreachable = False
        self._leftovers_counted = False
        self._started_at = time.monotonic()

    # -- the app's side (hot path) ---------------------------------------------------------------

    def refuse(self) -> Optional[str]:
        # What is being sent counts too: while the hub is down, the batch in flight waits with it.
        if (
            len(self._queue) + self._inflight < self._max_spans
            and self._queue_bytes + self._inflight_bytes < self._admit_bytes
            and len(self._open) < MAX_OPEN_SPANS
        ):
            return None
        if self._thread is None:
            self._start()
        # With the hub gone the buffer stays full: calls run untracked (nothing serialized) and
        # are counted, until a delivery makes room again.
        return "hub_unreachable" if self._unreachable else "queue_full"

    def span_started(self, span: Span) -> None:
        if self._thread is None:
            self._start()
        self._open[span.span_id_int] = span
        if self._first:
            self._first = False
            self._signal()

    def span_ended(self, span: Span) -> None:
        self._open.pop(span.span_id_int, None)
        size = span.input_size + span.output_size + SPAN_OVERHEAD
        if self._queue_bytes + size > self._max_bytes and size > SPAN_OVERHEAD:
            # Let in when there was room: its end is sent whatever happens, without the payload.
            span.input = span.output = None
            span.set_attribute("runtime_hub.payload_dropped", "buffer full")
            size = SPAN_OVERHEAD
        span.size = size
        with self._lock:
            queue = self._queue
            queue.append(span)
            self._queue_bytes += size
            count = len(queue)
        if count >= self._batch_spans and not self._signalled:
            if os.getpid() != self._pid:  # forked without our at-fork hook (e.g. a raw fork via ctypes)
                self.after_fork()
                self.span_ended(span)  # into the child's own, fresh buffer
                return
            self._signal()
        if self._thread is None:
            self._start()

    def start(self) -> None:
        if self._thread is None:
            self._start()

    def _signal(self) -> None:
        self._signalled = True
        self._wake.set()

    def _start(self) -> None:
        with self._lock:
            if self._thread is not None:
                return
            thread = threading.Thread(target=self._run, name="runtime-hub-transport", daemon=True)
            self._thread = thread
        try:
            thread.start()
        except RuntimeError:  # interpreter shutting down: nothing can be sent any more
            logger.debug("could not start the transport thread", exc_info=True)

    # -- flush / shutdown / fork ---------------------------------------------------------------

    def flush(self, timeout: float) -> bool:
        if os.getpid() != self._pid:
            self.after_fork()
        if self._thread is None:
            if not self._queue and not self._open:
                return True
            self._start()
        thread = self._thread
        with self._done:
            self._flush_requested += 1
            target = self._flush_requested
        self._signal()
        with self._done:
            return self._done.wait_for(
                lambda: self._flush_done >= target or thread is None or not thread.is_alive(), timeout
            ) and self._flush_done >= target

    def shutdown(self, timeout: float) -> None:
        if self._closing:
            return
        self._deadline = time.monotonic() + max(timeout, 0.0)
        self._closing = True
        self._stop.set()
        thread = self._thread
        if thread is not None and thread.is_alive():
            self._signal()
            thread.join(max(timeout, 0.0) + 0.05)
        elif self._queue or any(not s.start_sent for s in list(self._open.values())):
            self._unreachable = True  # no thread could ever run (started during interpreter exit)
        self._count_leftovers()

    def after_fork(self) -> None:
        super().after_fork()
        self._sender.forget()
        self._init_state()

    def pending(self) -> int:
        return len(self._queue) + self._inflight

    # -- the transport thread ----------------------------------------------------------------------

    def _run(self) -> None:
        _context.suppress_in_this_thread()  # whatever we call must never be traced
        try:
            while True:
                try:
                    self._loop()
                    return
                except Exception:  # a bug must cost a batch at most, never the delivery of the rest
                    logger.warning("runtime-hub transport error; continuing", exc_info=True)
                    self.drops.add("internal_error", self._inflight)
                    self._inflight = self._inflight_bytes = 0
                    if self._closing:
                        return
                    self._stop.wait(1.0)
        finally:
            with self._done:
                self._done.notify_all()

    def _loop(self) -> None:
        heartbeat_interval = self.config.heartbeat_interval
        next_heartbeat = 0.0
        last_send = time.monotonic()
        while True:
            now = time.monotonic()
            if now >= next_heartbeat:
                self._heartbeat()
                next_heartbeat = time.monotonic() + heartbeat_interval
            interval = self._interval
            if now - self._started_at < WARMUP_SECONDS:
                interval = min(interval, WARMUP_INTERVAL)
            target = self._flush_requested
            everything = target > self._flush_done or self._closing
            waiting = len(self._queue)
            if (
                everything
                or waiting >= self._batch_spans
                or self._queue_bytes >= self._batch_bytes
                or (now - last_send >= interval and (waiting or self._unsent_starts()))
            ):
                delivered = self._drain(everything)
                last_send = time.monotonic()
                if delivered and target > self._flush_done:
                    with self._done:
                        self._flush_done = target
                        self._done.notify_all()
                if self._closing:
                    self._end_open_spans()
                    if delivered and self._queue:  # a send started before shutdown took part of it
                        delivered = self._drain(True)
                    if not delivered:
                        self._count_leftovers()
                    if time.monotonic() < self._deadline:
                        self._heartbeat()  # the final drop counts: the hub's figure equals ours
                    return
                if len(self._queue) >= self._batch_spans:
                    continue
            timeout = min(next_heartbeat, last_send + interval) - time.monotonic()
            self._wake.wait(max(timeout, 0.001))
            self._wake.clear()
            self._signalled = False

    def _end_open_spans(self) -> bool:
        """At shutdown: end the calls still running (threads, generators nobody closed) so that
        none stays running in the hub; they are marked unfinished, their status left unset."""
        spans = list(self._open.values())
        self._open.clear()
        for span in spans:
            if span.end_time is None:
                span.set_attribute("runtime_hub.unfinished_at_shutdown", True)
                span.end_time = now_ms()
                span.size = SPAN_OVERHEAD
                with self._lock:
                    self._queue.append(span)
                    self._queue_bytes += SPAN_OVERHEAD
        return bool(spans)

    def _unsent_starts(self) -> bool:
        return any(not span.start_sent for span in list(self._open.values()))

    def _take(self) -> List[Span]:
        """Every ended span waiting, up to batch_bytes (a send is triggered by batch_spans waiting
        or by the flush interval; once sending, a backlog goes out in requests as large as allowed,
        since each request costs far more than a span)."""
        batch: List[Span] = []
        size = 0
        with self._lock:
            queue = self._queue
            while queue:
                span = queue[0]
                if batch and size + span.size > self._batch_bytes:
                    break
                queue.popleft()
                batch.append(span)
                size += span.size
            self._queue_bytes -= size
            self._inflight = len(batch)
            self._inflight_bytes = size
        return batch

    def _drain(self, everything: bool) -> bool:
        """Send batches; with `everything`, until nothing is waiting. False if delivery failed."""
        while True:
            ended = self._take()
            records: List[str] = []
            for span in list(self._open.values()):
                if not span.start_sent:
                    span.start_sent = True
                    self._encode(span, False, records)
            for index, span in enumerate(ended, 1):
                self._encode(span, True, records)
                if index % YIELD_EVERY == 0:
                    # Hand the GIL back between slices: an app thread waiting for it resumes
                    # after one slice (~0.3 ms), not after a whole switch interval (5 ms) of
                    # encoding, so the calls it times are not stretched by our work.
                    time.sleep(0)
            if records and not self._send(records):
                return False
            self._inflight = self._inflight_bytes = 0
            if not everything and len(self._queue) < self._batch_spans:
                return True
            if not self._queue:
                return True

    def _encode(self, span: Span, final: bool, out: List[str]) -> None:
        try:
            text = self._text(span, final)
            if text is not None and len(text) * 4 > MAX_RECORD_BYTES and len(text.encode("utf-8", "replace")) > MAX_RECORD_BYTES:
                # Estimates said it fits, the text says not (heavy escaping, huge attributes): send
                # the span without its payload rather than have the hub reject it.
                span.input = span.output = None
                span.events = None
                span.set_attribute("runtime_hub.payload_dropped", "record over 1 MiB")
                text = self._text(span, final)
            if text is not None:
                out.append(text)
        except Exception:
            logger.debug("could not encode %r", span, exc_info=True)
            self.drops.add("encode_error")

    def _text(self, span: Span, final: bool) -> Optional[str]:
        if self._wire is not None:
            return self._wire.record(span, final)
        record = self.builder.build(span, final)  # before_send needs the record as a dict
        return None if record is None else self._json(record)

    def _send(self, records: List[str]) -> bool:
        """POST one batch, retrying while the hub is unreachable or busy. False if given up."""
        attempt = 0
        body = ('{"spans":[' + ",".join(records) + "]}").encode("utf-8", "replace")
        while True:
            answer = self._sender.post(SPANS_PATH, body)
            if answer.ok:
                self._unreachable = False
                self._count_rejected(answer)
                return True
            if answer.status == 413 and len(records) > 1:
                half = len(records) // 2
                return self._send(records[:half]) and self._send(records[half:])
            if not answer.retry:
                logger.warning("the hub refused %d records: %s", len(records), answer.error)
                if answer.status in (401, 403) and not self._auth_warned:
                    self._auth_warned = True
                    warn_user(f"the hub at {self.config.url} refused the spans ({answer.error}); check RUNTIME_HUB_TOKEN")
                self.drops.add("rejected" if answer.status else "encode_error", len(records))
                return True  # nothing more to do for this batch; carry on with the next
            self._unreachable = answer.status == 0
            logger.debug("send failed (%s); attempt %d", answer.error, attempt + 1)
            delay = answer.retry_after
            if delay is None:
                delay = min(BACKOFF_MAX, BACKOFF_BASE * (2**attempt)) * (0.5 + _ids.rand() / 2)
            attempt += 1
            if self._closing:
                remaining = self._deadline - time.monotonic()
                if remaining <= 0.0:
                    return False  # what is left is counted once, by _count_leftovers
                delay = min(delay, remaining)  # one last try at the deadline
            self._wait(delay)

    def _wait(self, seconds: float) -> None:
        if self._closing:  # keep backing off, but never past the exit deadline
            seconds = min(seconds, self._deadline - time.monotonic())
            if seconds > 0:
                time.sleep(seconds)
        elif seconds > 0:
            self._stop.wait(seconds)  # shutdown cuts a backoff short: one more try right away

    def _count_rejected(self, answer: Answer) -> None:
        body = answer.body if isinstance(answer.body, dict) else {}
        rejected = body.get("rejected")
        if isinstance(rejected, list) and rejected:
            total = body.get("rejectedCount")  # the hub lists the first 100 and counts them all
            count = total if isinstance(total, int) and total >= len(rejected) else len(rejected)
            self.drops.add("rejected", count)
            logger.debug("the hub rejected %d records, first: %s", len(rejected), rejected[0])

    def _count_leftovers(self) -> None:
        with self._lock:
            if self._leftovers_counted:
                return
            self._leftovers_counted = True
            left = len(self._queue) + self._inflight
            self._queue.clear()
        self.drops.add("hub_unreachable" if self._unreachable else "shutdown_timeout", left)

    def _heartbeat(self) -> None:
        payload = heartbeat(self.config.service, self._instance_id, self._host, self.drops.snapshot())
        answer = self._sender.post_json(HEARTBEAT_PATH, payload)
        if not answer.ok:
            logger.debug("heartbeat failed: %s", answer.error)
