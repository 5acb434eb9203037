"""Anthropic: `messages.create`, sync and async, streamed or not."""

from __future__ import annotations

from typing import Any, Dict, List

from ._llm import Spec, attr, capture_output, patch, set_usage, unpatch

_PATCHES = (
    ("anthropic.resources.messages", "Messages", False),
    ("anthropic.resources.messages", "AsyncMessages", True),
)


def _block(block: Any) -> Dict[str, Any]:
    kind = attr(block, "type")
    if kind == "text":
        return {"type": "text", "text": attr(block, "text")}
    if kind == "tool_use":
        return {"type": "tool_use", "id": attr(block, "id"), "name": attr(block, "name"), "input": attr(block, "input")}
    if kind == "thinking":
        return {"type": "thinking", "thinking": attr(block, "thinking")}
    return {"type": kind}


def _content(blocks: List[Dict[str, Any]]) -> Any:
    """Plain text when the answer is only text, else the blocks."""
    if blocks and all(b.get("type") == "text" for b in blocks):
        return {"role": "assistant", "content": "".join(b.get("text") or "" for b in blocks)}
    return {"role": "assistant", "content": blocks}


class MessagesSpec(Spec):
    system = "anthropic"
    operation = "chat"
    input_keys = ("system", "messages")

    def read_response(self, span: Any, result: Any) -> None:
        capture_output(span, _content([_block(b) for b in attr(result, "content", default=[])]))
        _response_attributes(span, attr(result, "model"), attr(result, "id"), attr(result, "stop_reason"))
        set_usage(span, attr(result, "usage", "input_tokens"), attr(result, "usage", "output_tokens"))

    def new_stream_state(self) -> Dict[str, Any]:
        return {"blocks": {}, "model": None, "id": None, "stop": None, "input_tokens": None, "output_tokens": None}

    def read_chunk(self, state: Dict[str, Any], event: Any) -> None:
        kind = attr(event, "type")
        if kind == "message_start":
            message = attr(event, "message")
            state["model"], state["id"] = attr(message, "model"), attr(message, "id")
            state["input_tokens"] = attr(message, "usage", "input_tokens")
            state["output_tokens"] = attr(message, "usage", "output_tokens")
        elif kind == "content_block_start":
            block = _block(attr(event, "content_block"))
            if block["type"] == "tool_use":
                block["partial"] = []
            state["blocks"][attr(event, "index", default=0)] = block
        elif kind == "content_block_delta":
            block = state["blocks"].setdefault(attr(event, "index", default=0), {"type": "text", "text": ""})
            delta = attr(event, "delta")
            delta_type = attr(delta, "type")
            if delta_type == "text_delta":
                block["text"] = (block.get("text") or "") + attr(delta, "text", default="")
            elif delta_type == "input_json_delta":
                block.setdefault("partial", []).append(attr(delta, "partial_json", default=""))
            elif delta_type == "thinking_delta":
                block["thinking"] = (block.get("thinking") or "") + attr(delta, "thinking", default="")
        elif kind == "message_delta":
            state["stop"] = attr(event, "delta", "stop_reason") or state["stop"]
            output_tokens = attr(event, "usage", "output_tokens")
            if output_tokens is not None:
                state["output_tokens"] = output_tokens
            input_tokens = attr(event, "usage", "input_tokens")
            if input_tokens is not None:
                state["input_tokens"] = input_tokens

    def read_stream(self, span: Any, state: Dict[str, Any]) -> None:
        blocks = []
        for _, block in sorted(state["blocks"].items()):
            partial = block.pop("partial", None)
            if partial:
                block["input"] = "".join(partial)
            blocks.append(block)
        capture_output(span, _content(blocks))
        _response_attributes(span, state["model"], state["id"], state["stop"])
        set_usage(span, state["input_tokens"], state["output_tokens"])


def _response_attributes(span: Any, model: Any, response_id: Any, stop: Any) -> None:
    if model:
        span.set_attribute("gen_ai.response.model", str(model))
    if response_id:
        span.set_attribute("gen_ai.response.id", str(response_id))
    if stop:
        span.set_attribute("gen_ai.response.finish_reasons", [str(stop)])


_SPEC = MessagesSpec()


def instrument() -> bool:
    import importlib

    patched = False
    for module_name, class_name, is_async in _PATCHES:
        try:
            owner = getattr(importlib.import_module(module_name), class_name)
        except (ImportError, AttributeError):
            continue
        patched = patch(owner, "create", _SPEC, is_async) or patched
    return patched


def uninstrument() -> None:
    import importlib

    for module_name, class_name, _ in _PATCHES:
        try:
            unpatch(getattr(importlib.import_module(module_name), class_name), "create")
        except (ImportError, AttributeError):
            continue
