"""An S3 server on loopback for the remote-cache tests: moto's, and a proxy in front of it that misbehaves.

`S3` runs moto's server mode on a free port of 127.0.0.1 (no Docker, no network) and
gives each test its own bucket, with the variables a build reads (``AWS_ENDPOINT_URL``,
``AWS_ALLOW_HTTP``, any key id and secret). `Faulty` is a small HTTP server that
forwards to it, or fails as a remote can: every request a 500, no answer at all, or a
file's download cut short after half its bytes (the record itself comes through).
"""

from __future__ import annotations

import http.client
import http.server
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass

from moto.server import ThreadedMotoServer

REGION = "us-east-1"


@dataclass
class S3:
    """A running moto server."""

    server: ThreadedMotoServer
    port: int

    @classmethod
    def start(cls) -> S3:
        import logging

        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request otherwise
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        return cls(server, server._server.server_port)  # port 0: the port the OS chose

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def environment(self, endpoint: str | None = None) -> dict[str, str]:
        return {
            "AWS_ENDPOINT_URL": endpoint or self.endpoint,
            "AWS_ALLOW_HTTP": "true",
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_REGION": REGION,
            "AWS_DEFAULT_REGION": REGION,
        }

    def client(self):
        import boto3

        env = self.environment()
        return boto3.client(
            "s3", endpoint_url=self.endpoint, region_name=REGION,
            aws_access_key_id=env["AWS_ACCESS_KEY_ID"], aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
        )  # fmt: skip

    def bucket(self) -> str:
        name = f"figures-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=name)
        return name

    def objects(self, bucket: str) -> dict[str, bytes]:
        """Every object of `bucket`, by key."""
        client = self.client()
        listed = client.list_objects_v2(Bucket=bucket).get("Contents", [])
        return {o["Key"]: client.get_object(Bucket=bucket, Key=o["Key"])["Body"].read() for o in listed}

    def put(self, bucket: str, key: str, data: bytes) -> None:
        self.client().put_object(Bucket=bucket, Key=key, Body=data)

    def stop(self) -> None:
        self.server.stop()


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _FaultyServer

    def log_message(self, *args) -> None:  # quiet
        pass

    def _any(self) -> None:
        mode = self.server.mode
        self.server.requests += 1
        if mode == "500" or (self.server.failing and self.server.failing in self.path):
            self.send_response(500)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if mode == "hang":
            time.sleep(self.server.hang)
            self.close_connection = True
            return
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        upstream = http.client.HTTPConnection("127.0.0.1", self.server.upstream, timeout=10)
        upstream.request(self.command, self.path, body=body, headers=dict(self.headers))
        answer = upstream.getresponse()
        data = answer.read()
        cut = mode in ("cut", "stall") and self.command == "GET" and "/files/" in self.path and len(data) > 1
        self.send_response(answer.status)
        for name, value in answer.getheaders():
            if name.lower() not in ("transfer-encoding", "connection", "content-length"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if cut:
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            if mode == "stall":  # half the file, then nothing: a process killed meanwhile
                time.sleep(self.server.hang)
            self.close_connection = True
            return
        self.wfile.write(data)

    do_GET = do_PUT = do_HEAD = do_POST = do_DELETE = _any  # noqa: N815 (http.server's names)


class _FaultyServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    mode = "forward"
    upstream = 0
    hang = 30.0
    requests = 0
    failing = ""  # in forward mode, answer 500 for paths holding this


@contextmanager
def faulty(s3: S3, mode: str, hang: float = 30.0, failing: str = ""):
    """A server on loopback in front of `s3` that fails in `mode`: forward, 500, hang, cut, stall; its URL.

    `failing`: forward, but answer 500 for every path that holds it (a server that fails mid-build).
    """
    server = _FaultyServer(("127.0.0.1", 0), _Handler)
    server.mode, server.upstream, server.hang, server.failing = mode, s3.port, hang, failing
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def closed_port() -> int:
    """A port of 127.0.0.1 where nothing listens (connections are refused)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
