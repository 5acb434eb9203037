"""Exceptions -> the record's `error` field.

Split in two so the caller pays little: `capture` (caller's thread) copies what the traceback
says into plain tuples, without reading source files and without keeping frames alive;
`to_record` (transport thread) reads source lines and formats the familiar Python traceback text.
"""

from __future__ import annotations

import linecache
import os
import sys
import sysconfig
from types import TracebackType
from typing import Any, Dict, List, Optional, Tuple

Frame = Tuple[str, int, str, Optional[str]]  # file, line, function, module

MAX_FRAMES = 64
_HEAD_FRAMES = 8  # with more frames than MAX_FRAMES keep the outermost few and the innermost rest
MAX_MESSAGE = 8192
MAX_STACK = 32 * 1024
MAX_CHAIN = 5
_SDK_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


def type_name(exc_type: type) -> str:
    module = getattr(exc_type, "__module__", "") or ""
    name = str(getattr(exc_type, "__qualname__", None) or getattr(exc_type, "__name__", "Exception"))
    return name if module in ("builtins", "__main__", "exceptions") else f"{module}.{name}"


def safe_message(exc: BaseException) -> str:
    try:
        text = str(exc)
    except Exception:
        return f"<{type(exc).__name__}: str() failed>"
    return text if len(text) <= MAX_MESSAGE else text[:MAX_MESSAGE] + "…"


def _frames(tb: Optional[TracebackType]) -> List[Frame]:
    frames: List[Frame] = []
    while tb is not None:
        code = tb.tb_frame.f_code
        filename = code.co_filename
        if not filename.startswith(_SDK_DIR):  # our wrappers are noise in the user's traceback
            module = tb.tb_frame.f_globals.get("__name__")
            frames.append((filename, tb.tb_lineno or 0, code.co_name, module if isinstance(module, str) else None))
        tb = tb.tb_next
    if len(frames) > MAX_FRAMES:
        frames = frames[:_HEAD_FRAMES] + frames[-(MAX_FRAMES - _HEAD_FRAMES):]
    return frames


class CapturedError:
    """What the traceback said, as plain data; `chain` holds causes, outermost last."""

    __slots__ = ("type", "message", "frames", "chain")

    def __init__(self, exc: BaseException) -> None:
        self.type = type_name(type(exc))
        self.message = safe_message(exc)
        self.frames = _frames(exc.__traceback__)
        self.chain: List[Tuple[str, str, str, List[Frame]]] = []
        seen = {id(exc)}
        current: BaseException = exc
        while len(self.chain) < MAX_CHAIN:
            if current.__cause__ is not None:
                nxt, how = current.__cause__, "The above exception was the direct cause of the following exception:"
            elif current.__context__ is not None and not current.__suppress_context__:
                nxt, how = current.__context__, "During handling of the above exception, another exception occurred:"
            else:
                break
            if id(nxt) in seen:
                break
            seen.add(id(nxt))
            self.chain.append((type_name(type(nxt)), safe_message(nxt), how, _frames(nxt.__traceback__)))
            current = nxt


def capture(exc: BaseException) -> CapturedError | None:
    try:
        return CapturedError(exc)
    except Exception:
        return None


# -- formatting (transport thread) ---------------------------------------------------------------

_LIBRARY_DIRS: Tuple[str, ...] = tuple(
    {os.path.abspath(p) + os.sep for key in ("stdlib", "platstdlib", "purelib", "platlib") for p in [sysconfig.get_paths().get(key)] if p}
)
_in_app_cache: Dict[str, bool] = {}


def in_app(filename: str) -> bool:
    hit = _in_app_cache.get(filename)
    if hit is None:
        hit = not (
            filename.startswith("<frozen")
            or "site-packages" in filename
            or "dist-packages" in filename
            or os.path.abspath(filename).startswith(_LIBRARY_DIRS)
        )
        if len(_in_app_cache) > 4096:
            _in_app_cache.clear()
        _in_app_cache[filename] = hit
    return hit


def _format_frames(frames: List[Frame], lines: List[str]) -> None:
    for filename, lineno, function, _module in frames:
        lines.append(f'  File "{filename}", line {lineno}, in {function}\n')
        source = linecache.getline(filename, lineno).strip()
        if source:
            lines.append(f"    {source}\n")


def _format_one(type_: str, message: str, frames: List[Frame], lines: List[str]) -> None:
    if frames:
        lines.append("Traceback (most recent call last):\n")
        _format_frames(frames, lines)
    lines.append(f"{type_}: {message}\n" if message else f"{type_}\n")


def to_record(err: CapturedError) -> Dict[str, Any]:
    lines: List[str] = []
    for type_, message, how, frames in reversed(err.chain):
        _format_one(type_, message, frames, lines)
        lines.append(f"\n{how}\n\n")
    _format_one(err.type, err.message, err.frames, lines)
    stack = "".join(lines)
    if len(stack) > MAX_STACK:
        stack = stack[: MAX_STACK // 4] + "\n…\n" + stack[-(MAX_STACK * 3 // 4):]
    frame_records: List[Dict[str, Any]] = []
    for filename, lineno, function, module in err.frames:
        frame: Dict[str, Any] = {"file": filename, "line": lineno, "function": function, "inApp": in_app(filename)}
        if module:
            frame["module"] = module
        frame_records.append(frame)
    return {"type": err.type, "message": err.message, "stack": stack, "frames": frame_records}


def python_version() -> str:
    return "%d.%d.%d" % sys.version_info[:3]
