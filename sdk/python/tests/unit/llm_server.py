"""A local OpenAI- and Anthropic-compatible test server (chat completions, responses, messages;
JSON and server-sent-event streams), so the integrations run against the real client libraries."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List

ANSWER = ["Hel", "lo ", "there"]


def chat_completion(body: Dict[str, Any]) -> Dict[str, Any]:
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1700000000,
        "model": body["model"] + "-2024",
        "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "".join(ANSWER)}}],
        "usage": {"prompt_tokens": 11, "completion_tokens": 3, "total_tokens": 14},
    }


def chat_chunks(body: Dict[str, Any]) -> List[Dict[str, Any]]:
    base = {"id": "chatcmpl-2", "object": "chat.completion.chunk", "created": 1700000000, "model": body["model"] + "-2024"}
    chunks = [{**base, "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}]}]
    chunks += [{**base, "choices": [{"index": 0, "delta": {"content": part}, "finish_reason": None}]} for part in ANSWER]
    chunks.append({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
    if (body.get("stream_options") or {}).get("include_usage"):
        chunks.append({**base, "choices": [], "usage": {"prompt_tokens": 11, "completion_tokens": 3, "total_tokens": 14}})
    return chunks


def response(body: Dict[str, Any]) -> Dict[str, Any]:
    return {
        "id": "resp-1",
        "object": "response",
        "created_at": 1700000000,
        "model": body["model"] + "-2024",
        "status": "completed",
        "output": [
            {
                "type": "message",
                "id": "msg-1",
                "role": "assistant",
                "status": "completed",
                "content": [{"type": "output_text", "text": "".join(ANSWER), "annotations": []}],
            }
        ],
        "parallel_tool_calls": True,
        "tool_choice": "auto",
        "tools": [],
        "usage": {
            "input_tokens": 7,
            "output_tokens": 3,
            "total_tokens": 10,
            "input_tokens_details": {"cached_tokens": 0},
            "output_tokens_details": {"reasoning_tokens": 0},
        },
    }


def message(body: Dict[str, Any]) -> Dict[str, Any]:
    return {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": body["model"] + "-2024",
        "content": [{"type": "text", "text": "".join(ANSWER)}],
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": 9, "output_tokens": 3},
    }


def message_events(body: Dict[str, Any]) -> List[Dict[str, Any]]:
    start = {**message(body), "content": [], "stop_reason": None, "usage": {"input_tokens": 9, "output_tokens": 1}}
    events = [
        {"type": "message_start", "message": start},
        {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
    ]
    events += [{"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": part}} for part in ANSWER]
    events += [
        {"type": "content_block_stop", "index": 0},
        {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": None}, "usage": {"output_tokens": 3}},
        {"type": "message_stop"},
    ]
    return events


class LLMServer:
    def __init__(self) -> None:
        self.requests: List[Dict[str, Any]] = []
        server_self = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                server_self.requests.append({"path": self.path, "body": body})
                if body.get("model") == "broken-model":
                    return self.json(400, {"type": "error", "error": {"type": "invalid_request_error", "message": "no such model"}})
                path = self.path.split("?")[0]
                stream = body.get("stream") is True
                if path.endswith("/chat/completions"):
                    return self.sse([(None, c) for c in chat_chunks(body)], done=True) if stream else self.json(200, chat_completion(body))
                if path.endswith("/responses"):
                    return self.json(200, response(body))
                if path.endswith("/messages"):
                    return self.sse([(e["type"], e) for e in message_events(body)]) if stream else self.json(200, message(body))
                self.json(404, {"error": {"message": "not found"}})

            def json(self, status: int, payload: Any) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def sse(self, events: List[Any], done: bool = False) -> None:
                parts = []
                for name, payload in events:
                    prefix = f"event: {name}\n" if name else ""
                    parts.append(f"{prefix}data: {json.dumps(payload)}\n\n")
                if done:
                    parts.append("data: [DONE]\n\n")
                data = "".join(parts).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
