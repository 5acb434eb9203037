"""Process-wide state: the current client, configure / flush / shutdown, exit and fork hooks."""

from __future__ import annotations

import atexit
import os
import sys
import threading
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Sequence

from . import _context, _ids
from ._client import Client
from ._config import BeforeSend, enabled_in_env, resolve
from ._log import logger, set_debug, warn_user

if TYPE_CHECKING:
    from .transport.base import Transport


class _State:
    """`enabled` is the one flag every tracked call reads first."""

    __slots__ = ("enabled", "client", "__weakref__")

    def __init__(self) -> None:
        self.enabled = enabled_in_env()
        self.client: Optional[Client] = None


STATE = _State()
# With RUNTIME_HUB_ENABLED=0 at import, @track returns functions unchanged: zero cost.
DISABLED_AT_IMPORT = not STATE.enabled
_lock = threading.RLock()
_retired: List[Client] = []
_fork_hook_registered = False
_exited = False


def configure(
    *,
    service: Optional[str] = None,
    url: Optional[str] = None,
    enabled: Optional[bool] = None,
    sample_rate: Optional[float] = None,
    max_per_second: Optional[float] = None,
    ignore_errors: Optional[Sequence[Any]] = None,
    capture_args: Optional[bool] = None,
    capture_result: Optional[bool] = None,
    redact: Optional[Sequence[str]] = None,
    redact_defaults: Optional[bool] = None,
    before_send: Optional[BeforeSend] = None,
    max_string: Optional[int] = None,
    max_depth: Optional[int] = None,
    max_items: Optional[int] = None,
    max_span_bytes: Optional[int] = None,
    max_queue_spans: Optional[int] = None,
    max_queue_bytes: Optional[int] = None,
    batch_spans: Optional[int] = None,
    batch_bytes: Optional[int] = None,
    flush_interval: Optional[float] = None,
    heartbeat_interval: Optional[float] = None,
    request_timeout: Optional[float] = None,
    shutdown_timeout: Optional[float] = None,
    compression: Optional[str] = None,
    token: Optional[str] = None,
    debug: Optional[bool] = None,
    patch_threads: Optional[bool] = None,
    instrument: Optional[Sequence[str]] = None,
    replay: Optional[str] = None,
    max_replay_bytes: Optional[int] = None,
    invocable: Optional[bool] = None,
    transport: Optional[Transport] = None,
) -> None:
    """Set up the SDK. Optional: without it, the first tracked call configures from the
    environment (RUNTIME_HUB_URL, RUNTIME_HUB_SERVICE, RUNTIME_HUB_ENABLED, …).

    Each call replaces the whole configuration: options not given come from RUNTIME_HUB_*
    variables, then defaults. Never raises for bad values; they are reported as RuntimeWarning.

    Example::

        import runtime_hub
        runtime_hub.configure(service="shop", sample_rate=0.5, redact=["iban"])
    """
    explicit = {name: value for name, value in locals().items() if value is not None}
    try:
        _apply(explicit)
    except Exception as exc:  # never let our setup break the host app
        logger.debug("configure failed", exc_info=True)
        warn_user(f"configure failed ({exc!r}); the SDK is disabled")
        STATE.enabled = False


def _apply(explicit: Dict[str, Any]) -> None:
    config = resolve(explicit)
    set_debug(config.debug)
    with _lock:
        old = STATE.client
        STATE.enabled = False  # no half-built client is ever visible to a tracked call
        client = Client(config) if config.enabled else None
        STATE.client = client
        STATE.enabled = config.enabled
    if old is not None:
        _retire(old, config.shutdown_timeout)
    if config.patch_threads:
        _context.patch_thread_pool()
    else:
        _context.unpatch_thread_pool()
    if config.instrument:
        from .integrations import instrument as _instrument

        _instrument(*config.instrument)
    if client is not None:
        _watch_processes()
        client.transport.start()
        logger.debug("configured %r", client)
    from ._invoke.channel import start_channel, stop_channel

    if client is not None and config.invocable:  # the dashboard may re-invoke @track(invocable=True)
        start_channel(config)
    else:
        stop_channel()


def _retire(client: Client, timeout: float) -> None:
    """Let a replaced client deliver what it holds, without making configure() wait for it."""
    _retired.append(client)
    thread = threading.Thread(target=client.transport.shutdown, args=(timeout,), name="runtime-hub-retire", daemon=True)
    try:
        thread.start()
    except RuntimeError:
        pass


def get_client() -> Optional[Client]:
    """The current client, configuring from the environment on first use."""
    client = STATE.client
    if client is None and STATE.enabled:
        with _lock:
            if STATE.client is None and STATE.enabled:
                configure()
            client = STATE.client
    return client


def flush(timeout: float = 2.0) -> bool:
    """Block up to `timeout` seconds until every span recorded so far is delivered.

    Returns True when everything was delivered. Useful before `os._exit`, at the end of a
    serverless handler, or in tests.
    """
    client = STATE.client
    if client is None:
        return True
    try:
        return client.transport.flush(timeout)
    except Exception:
        logger.debug("flush failed", exc_info=True)
        return False


def shutdown(timeout: Optional[float] = None) -> None:
    """Flush (up to `timeout`, default `shutdown_timeout`), stop the transport and disable the
    SDK. Runs by itself at interpreter exit; `configure()` starts it again."""
    with _lock:
        client = STATE.client
        STATE.enabled = False
        STATE.client = None
    if client is not None:
        _close(client, client.config.shutdown_timeout if timeout is None else timeout)


def _close(client: Client, timeout: float) -> None:
    try:
        client.transport.shutdown(timeout)
        from .transport._report import print_drops

        print_drops(client.transport.dropped(), client.config.url)
    except Exception:
        logger.debug("shutdown failed", exc_info=True)


def _at_exit() -> None:
    global _exited
    if _exited:  # registered with atexit and, in multiprocessing children, as a finalizer
        return
    _exited = True
    client = STATE.client
    if client is not None:
        _close(client, client.config.shutdown_timeout)
    for old in _retired:
        _close(old, 0.2)
    _retired.clear()


atexit.register(_at_exit)


# -- fork ----------------------------------------------------------------------------------------


def _after_fork_in_child() -> None:
    _ids.reseed()  # or parent and child would generate the same ids
    _retired.clear()
    client = STATE.client
    if client is not None:
        try:
            client.transport.after_fork()
        except Exception:
            logger.debug("after_fork failed", exc_info=True)


def _before_fork() -> None:
    if "multiprocessing" in sys.modules:
        _watch_processes()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(before=_before_fork, after_in_child=_after_fork_in_child)


def _watch_processes() -> None:
    """multiprocessing children end with os._exit, which skips atexit: flush from its finalizers.

    A forked child clears the inherited finalizers first and then runs its after-fork callbacks,
    so the finalizer is registered from one of those; a spawned child registers it directly."""
    global _fork_hook_registered
    mp = sys.modules.get("multiprocessing")
    if mp is None:
        return
    try:
        from multiprocessing import util

        if not _fork_hook_registered:
            _fork_hook_registered = True
            util.register_after_fork(STATE, _register_finalizer)
        if mp.parent_process() is not None:
            _register_finalizer(STATE)
    except Exception:
        logger.debug("could not hook multiprocessing", exc_info=True)


def _register_finalizer(_state: object) -> None:
    try:
        from multiprocessing import util

        util.Finalize(None, _at_exit, exitpriority=0)
    except Exception:
        logger.debug("could not register a multiprocessing finalizer", exc_info=True)
