"""The node types an exported app runs, as the engine's packages/engine/src/nodes/builtin/*.ts do.
A JavaScript code node is refused when the project is exported to Python."""

import asyncio
import copy
import json
import os
import re
from urllib.parse import urlencode, urlsplit, urlunsplit

from .errors import NodeFailure, permanent
from .http_client import parse_body, send, status_failure
from .values import UNDEFINED, to_text


class NodeType:
    def __init__(self, run, inline=False):
        self.run = run
        self.inline = inline


def _record(value):
    return isinstance(value, dict)


# -- inline nodes ----------------------------------------------------------------------------------


def _trigger(ctx):
    return {"output": ctx.trigger}


def _set_path(target, dotted, value):
    keys = dotted.split(".")
    current = target
    for i, key in enumerate(keys):
        if key in ("__proto__", "prototype", "constructor") or key == "":
            raise permanent("CONFIG_INVALID", f'field name "{dotted}" is not allowed', f"fields.{dotted}")
        if i == len(keys) - 1:
            current[key] = value
            return
        if not _record(current.get(key)):
            current[key] = {}
        current = current[key]


def _set(ctx):
    config = ctx.config
    base = copy.deepcopy(ctx.input) if config.get("keepInput") is True and _record(ctx.input) else {}
    fields = config.get("fields") if _record(config.get("fields")) else {}
    for name, value in fields.items():
        _set_path(base, name, value)
    return {"output": base}


def _transform(ctx):
    return {"output": ctx.config.get("value", UNDEFINED)}


def _condition(ctx):
    config = ctx.config
    if config.get("mode") == "switch":
        value = to_text(config.get("value"))
        cases = [to_text(c) for c in config.get("cases", [])] if isinstance(config.get("cases"), list) else []
        return {"output": ctx.input, "branch": value if value in cases else "default"}
    condition = config.get("condition")
    from .values import truthy

    passed = condition is True or (condition != "false" and truthy(condition))
    return {"output": ctx.input, "branch": "true" if passed else "false"}


def _wait(ctx):
    config = ctx.config
    if config.get("mode") == "until":
        text = to_text(config.get("until"))
        from .filters import _parse_time

        at = int(text) if re.fullmatch(r"\d+", text) else _parse_time(text)
        if at is None:
            raise permanent("CONFIG_INVALID", f'"until" is not a time: {json.dumps(text)}', "until")
        return {"output": ctx.input, "waitUntil": max(at, ctx.now())}
    return {"output": ctx.input, "waitUntil": ctx.now() + config["duration"]}


def _merge(ctx):
    mode = ctx.config.get("mode")
    if mode == "array":
        return {"output": [i["value"] for i in ctx.inputs]}
    if mode == "first":
        first = ctx.inputs[0]["value"] if ctx.inputs else None
        return {"output": None if first is UNDEFINED else first}
    if mode == "merge":
        out = {}
        for item in ctx.inputs:
            if _record(item["value"]):
                out.update(item["value"])
        return {"output": out}
    return {"output": {i["source"]: i["value"] for i in ctx.inputs}}


def _respond(ctx):
    config = ctx.config
    headers = {}
    if _record(config.get("headers")):
        headers = {name.lower(): to_text(value) for name, value in config["headers"].items()}
    status = config.get("status")
    if not isinstance(status, int) or isinstance(status, bool) or status < 100 or status > 599:
        raise permanent("CONFIG_INVALID", f'"status" must be an HTTP status, not {json.dumps(status)}', "status")
    body = config.get("body", UNDEFINED)
    return {"output": body, "response": {"status": status, "headers": headers, "body": body}}


# -- nodes with I/O --------------------------------------------------------------------------------


def _whatwg_encode(text, unsafe):
    """Percent-encodes as a WHATWG URL parser does (Node's URL): controls, non-ASCII and `unsafe`."""
    out = []
    for ch in text:
        if ord(ch) < 0x21 or ord(ch) > 0x7E or ch in unsafe:
            out.append("".join(f"%{b:02X}" for b in ch.encode("utf-8")))
        else:
            out.append(ch)
    return "".join(out)


def build_url(raw, query, field="url"):
    text = to_text(raw).strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        if parts.scheme and parts.netloc:
            raise permanent("CONFIG_INVALID", f'"{field}" must be an http or https URL, not {parts.scheme}:', field)
        raise permanent("CONFIG_INVALID", f'"{field}" is not a valid URL: {json.dumps(text[:200])}', field)
    path = _whatwg_encode(parts.path or "/", '"<>`{} ')
    search = _whatwg_encode(parts.query, "\"<>' ")
    if _record(query):
        pairs = []
        for name, value in query.items():
            if isinstance(value, list):
                pairs.extend((name, to_text(v)) for v in value)
            elif value is not None and value is not UNDEFINED:
                pairs.append((name, to_text(value)))
        if pairs:
            extra = urlencode(pairs, quote_via=_form_quote)
            search = f"{search}&{extra}" if search else extra
    return urlunsplit((parts.scheme, parts.netloc.lower(), path, search, _whatwg_encode(parts.fragment, '"<>` ')))


def _form_quote(text, safe="", encoding=None, errors=None):
    """application/x-www-form-urlencoded as URLSearchParams writes it (space as +, *-._ kept)."""
    from urllib.parse import quote_plus

    return quote_plus(text, safe="*").replace("~", "%7E")


def string_headers(raw):
    if not _record(raw):
        return {}
    return {name.lower(): to_text(value) for name, value in raw.items() if value is not None and value is not UNDEFINED}


def _encode_body(body, body_type, headers):
    if body is None or body is UNDEFINED or body == "":
        return None
    if body_type == "text":
        return to_text(body)
    if body_type == "form":
        headers.setdefault("content-type", "application/x-www-form-urlencoded")
        return urlencode([(k, to_text(v)) for k, v in body.items()]) if _record(body) else ""
    headers.setdefault("content-type", "application/json")
    from .values import to_json

    return to_json(body)


async def _http(ctx):
    config = ctx.config
    method = to_text(config.get("method")).upper()
    url = build_url(config.get("url"), config.get("query"))
    headers = string_headers(config.get("headers"))
    body = None if method in ("GET", "HEAD") else _encode_body(config.get("body", UNDEFINED), config.get("bodyType"), headers)
    response = await send(ctx.app.http, method, url, headers, body, config["timeoutMs"])
    if config.get("failOnStatus") is not False and response["status"] >= 400:
        raise status_failure(method, url, response)
    return {"output": {"status": response["status"], "headers": response["headers"], "body": parse_body(response, config.get("responseType"))}}


async def _notification(ctx):
    config = ctx.config
    url = build_url(config.get("url"), None)
    title = config.get("title")
    text = f"*{to_text(title)}*\n{to_text(config.get('text'))}" if title else to_text(config.get("text"))
    payload = {"text": text}
    for key, name in (("username", "username"), ("iconEmoji", "icon_emoji"), ("channel", "channel")):
        if config.get(key):
            payload[name] = to_text(config[key])
    if _record(config.get("extra")):
        payload.update(config["extra"])
    from .values import to_json

    response = await send(ctx.app.http, "POST", url, {"content-type": "application/json"}, to_json(payload), config["timeoutMs"])
    if response["status"] >= 400:
        raise status_failure("POST", "(webhook)", response)
    return {"output": {"delivered": True, "status": response["status"], "response": response["body"][:1000]}}


async def _workflow_call(ctx):
    config = ctx.config
    body = config.get("input", UNDEFINED)
    if config.get("mode") == "http":
        from .values import to_json

        method = to_text(config.get("method")).upper()
        url = build_url(config.get("url"), None)
        headers = {"content-type": "application/json", **string_headers(config.get("headers"))}
        payload = None if method == "GET" else to_json(None if body is UNDEFINED else body)
        response = await send(ctx.app.http, method, url, headers, payload, config["timeoutMs"])
        if response["status"] >= 400:
            raise status_failure(method, url, response)
        return {"output": parse_body(response, "auto")}
    workflow = to_text(config.get("workflow"))
    if config.get("wait") is False:
        run = asyncio.ensure_future(ctx.call_workflow(workflow, body))
        ctx.app.background.add(run)
        run.add_done_callback(ctx.app.background.discard)
        return {"output": {"runId": None, "status": "running"}}
    result = await ctx.call_workflow(workflow, body)
    if result.status != "succeeded":
        raise NodeFailure(
            "CALL_FAILED",
            f'workflow "{workflow}" {result.status} (run {result.run_id})',
            details={"runId": result.run_id, "status": result.status, "error": result.error},
        )
    return {"output": result.output}


SHELL_ENV = ("PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR", "USER", "SHELL")


async def _shell(ctx):
    config = ctx.config
    project = ctx.app.project
    if not project.get("settings", {}).get("allowShell"):
        raise permanent("NODE_NOT_ALLOWED", f'shell nodes are disabled in project "{project["id"]}"; enable settings.allowShell to run them')
    env = {k: os.environ[k] for k in SHELL_ENV if k in os.environ}
    env.update(ctx.app.env())
    if _record(config.get("env")):
        env.update({k: to_text(v) for k, v in config["env"].items()})
    process = await asyncio.create_subprocess_exec(
        "/bin/sh", "-c", to_text(config.get("command")), cwd=to_text(config.get("cwd")) or None, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, start_new_session=True,
    )
    try:
        stdout, stderr = await asyncio.wait_for(process.communicate(), config["timeoutMs"] / 1000)
    except asyncio.TimeoutError:
        os.killpg(process.pid, 9)
        raise NodeFailure("NODE_TIMEOUT", f"the command ran longer than {config['timeoutMs']} ms") from None
    code = process.returncode if process.returncode >= 0 else None
    signal_name = None if code is not None else f"SIG{-process.returncode}"
    result = {"exitCode": code, "signal": signal_name, "stdout": stdout.decode("utf-8", "replace"), "stderr": stderr.decode("utf-8", "replace")}
    if config.get("failOnNonZero") is not False and code != 0:
        status = code if code is not None else signal_name
        raise NodeFailure("SHELL_EXIT", f"the command exited with {status}: {result['stderr'].strip()[-500:]}", details=result)
    return {"output": result}


async def _email(ctx):
    from .email_node import send_email

    return {"output": await send_email(ctx.config)}


async def _llm(ctx):
    from .llm import chat

    return {"output": await chat(ctx)}


NODE_TYPES = {
    "trigger": NodeType(_trigger, inline=True),
    "set": NodeType(_set, inline=True),
    "transform": NodeType(_transform, inline=True),
    "condition": NodeType(_condition, inline=True),
    "wait": NodeType(_wait, inline=True),
    "merge": NodeType(_merge, inline=True),
    "respond": NodeType(_respond, inline=True),
    "http": NodeType(_http),
    "notification": NodeType(_notification),
    "workflow": NodeType(_workflow_call),
    "shell": NodeType(_shell),
    "llm": NodeType(_llm),
    "email": NodeType(_email),
}
