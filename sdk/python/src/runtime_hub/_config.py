"""Options: explicit `configure(...)` arguments win over RUNTIME_HUB_* variables, which win over defaults.

Bad values never raise: they are reported once as a RuntimeWarning and replaced by the default,
because a typo in an environment variable must not take the host app down.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Mapping, Optional, Tuple

from ._log import warn_user

if TYPE_CHECKING:
    from .transport.base import Transport

BeforeSend = Callable[[Dict[str, Any]], Optional[Dict[str, Any]]]

DEFAULT_URL = "http://127.0.0.1:8765"
KINDS = frozenset(("function", "llm", "tool", "agent", "workflow", "node", "http", "hook", "internal"))
INTEGRATIONS = ("openai", "anthropic")


@dataclass(frozen=True)
class Config:
    """Resolved SDK settings. See docs/python-sdk.md for what each one does."""

    service: str = ""
    url: str = DEFAULT_URL
    enabled: bool = True
    sample_rate: float = 1.0
    max_per_second: Optional[float] = None  # per tracked function; None: no limit
    ignore_errors: Tuple[Any, ...] = ()  # exception classes or names; the protocol ones always
    capture_args: bool = True
    capture_result: bool = True
    redact: Tuple[str, ...] = ()
    redact_defaults: bool = True
    before_send: Optional[BeforeSend] = None
    max_string: int = 1024
    max_depth: int = 5
    max_items: int = 50
    max_span_bytes: int = 256 * 1024
    max_queue_spans: int = 10_000
    max_queue_bytes: int = 8 * 1024 * 1024
    batch_spans: int = 1000
    batch_bytes: int = 512 * 1024
    flush_interval: float = 1.0
    heartbeat_interval: float = 10.0
    request_timeout: float = 5.0
    shutdown_timeout: float = 2.0
    compression: str = "auto"  # gzip unless the hub is on this machine (see docs/python-sdk.md)
    token: Optional[str] = None
    debug: bool = False
    patch_threads: bool = False
    instrument: Tuple[str, ...] = ()
    replay: str = "llm"  # which calls keep a faithful result for replay: off, llm, all (docs/replay.md)
    max_replay_bytes: int = 256 * 1024
    invocable: bool = False  # open the channel that lets the dashboard re-invoke invocable functions
    transport: Optional["Transport"] = field(default=None, compare=False)


# name -> (parser, lower bound, upper bound) for the numeric options
_INT_RANGES: Mapping[str, Tuple[int, int]] = {
    "max_string": (16, 1_000_000),
    "max_depth": (1, 32),  # the hub rejects records nested deeper than 64
    "max_items": (1, 10_000),
    "max_span_bytes": (1024, 768 * 1024),  # the hub rejects records over 1 MB
    "max_queue_spans": (10, 10_000_000),
    "max_queue_bytes": (64 * 1024, 4 * 1024 * 1024 * 1024),
    "batch_spans": (1, 10_000),
    "batch_bytes": (4 * 1024, 8 * 1024 * 1024),  # the hub answers 413 above 10 MB
    "max_replay_bytes": (1024, 512 * 1024),  # with max_span_bytes, under the hub's 1 MB per record
}
_FLOAT_RANGES: Mapping[str, Tuple[float, float]] = {
    "sample_rate": (0.0, 1.0),
    "max_per_second": (0.001, 1e9),
    "flush_interval": (0.001, 60.0),
    "heartbeat_interval": (0.1, 3600.0),
    "request_timeout": (0.05, 120.0),
    "shutdown_timeout": (0.0, 60.0),
}
_BOOLS = ("enabled", "capture_args", "capture_result", "redact_defaults", "debug", "patch_threads", "invocable")
_LISTS = ("redact", "instrument")
_NO_ENV = ("before_send", "transport")
_TRUE = frozenset(("1", "true", "yes", "on", "y", "t"))
_FALSE = frozenset(("0", "false", "no", "off", "n", "f", ""))


# RUNTIME_HUB_REPLAY itself names the replay file `runtime-hub replay` hands a program.
_ENV_NAMES = {"replay": "RUNTIME_HUB_REPLAY_CAPTURE"}


def env_name(option: str) -> str:
    return _ENV_NAMES.get(option) or "RUNTIME_HUB_" + option.upper()


def parse_bool(raw: Any, option: str, default: bool) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    warn_user(f"{option}={raw!r} is not a boolean; using {default}")
    return default


def enabled_in_env(environ: Mapping[str, str] = os.environ) -> bool:
    raw = environ.get(env_name("enabled"))
    return True if raw is None else parse_bool(raw, env_name("enabled"), True)


def default_service(argv: Optional[List[str]] = None) -> str:
    """The script name: `python shop.py` -> "shop", `python -m shop.api` -> "shop.api"."""
    argv = sys.argv if argv is None else argv
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    if spec is not None and getattr(spec, "name", None):
        name = str(spec.name)
        return name[: -len(".__main__")] if name.endswith(".__main__") else name
    script = argv[0] if argv and argv[0] else ""
    if script in ("", "-c", "-"):
        return "python"
    base = os.path.basename(script.rstrip("/\\"))
    return os.path.splitext(base)[0] or "python"


def _coerce(name: str, raw: Any, default: Any) -> Any:
    if name in _BOOLS:
        return parse_bool(raw, name, default)
    if name == "ignore_errors":  # classes stay classes; names are matched against the type's MRO
        items = raw.split(",") if isinstance(raw, str) else list(raw)
        return tuple(item.strip() if isinstance(item, str) else item for item in items if not isinstance(item, str) or item.strip())
    if name in _LISTS:
        items = raw.split(",") if isinstance(raw, str) else list(raw)
        return tuple(str(item).strip() for item in items if str(item).strip())
    if name in _INT_RANGES or name in _FLOAT_RANGES:
        is_int = name in _INT_RANGES
        low, high = _INT_RANGES[name] if is_int else _FLOAT_RANGES[name]
        try:
            value = int(raw) if is_int else float(raw)
        except (TypeError, ValueError):
            warn_user(f"{name}={raw!r} is not a number; using {default}")
            return default
        if value != value or not low <= value <= high:  # NaN or out of range
            clamped = min(max(value, low), high) if value == value else default
            warn_user(f"{name}={raw!r} is outside [{low}, {high}]; using {clamped}")
            return clamped
        return value
    if name == "replay":
        text = str(raw).strip().lower()
        if text not in ("off", "llm", "all"):
            warn_user(f"replay={raw!r} must be 'off', 'llm' or 'all'; using {default}")
            return default
        return text
    if name == "compression":
        text = str(raw).strip().lower()
        if text not in ("auto", "gzip", "none"):
            warn_user(f"compression={raw!r} must be 'auto', 'gzip' or 'none'; using auto")
            return "auto"
        return text
    if name in ("service", "url", "token"):
        return None if raw is None else str(raw).strip()
    return raw


def resolve(explicit: Mapping[str, Any], environ: Mapping[str, str] = os.environ) -> Config:
    """Build a Config from explicit arguments (already without the unset ones) and the environment."""
    defaults = Config()
    values: Dict[str, Any] = {}
    for f in fields(Config):
        default = getattr(defaults, f.name)
        if f.name in explicit:
            raw = explicit[f.name]
        elif f.name not in _NO_ENV and env_name(f.name) in environ:
            raw = environ[env_name(f.name)]
        else:
            continue
        values[f.name] = _coerce(f.name, raw, default)
    if not values.get("service"):
        values["service"] = default_service()
    url = values.get("url") or DEFAULT_URL
    if not url.startswith(("http://", "https://")):
        warn_user(f"url={url!r} must start with http:// or https://; using {DEFAULT_URL}")
        url = DEFAULT_URL
    values["url"] = url.rstrip("/")
    unknown = [name for name in values.get("instrument", ()) if name not in INTEGRATIONS]
    if unknown:
        warn_user(f"unknown integrations {unknown}; known: {list(INTEGRATIONS)}")
        values["instrument"] = tuple(n for n in values["instrument"] if n in INTEGRATIONS)
    before_send = values.get("before_send")
    if before_send is not None and not callable(before_send):
        warn_user("before_send must be callable; ignoring it")
        values["before_send"] = None
    return Config(**values)
