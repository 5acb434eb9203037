"""What the LLM integrations share: patching a client method so each call becomes an `llm` span.

An integration describes a method with a `Spec`: how to read the request (name, input,
request attributes), the response (output, usage) and, for streamed answers, each chunk. The
patched method returns the library's own result object; a stream keeps its type and only has
its iterator wrapped, so `isinstance` checks and context managers in user code still work.
Reading a request or a response never breaks the call: a failure there costs only detail.
"""

from __future__ import annotations

import functools
from typing import Any, AsyncIterator, Callable, Dict, Iterator, List, Optional, Tuple

from .._context import NON_RECORDING, current
from .._log import logger
from .._runtime import STATE
from .._span import Span
from .._replay.keep import keep_error, keep_result, keep_skipped
from .._replay.player import PLAYER
from .._start import fail, new_span

# Request options that describe transport, not the model call.
TRANSPORT_OPTIONS = frozenset(("extra_headers", "extra_query", "extra_body", "timeout"))


def request_input(kwargs: Dict[str, Any], keys: Tuple[str, ...]) -> Dict[str, Any]:
    """The call's own parameters, with the conversation first."""
    out = {key: kwargs[key] for key in keys if key in kwargs}
    for key, value in kwargs.items():
        if key not in out and key not in TRANSPORT_OPTIONS and not _is_omitted(value):
            out[key] = value
    return out


def _is_omitted(value: Any) -> bool:
    return type(value).__name__ in ("Omit", "NotGiven", "NotGivenOr")


def attr(obj: Any, *path: str, default: Any = None) -> Any:
    """obj.a.b.c for SDK objects or dicts; `default` when any step is missing."""
    for name in path:
        if obj is None:
            return default
        obj = obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)
    return default if obj is None else obj


def set_usage(span: Span, input_tokens: Any, output_tokens: Any) -> None:
    if isinstance(input_tokens, int):
        span.set_attribute("gen_ai.usage.input_tokens", input_tokens)
    if isinstance(output_tokens, int):
        span.set_attribute("gen_ai.usage.output_tokens", output_tokens)


class Spec:
    """How to read one API method. Subclasses override the `read_*` hooks."""

    system = ""
    operation = "chat"
    input_keys: Tuple[str, ...] = ("messages",)

    def name(self, kwargs: Dict[str, Any]) -> str:
        model = kwargs.get("model")
        return f"{self.operation} {model}" if model else self.operation

    def request_attributes(self, kwargs: Dict[str, Any]) -> Dict[str, Any]:
        attributes: Dict[str, Any] = {"gen_ai.system": self.system, "gen_ai.operation.name": self.operation}
        if isinstance(kwargs.get("model"), str):
            attributes["gen_ai.request.model"] = kwargs["model"]
        for option in ("temperature", "top_p", "max_tokens", "max_completion_tokens", "max_output_tokens"):
            value = kwargs.get(option)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                key = "max_tokens" if option.startswith("max_") else option
                attributes[f"gen_ai.request.{key}"] = value
        if kwargs.get("stream") is True:
            attributes["gen_ai.request.stream"] = True
        return attributes

    def read_response(self, span: Span, result: Any) -> None:
        """Set output, usage and response attributes from a complete answer."""

    def new_stream_state(self) -> Any:
        return {}

    def read_chunk(self, state: Any, chunk: Any) -> None:
        """Accumulate one streamed chunk into `state`."""

    def read_stream(self, span: Span, state: Any) -> None:
        """Set output, usage and response attributes from the accumulated stream."""


def _start(spec: Spec, kwargs: Dict[str, Any]) -> Optional[Span]:
    if not STATE.enabled:
        return None
    parent = current.get()
    if parent is NON_RECORDING:
        return None
    try:
        span = new_span(spec.name(kwargs), "llm", parent, None, None)
        if type(span) is not Span:  # untracked, not sampled or dropped
            return None
        span.set_attributes(spec.request_attributes(kwargs))
        client = span.client
        if client.capture_args:
            span.input, span.input_size = client.serializer.capture(request_input(kwargs, spec.input_keys))
        client.span_started(span)
        return span
    except Exception:
        logger.debug("could not start an llm span", exc_info=True)
        return None


def _finish(spec: Spec, span: Span, result: Any) -> Any:
    try:
        if _is_stream(result):
            if span.client.replay_llm:
                keep_skipped(span, "stream (streamed answers run for real in a replay)")
            return _wrap_stream(spec, span, result)
        spec.read_response(span, result)
        if span.client.replay_llm:
            keep_result(span, result)  # the client's own response model, rebuilt in a replay
    except Exception:
        logger.debug("could not read an llm response", exc_info=True)
    span.finish("ok")
    return result


def capture_output(span: Span, value: Any) -> None:
    """The answer as the span's output, unless results are not captured."""
    if span.client.capture_result:
        span.set_output(value)


def _is_stream(result: Any) -> bool:
    cls = type(result)
    return cls.__name__ in ("Stream", "AsyncStream") and (hasattr(result, "_iterator") or hasattr(cls, "_iterator"))


def _wrap_stream(spec: Spec, span: Span, stream: Any) -> Any:
    state = spec.new_stream_state()
    done: List[bool] = [False]

    def end(exc: Optional[BaseException] = None) -> None:
        if done[0]:
            return
        done[0] = True
        try:
            spec.read_stream(span, state)
        except Exception:
            logger.debug("could not read an llm stream", exc_info=True)
        if exc is not None:
            fail(span, exc)
        else:
            span.finish("ok")

    original = stream._iterator
    if hasattr(original, "__anext__"):

        async def async_chunks() -> AsyncIterator[Any]:
            try:
                async for chunk in original:
                    _safe_read(spec, state, chunk)
                    yield chunk
            except BaseException as exc:
                end(None if isinstance(exc, GeneratorExit) else exc)
                raise
            end()

        stream._iterator = async_chunks()
    else:

        def chunks() -> Iterator[Any]:
            try:
                for chunk in original:
                    _safe_read(spec, state, chunk)
                    yield chunk
            except BaseException as exc:
                end(None if isinstance(exc, GeneratorExit) else exc)
                raise
            end()

        stream._iterator = chunks()
    close = getattr(stream, "close", None)
    if callable(close):

        @functools.wraps(close)
        def close_and_end(*args: Any, **kwargs: Any) -> Any:
            try:
                return close(*args, **kwargs)
            finally:
                span.set_attribute("runtime_hub.stream.closed_early", not done[0])
                end()

        try:
            stream.close = close_and_end
        except Exception:
            pass
    return stream


def _safe_read(spec: Spec, state: Any, chunk: Any) -> None:
    try:
        spec.read_chunk(state, chunk)
    except Exception:
        logger.debug("could not read an llm chunk", exc_info=True)


def call_in_span(spec: Spec, span: Optional[Span], original: Callable[..., Any], owner: Any, args: Tuple[Any, ...], kwargs: Dict[str, Any]) -> Any:
    """The client's own method, as the current span's call (or plainly when there is no span)."""
    if span is None:
        return original(owner, *args, **kwargs)
    token = current.set(span)
    try:
        result = original(owner, *args, **kwargs)
    except BaseException as exc:
        current.reset(token)
        _failed(span, exc)
        raise
    current.reset(token)
    return _finish(spec, span, result)


async def call_in_span_async(spec: Spec, span: Optional[Span], original: Callable[..., Any], owner: Any, args: Tuple[Any, ...], kwargs: Dict[str, Any]) -> Any:
    if span is None:
        return await original(owner, *args, **kwargs)
    token = current.set(span)
    try:
        result = await original(owner, *args, **kwargs)
    except BaseException as exc:
        current.reset(token)
        _failed(span, exc)
        raise
    current.reset(token)
    return _finish(spec, span, result)


def _failed(span: Span, exc: BaseException) -> None:
    if span.client.replay_llm:
        keep_error(span, exc)
    fail(span, exc)


def wrap_method(original: Callable[..., Any], spec: Spec, is_async: bool) -> Callable[..., Any]:
    if PLAYER is not None:  # started by `runtime-hub replay`
        from .._replay.llm import replay_method

        return replay_method(original, spec, is_async, _plain_method(original, spec, is_async), PLAYER)
    return _plain_method(original, spec, is_async)


def _plain_method(original: Callable[..., Any], spec: Spec, is_async: bool) -> Callable[..., Any]:
    if is_async:

        @functools.wraps(original)
        async def create_async(self: Any, *args: Any, **kwargs: Any) -> Any:
            return await call_in_span_async(spec, _start(spec, kwargs), original, self, args, kwargs)

        create_async.__runtime_hub_original__ = original  # type: ignore[attr-defined]
        return create_async

    @functools.wraps(original)
    def create(self: Any, *args: Any, **kwargs: Any) -> Any:
        return call_in_span(spec, _start(spec, kwargs), original, self, args, kwargs)

    create.__runtime_hub_original__ = original  # type: ignore[attr-defined]
    return create


def patch(owner: Any, method: str, spec: Spec, is_async: bool) -> bool:
    original = owner.__dict__.get(method)
    if original is None:
        return False
    if getattr(original, "__runtime_hub_original__", None) is not None:
        return True  # already patched
    setattr(owner, method, wrap_method(original, spec, is_async))
    return True


def unpatch(owner: Any, method: str) -> None:
    current_method = owner.__dict__.get(method)
    original = getattr(current_method, "__runtime_hub_original__", None)
    if original is not None:
        setattr(owner, method, original)
