"""A local OpenAI-compatible chat completions server for the replay tests: it counts the calls it
receives and keeps their bodies, and answers like a model driving a tool loop.

The answer depends only on the request: while the conversation holds fewer than STEPS tool results
it asks for the `write_note` tool (the note's text quotes the task, the first user message), then
it answers in text. So a replay that sends the same conversation gets the same answer, and an
edited task shows in every note written after the edit. Response shapes: see README.md.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List

STEPS = 4


def _task(messages: List[Dict[str, Any]]) -> str:
    return next((str(m.get("content")) for m in messages if m.get("role") == "user"), "")


def answer(body: Dict[str, Any], call_number: int) -> Dict[str, Any]:
    messages = body.get("messages", [])
    done = sum(1 for m in messages if m.get("role") == "tool")
    base = {
        "id": f"chatcmpl-step{done + 1}",
        "object": "chat.completion",
        "created": 1700000000 + done,
        "model": f"{body.get('model')}-2024-07-18",
        "system_fingerprint": "fp_test",
    }
    usage = {"prompt_tokens": 20 + 10 * len(messages), "completion_tokens": 12, "total_tokens": 32 + 10 * len(messages)}
    task = _task(messages)
    if done < STEPS:
        arguments = json.dumps({"name": f"note{done + 1}.txt", "text": f"step {done + 1} of {task}"})
        message = {
            "role": "assistant",
            "content": None,
            "refusal": None,
            "tool_calls": [{"id": f"call_{done + 1}", "type": "function", "function": {"name": "write_note", "arguments": arguments}}],
        }
        return {**base, "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": "tool_calls"}], "usage": usage}
    message = {"role": "assistant", "content": f"Wrote {done} notes about {task}.", "refusal": None}
    return {**base, "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": "stop"}], "usage": usage}


class AgentServer:
    def __init__(self) -> None:
        self.bodies: List[Dict[str, Any]] = []
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("content-length") or 0)) or b"{}")
                if not self.path.endswith("/chat/completions"):
                    self.send_response(404)
                    self.end_headers()
                    return
                with server.lock:
                    server.bodies.append(body)
                    number = len(server.bodies)
                data = json.dumps(answer(body, number)).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def reset(self) -> None:
        with self.lock:
            self.bodies.clear()

    @property
    def calls(self) -> int:
        with self.lock:
            return len(self.bodies)

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
