"""The HTTP side of an exported app (FastAPI): public workflows answer like the hub's /w/ endpoints
(a Respond node's answer as soon as it runs, else the run's output, 500 RUN_FAILED when it fails,
202 after the response time limit); internal workflows have no route; /health tells uptime and
version. Errors are { "error": { "code", "message", "details"? } } as in the hub."""

import asyncio
import hashlib
import hmac
import os
import time
from urllib.parse import parse_qsl

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import Response

from . import instrument, schedules
from .runner import Run
from .values import to_json, to_plain

CREDENTIAL_HEADERS = {"authorization", "proxy-authorization", "cookie"}
HOP_BY_HOP = {"connection", "content-length", "transfer-encoding", "keep-alive", "upgrade", "te", "trailer"}
DEFAULT_RESPONSE_TIMEOUT_MS = 30_000


def json_response(value, status=200, headers=None):
    return Response(to_json(value), status_code=status, headers=headers, media_type="application/json; charset=utf-8")


def error_response(status, code, message, details=None):
    error = {"code": code, "message": message}
    if details is not None:
        error["details"] = details
    return json_response({"error": error}, status)


def create_app(project_app, title, version):
    app = FastAPI(title=title, version=version, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.project = project_app
    instrument.setup(project_app.project["id"])

    @app.exception_handler(HTTPException)
    async def not_found(request, exc):
        if exc.status_code == 404:
            return error_response(404, "ENDPOINT_NOT_FOUND", f"no public workflow answers {request.method} {request.url.path}")
        return error_response(exc.status_code, "HTTP_ERROR", str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def invalid(request, exc):
        return error_response(400, "INVALID_REQUEST", str(exc))

    @app.get("/health")
    async def health():
        return json_response({
            "status": "ok",
            "project": project_app.project["id"],
            "version": version,
            "uptimeSeconds": round(time.time() - project_app.started_at, 3),
            "startedAt": int(project_app.started_at * 1000),
            "workflows": sorted(project_app.workflows),
        })

    @app.on_event("startup")
    async def follow_schedules():
        project_app.schedules = schedules.start(project_app, lambda definition, trigger: _execute(Run(project_app, definition, trigger), definition))

    @app.on_event("shutdown")
    async def close():
        for task in project_app.schedules:
            task.cancel()
        await project_app.close()

    return app


async def _body(request):
    raw = await request.body()
    if not raw:
        return None
    kind = request.headers.get("content-type", "")
    text = raw.decode("utf-8", "replace")
    if "json" in kind:
        import json

        from .filters import _plain_numbers

        try:
            return _plain_numbers(json.loads(text))
        except ValueError:
            return None
    if kind.startswith("application/x-www-form-urlencoded"):
        return dict(parse_qsl(text, keep_blank_values=True))
    return text


def _query(request):
    out = {}
    for name, value in request.query_params.multi_items():
        if name in out:
            out[name] = out[name] + [value] if isinstance(out[name], list) else [out[name], value]
        else:
            out[name] = value
    return out


def _authorized(request, auth, secrets):
    secret = secrets.get(auth["secret"])
    given = request.headers.get(auth.get("header", "authorization"))
    if not secret or given is None:
        return False
    expected = f"Bearer {secret}" if auth.get("header", "authorization") == "authorization" else secret
    return hmac.compare_digest(hashlib.sha256(given.encode()).digest(), hashlib.sha256(expected.encode()).digest())


def _send_response(response):
    headers = {k: v for k, v in response["headers"].items() if k.lower() not in HOP_BY_HOP}
    body = response.get("body")
    if isinstance(body, str):
        media = headers.pop("content-type", "text/plain; charset=utf-8")
        return Response(body, status_code=response["status"], headers=headers, media_type=media)
    return Response(to_json(body), status_code=response["status"], headers=headers, media_type=headers.pop("content-type", "application/json; charset=utf-8"))


def _finished(result):
    if result.response is not None:
        return _send_response(result.response)
    if result.status == "succeeded":
        return json_response(result.output)
    error = result.error or {}
    details = {"runId": result.run_id, "status": result.status, "cause": error.get("code"), "nodeId": error.get("nodeId")}
    return error_response(500, "RUN_FAILED", error.get("message", f"the run {result.status}"), details)


async def answer(request: Request, workflow_id: str):
    """Runs a public workflow for one request and answers like the hub's /w/ endpoint."""
    project_app = request.app.state.project
    definition = project_app.workflows[workflow_id]
    auth = (definition.get("endpoint") or {}).get("auth")
    if auth and not _authorized(request, auth, project_app.secrets()):
        header = auth.get("header", "authorization")
        return error_response(401, "ENDPOINT_UNAUTHORIZED", f"this endpoint needs the credential in the {header} header")
    headers = {name: ("[redacted]" if name in CREDENTIAL_HEADERS else value) for name, value in request.headers.items()}
    trigger = {
        "type": "webhook",
        "method": request.method.upper(),
        "path": request.url.path,
        "params": dict(request.path_params),
        "query": _query(request),
        "headers": headers,
        "body": await _body(request),
    }
    loop = asyncio.get_running_loop()
    early = loop.create_future()

    def on_response(response):
        if not early.done():
            early.set_result(response)

    run = Run(project_app, definition, trigger, on_response=on_response)
    task = asyncio.ensure_future(_execute(run, definition))
    project_app.background.add(task)
    task.add_done_callback(project_app.background.discard)
    limit = (definition.get("settings") or {}).get("responseTimeoutMs") or DEFAULT_RESPONSE_TIMEOUT_MS
    done, _ = await asyncio.wait([task, early], timeout=limit / 1000, return_when=asyncio.FIRST_COMPLETED)
    if early in done:
        reply = _send_response(early.result())
    elif task in done:
        reply = _finished(task.result())
    else:
        reply = json_response({"runId": run.id, "status": "running"}, 202)
    reply.headers["x-runtime-hub-run-id"] = run.id
    return reply


async def _execute(run, definition):
    body = to_plain(run.trigger.get("body"))
    with instrument.span(definition["name"], "workflow", {"workflow.id": definition["id"], "workflow.run.id": run.id}, body) as span:
        result = await run.execute()
        if span is not None:
            if result.status == "succeeded":
                span.set_output(to_plain(result.output))
            else:
                span.set_status("error")
                span.set_output(result.error)
        return result


def port():
    return int(os.environ.get("PORT", "8080"))
