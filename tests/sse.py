"""tests/sse.py: the integration tests' client of the API in Python
(it_pg_nodes, it_pg_sites): a staff or device POST, and a board's event
stream. Import it with sys.path.insert(0, "tests")."""
import json
import socket
import threading
import time
import urllib.request
import uuid


def post(url, token, body):
    """POST body as JSON with a fresh Idempotency-Key; the answer's JSON."""
    r = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
        headers={"Authorization": "Bearer " + token, "Content-Type": "application/json",
                 "Idempotency-Key": uuid.uuid4().hex})
    with urllib.request.urlopen(r, timeout=10) as f:
        return json.load(f)


class Board:
    """GET /api/v1/events on a server, as a board: `heard` lists
    (monotonic time, number) for each `call` event. Returns once the stream
    is open (its first line, "retry:", came): every call committed after
    that is on it."""

    def __init__(self, url, timeout=10):
        host, port = url.split("//")[1].split(":")
        self.heard = []
        self.lock = threading.Lock()
        self.sock = socket.create_connection((host, int(port)), timeout=30)
        self.sock.sendall(b"GET /api/v1/events HTTP/1.1\r\nHost: x\r\n"
                          b"Accept: text/event-stream\r\n\r\n")
        self.buf = b""
        deadline = time.monotonic() + timeout
        while b"retry:" not in self.buf:
            if time.monotonic() > deadline:
                raise RuntimeError("the event stream did not open")
            chunk = self.sock.recv(4096)
            if not chunk:
                raise RuntimeError("the event stream closed")
            self.buf += chunk
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        kind = None
        while True:
            while b"\n" in self.buf:
                line, self.buf = self.buf.split(b"\n", 1)
                line = line.decode(errors="replace").strip()
                if line.startswith("event: "):
                    kind = line[7:]
                elif line.startswith("data: ") and kind == "call":
                    with self.lock:
                        self.heard.append((time.monotonic(), json.loads(line[6:])["number"]))
            chunk = self.sock.recv(4096)
            if not chunk:
                return
            self.buf += chunk

    def numbers(self):
        with self.lock:
            return [n for _, n in self.heard]
