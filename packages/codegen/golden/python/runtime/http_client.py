"""Outbound HTTP for the http, notification and workflow-call nodes (httpx), classified like the
engine's: network failures carry an errno-like code the retry policy matches, error statuses fail
with HTTP_STATUS, responses are capped at 10 MB."""

import json

import httpx

from .errors import NodeFailure

MAX_RESPONSE_BYTES = 10 * 1024 * 1024


def _network_code(error):
    if isinstance(error, httpx.TimeoutException):
        return "ETIMEDOUT"
    if isinstance(error, httpx.ConnectError):
        text = str(error).lower()
        if "name or service" in text or "nodename" in text or "getaddrinfo" in text:
            return "ENOTFOUND"
        return "ECONNREFUSED"
    if isinstance(error, (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)):
        return "ECONNRESET"
    return "HTTP_ERROR"


async def send(client, method, url, headers, body, timeout_ms):
    """Sends one request; returns {status, headers, body (text)}."""
    if body is not None and "content-type" not in headers:
        headers = {**headers, "content-type": "text/plain;charset=UTF-8"}  # what fetch sends for a text body
    try:
        async with client.stream(method, url, headers=headers, content=body, timeout=timeout_ms / 1000) as response:
            chunks, size = [], 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > MAX_RESPONSE_BYTES:
                    raise NodeFailure("RESPONSE_TOO_LARGE", f"{method} {url}: the response exceeds {MAX_RESPONSE_BYTES} bytes", non_retryable=True)
                chunks.append(chunk)
            return {
                "status": response.status_code,
                "headers": {k.lower(): v for k, v in response.headers.items()},
                "body": b"".join(chunks).decode("utf-8", "replace"),
            }
    except httpx.HTTPError as error:
        code = _network_code(error)
        if code == "ETIMEDOUT":
            raise NodeFailure(code, f"{method} {url} took longer than {timeout_ms} ms") from None
        raise NodeFailure(code, f"{method} {url} failed: {error}") from None


def parse_body(response, mode):
    kind = response["headers"].get("content-type", "")
    if mode == "text":
        return response["body"]
    if mode == "json" or "json" in kind:
        if response["body"] == "":
            return None
        try:
            from .filters import _plain_numbers

            return _plain_numbers(json.loads(response["body"]))
        except ValueError:
            if mode == "json":
                raise NodeFailure("HTTP_ERROR", f"the response is not JSON: {response['body'][:200]}", non_retryable=True) from None
            return response["body"]
    return response["body"]


def status_failure(method, url, response):
    return NodeFailure("HTTP_STATUS", f"{method} {url} answered {response['status']}", status=response["status"], details={"body": response["body"][:2000]})
