"""The small HTTP/1.1 client: framing variants, keep-alive, reconnects, Retry-After."""

import email.utils
import socket
import threading
import time

from runtime_hub.transport._sender import Sender, parse_retry_after


class ScriptedServer:
    """Answers each request with the next scripted raw response; `None` closes the connection."""

    def __init__(self, responses):
        self.responses = list(responses)
        self.requests = []
        self.connections = 0
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while self.responses:
            conn, _ = self.sock.accept()
            self.connections += 1
            with conn:
                while self.responses:
                    data = b""
                    while b"\r\n\r\n" not in data:
                        chunk = conn.recv(65536)
                        if not chunk:
                            break
                        data += chunk
                    if not data:
                        break
                    head, _, body = data.partition(b"\r\n\r\n")
                    length = int([l for l in head.split(b"\r\n") if l.lower().startswith(b"content-length")][0].split(b":")[1])
                    while len(body) < length:
                        body += conn.recv(65536)
                    self.requests.append((head, body))
                    response = self.responses.pop(0)
                    if response is None:
                        break
                    conn.sendall(response)
                    if b"Connection: close" in response:
                        break


def sender(server, **options):
    return Sender(server.url, options.get("token"), 2.0, options.get("compression", "none"))


def test_content_length_and_keep_alive():
    ok = b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{"ok":true}'
    server = ScriptedServer([ok, ok])
    client = sender(server, token="t")
    assert client.post("/a", b"{}").body == {"ok": True}
    assert client.post("/b", b"{}").ok
    assert server.connections == 1
    head = server.requests[0][0].decode()
    assert head.startswith("POST /a HTTP/1.1") and "Authorization: Bearer t" in head and "Host: 127.0.0.1:" in head


def test_chunked_and_close_delimited_bodies():
    chunked = b'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{"ok"\r\n6\r\n:true}\r\n0\r\n\r\n'
    close_delimited = b'HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n{"ok":1}'
    server = ScriptedServer([chunked, close_delimited])
    client = sender(server)
    assert client.post("/a", b"{}").body == {"ok": True}
    assert client.post("/b", b"{}").body == {"ok": 1}


def test_reconnects_when_an_idle_connection_was_closed():
    ok = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"
    server = ScriptedServer([ok, None, ok])
    client = sender(server)
    assert client.post("/a", b"{}").ok
    assert client.post("/b", b"{}").ok  # the server dropped the kept-alive socket: one fresh try
    assert server.connections == 2


def test_unreachable_and_errors():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    answer = Sender(f"http://127.0.0.1:{port}", None, 1.0, "none").post("/a", b"{}")
    assert answer.status == 0 and answer.retry and "Connection" in answer.error
    busy = b'HTTP/1.1 503 Busy\r\nRetry-After: 7\r\nContent-Length: 43\r\n\r\n{"error":{"code":"BUSY","message":"busy!"}}'
    answer = sender(ScriptedServer([busy])).post("/a", b"{}")
    assert answer.retry and answer.retry_after == 7 and answer.error == "HTTP 503: busy!"
    bad = b"HTTP/1.1 400 Bad\r\nContent-Length: 0\r\n\r\n"
    answer = sender(ScriptedServer([bad])).post("/a", b"{}")
    assert not answer.retry and answer.status == 400


def test_gzip_only_for_bodies_worth_it():
    import gzip

    ok = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"
    server = ScriptedServer([ok, ok])
    client = sender(server, compression="gzip")
    client.post("/small", b"{}")
    client.post("/big", b"[" + b"1," * 2000 + b"1]")
    (small_head, small_body), (big_head, big_body) = server.requests
    assert b"gzip" not in small_head and small_body == b"{}"
    assert b"Content-Encoding: gzip" in big_head and gzip.decompress(big_body).startswith(b"[1,1")


def test_retry_after_forms():
    assert parse_retry_after("2.5") == 2.5
    assert parse_retry_after("9999") == 60.0
    assert parse_retry_after("-3") == 0.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None
    future = email.utils.formatdate(time.time() + 30, usegmt=True)
    assert 25 < parse_retry_after(future) <= 30


def test_auto_compression_skips_loopback():
    assert Sender("http://127.0.0.1:1", None, 1, "auto")._gzip is False
    assert Sender("http://localhost:1", None, 1, "auto")._gzip is False
    assert Sender("http://[::1]:1", None, 1, "auto")._gzip is False
    assert Sender("http://hub.internal:8765", None, 1, "auto")._gzip is True
    assert Sender("http://10.0.0.5:8765", None, 1, "auto")._gzip is True
    assert Sender("http://127.0.0.1:1", None, 1, "gzip")._gzip is True
    assert Sender("http://hub.internal:1", None, 1, "none")._gzip is False
