"""The llm node over plain HTTP: OpenAI-compatible chat completions (any server with baseUrl) and
Anthropic's messages API; outputs { text, json?, model, usage, finishReason } like the engine."""

import json
import re

from .errors import NodeFailure, permanent
from .http_client import send
from .values import to_json, to_text


def _history(raw):
    if not isinstance(raw, list):
        return []
    out = []
    for item in raw:
        if isinstance(item, dict) and item.get("role") in ("user", "assistant", "system"):
            out.append({"role": item["role"], "content": to_text(item.get("content"))})
    return out


def _strip_fence(text):
    match = re.match(r"^\s*```(?:json)?\s*([\s\S]*?)\s*```\s*$", text)
    return match.group(1) if match else text


async def chat(ctx):
    config = ctx.config
    provider = "anthropic" if config.get("provider") == "anthropic" else "openai"
    messages = []
    if config.get("system"):
        messages.append({"role": "system", "content": to_text(config["system"])})
    messages.extend(_history(config.get("messages")))
    messages.append({"role": "user", "content": to_text(config.get("prompt"))})
    model = to_text(config.get("model"))
    key = to_text(config.get("apiKey"))
    timeout = config["timeoutMs"]
    if provider == "openai":
        base = to_text(config.get("baseUrl")) or "https://api.openai.com/v1"
        body = {"model": model, "messages": messages, "max_tokens": config.get("maxTokens")}
        if isinstance(config.get("temperature"), (int, float)):
            body["temperature"] = config["temperature"]
        if config.get("json") is True:
            body["response_format"] = {"type": "json_object"}
        headers = {"content-type": "application/json", "authorization": f"Bearer {key}"}
        response = await send(ctx.app.http, "POST", base.rstrip("/") + "/chat/completions", headers, to_json(body), timeout)
        data = _answer(response)
        choice = (data.get("choices") or [{}])[0]
        text = to_text((choice.get("message") or {}).get("content"))
        usage = data.get("usage") or {}
        result = _output(text, data.get("model", model), usage.get("prompt_tokens"), usage.get("completion_tokens"), choice.get("finish_reason"))
    else:
        base = to_text(config.get("baseUrl")) or "https://api.anthropic.com"
        system = "\n".join(m["content"] for m in messages if m["role"] == "system")
        body = {"model": model, "max_tokens": config.get("maxTokens"), "messages": [m for m in messages if m["role"] != "system"]}
        if system:
            body["system"] = system
        headers = {"content-type": "application/json", "x-api-key": key, "anthropic-version": "2023-06-01"}
        response = await send(ctx.app.http, "POST", base.rstrip("/") + "/v1/messages", headers, to_json(body), timeout)
        data = _answer(response)
        text = "".join(to_text(block.get("text")) for block in data.get("content", []) if block.get("type") == "text")
        usage = data.get("usage") or {}
        result = _output(text, data.get("model", model), usage.get("input_tokens"), usage.get("output_tokens"), data.get("stop_reason"))
    if config.get("json") is True:
        try:
            result["json"] = json.loads(_strip_fence(result["text"]))
        except ValueError:
            raise NodeFailure("LLM_ERROR", f"the model was asked for JSON but answered: {result['text'][:300]}", details=result) from None
    return result


def _answer(response):
    if response["status"] >= 400:
        raise NodeFailure("LLM_ERROR", f"the model answered {response['status']}: {response['body'][:300]}", status=response["status"])
    try:
        return json.loads(response["body"])
    except ValueError:
        raise permanent("LLM_ERROR", f"the model's answer is not JSON: {response['body'][:200]}") from None


def _output(text, model, input_tokens, output_tokens, finish):
    total = input_tokens + output_tokens if input_tokens is not None and output_tokens is not None else None
    usage = {"inputTokens": input_tokens, "outputTokens": output_tokens, "totalTokens": total}
    return {"text": text, "model": model, "usage": usage, "finishReason": finish}
