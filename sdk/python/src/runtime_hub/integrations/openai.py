"""OpenAI: `chat.completions.create` and `responses.create`, sync and async, streamed or not."""

from __future__ import annotations

from typing import Any, Dict, List

from ._llm import Spec, attr, capture_output, patch, set_usage, unpatch

_PATCHES = (
    ("openai.resources.chat.completions", "Completions", False, "chat"),
    ("openai.resources.chat.completions", "AsyncCompletions", True, "chat"),
    ("openai.resources.responses", "Responses", False, "responses"),
    ("openai.resources.responses", "AsyncResponses", True, "responses"),
)


def _message(message: Any) -> Dict[str, Any]:
    out: Dict[str, Any] = {"role": attr(message, "role", default="assistant"), "content": attr(message, "content")}
    tool_calls = attr(message, "tool_calls")
    if tool_calls:
        out["tool_calls"] = [
            {"id": attr(c, "id"), "name": attr(c, "function", "name"), "arguments": attr(c, "function", "arguments")}
            for c in tool_calls
        ]
    return out


class ChatSpec(Spec):
    system = "openai"
    operation = "chat"
    input_keys = ("messages",)

    def read_response(self, span: Any, result: Any) -> None:
        choices = attr(result, "choices", default=[])
        messages = [_message(attr(choice, "message")) for choice in choices]
        capture_output(span, messages[0] if len(messages) == 1 else messages)
        reasons = [attr(choice, "finish_reason") for choice in choices if attr(choice, "finish_reason")]
        _response_attributes(span, result, reasons)
        set_usage(span, attr(result, "usage", "prompt_tokens"), attr(result, "usage", "completion_tokens"))

    def new_stream_state(self) -> Dict[str, Any]:
        return {"choices": {}, "usage": None, "model": None, "id": None}

    def read_chunk(self, state: Dict[str, Any], chunk: Any) -> None:
        state["model"] = attr(chunk, "model") or state["model"]
        state["id"] = attr(chunk, "id") or state["id"]
        if attr(chunk, "usage") is not None:
            state["usage"] = attr(chunk, "usage")
        for choice in attr(chunk, "choices", default=[]):
            entry = state["choices"].setdefault(attr(choice, "index", default=0), {"role": "assistant", "content": [], "tools": {}, "finish": None})
            delta = attr(choice, "delta")
            if attr(delta, "role"):
                entry["role"] = attr(delta, "role")
            if attr(delta, "content"):
                entry["content"].append(attr(delta, "content"))
            for call in attr(delta, "tool_calls", default=[]) or []:
                tool = entry["tools"].setdefault(attr(call, "index", default=0), {"id": None, "name": "", "arguments": []})
                tool["id"] = attr(call, "id") or tool["id"]
                tool["name"] += attr(call, "function", "name", default="")
                tool["arguments"].append(attr(call, "function", "arguments", default=""))
            if attr(choice, "finish_reason"):
                entry["finish"] = attr(choice, "finish_reason")

    def read_stream(self, span: Any, state: Dict[str, Any]) -> None:
        messages: List[Dict[str, Any]] = []
        for _, entry in sorted(state["choices"].items()):
            message: Dict[str, Any] = {"role": entry["role"], "content": "".join(entry["content"]) or None}
            if entry["tools"]:
                message["tool_calls"] = [
                    {"id": t["id"], "name": t["name"], "arguments": "".join(t["arguments"])} for _, t in sorted(entry["tools"].items())
                ]
            messages.append(message)
        capture_output(span, messages[0] if len(messages) == 1 else messages)
        reasons = [entry["finish"] for entry in state["choices"].values() if entry["finish"]]
        _response_attributes(span, state, reasons)
        usage = state["usage"]
        set_usage(span, attr(usage, "prompt_tokens"), attr(usage, "completion_tokens"))


class ResponsesSpec(Spec):
    system = "openai"
    operation = "responses"
    input_keys = ("instructions", "input")

    def read_response(self, span: Any, result: Any) -> None:
        text = attr(result, "output_text")
        capture_output(span, text if isinstance(text, str) else attr(result, "output"))
        _response_attributes(span, result, [attr(result, "status")] if attr(result, "status") else [])
        set_usage(span, attr(result, "usage", "input_tokens"), attr(result, "usage", "output_tokens"))

    def new_stream_state(self) -> Dict[str, Any]:
        return {"text": [], "response": None}

    def read_chunk(self, state: Dict[str, Any], event: Any) -> None:
        kind = attr(event, "type")
        if kind == "response.output_text.delta":
            state["text"].append(attr(event, "delta", default=""))
        elif kind in ("response.completed", "response.incomplete", "response.failed"):
            state["response"] = attr(event, "response")

    def read_stream(self, span: Any, state: Dict[str, Any]) -> None:
        if state["response"] is not None:
            self.read_response(span, state["response"])
            if span.output is None and state["text"]:
                capture_output(span, "".join(state["text"]))
        else:
            capture_output(span, "".join(state["text"]))


def _response_attributes(span: Any, result: Any, reasons: List[Any]) -> None:
    if attr(result, "model"):
        span.set_attribute("gen_ai.response.model", str(attr(result, "model")))
    if attr(result, "id"):
        span.set_attribute("gen_ai.response.id", str(attr(result, "id")))
    if reasons:
        span.set_attribute("gen_ai.response.finish_reasons", [str(r) for r in reasons])


_SPECS = {"chat": ChatSpec(), "responses": ResponsesSpec()}


def instrument() -> bool:
    import importlib

    patched = False
    for module_name, class_name, is_async, spec in _PATCHES:
        try:
            owner = getattr(importlib.import_module(module_name), class_name)
        except (ImportError, AttributeError):
            continue
        patched = patch(owner, "create", _SPECS[spec], is_async) or patched
    return patched


def uninstrument() -> None:
    import importlib

    for module_name, class_name, _, _ in _PATCHES:
        try:
            unpatch(getattr(importlib.import_module(module_name), class_name), "create")
        except (ImportError, AttributeError):
            continue
