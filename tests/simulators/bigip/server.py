"""BIG-IP 14.1.2.1 iControl REST simulator: HTTPS server process.

    python tests/simulators/bigip/server.py --name primary --host 127.0.0.1 --port 0 \
        --cert C --key K --state-file F [--seed FILE] [--user admin] [--latency-ms N]
        [--exit-with-parent]

The user's password comes from the environment variable BIGIP_SIM_PASSWORD (never from the
command line, where ``ps`` would show it); "admin" when it is unset.

Prints exactly one line ``{"ready": true, "port": N}`` on stdout once listening and serves until
SIGTERM/SIGINT. ``/mgmt/...`` is the device API; ``/sim/admin/...`` are test hooks (basic auth
with an admin user of this device).
"""
from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import signal
import socket
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
for entry in (HERE, REPO_ROOT):
    if entry not in sys.path:
        sys.path.insert(0, entry)

from admin import ADMIN_PREFIX, Controls, handle_admin  # noqa: E402
from auth import User  # noqa: E402
from device import COORDINATION_HEADER, Device, parse_json  # noqa: E402
from engine import ApiError, FrameworkError, Query  # noqa: E402

CONTENT_TYPE = "application/json;charset=utf-8"
PASSWORD_ENV = "BIGIP_SIM_PASSWORD"
MASK = "********"
SECRET_KEYS = ("password", "passphrase", "secret")
OPERATION_IDS = itertools.count(1000)


def _logged_body(raw: bytes):
    """The request body as the request log keeps it: parsed JSON, the raw text if it is not JSON, None if empty."""
    if not raw:
        return None
    try:
        return _masked(json.loads(raw))
    except ValueError:
        return raw.decode("utf-8", "replace")


def _masked(value):
    """Secrets (login passwords, passphrases) are never kept in the request log."""
    if isinstance(value, dict):
        return {k: MASK if any(s in k.lower() for s in SECRET_KEYS) and isinstance(v, str) else _masked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(v) for v in value]
    return value


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "Apache"
    sys_version = ""

    def log_message(self, format, *args):  # noqa: A002  pylint: disable=redefined-builtin
        """Access logging goes to the simulator's own request log, not to stderr."""

    def log_error(self, format, *args):  # noqa: A002  pylint: disable=redefined-builtin
        sys.stderr.write(f"{self.server.device.name}: {format % args}\n")

    def do_GET(self):
        self.dispatch("GET")

    def do_POST(self):
        self.dispatch("POST")

    def do_PUT(self):
        self.dispatch("PUT")

    def do_PATCH(self):
        self.dispatch("PATCH")

    def do_DELETE(self):
        self.dispatch("DELETE")

    def dispatch(self, method: str) -> None:
        split = urlsplit(self.path)
        path, query = split.path, split.query
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        controls: Controls = self.server.controls
        if path.startswith(ADMIN_PREFIX):
            status, body = self.admin(method, path, query, raw)
            self.reply(status, body)
            return
        # Logged when the answer is ready, before it is sent: a client that has its reply sees its request in the log.
        self.pending_log = (method, path, query, _logged_body(raw), self.headers.get(COORDINATION_HEADER))
        status = self.mgmt(method, path, query, raw, controls)
        if status is not None and self.pending_log is not None:  # a dropped connection: no reply was sent
            self.log_request_now(status)

    def log_request_now(self, status: int) -> None:
        method, path, query, body, transaction = self.pending_log
        self.pending_log = None
        self.server.controls.record(method, path, query, status, body, transaction)

    def admin(self, method, path, query, raw) -> tuple[int, dict]:
        device: Device = self.server.device
        try:
            with device.lock:
                user = device.auth.authenticate(self.headers, path, self.client_address[0])
            if not user.admin:
                raise FrameworkError(401, f"User {user.name} may not use the simulator admin API.")
            return handle_admin(device, self.server.controls, method, path, query, parse_json(raw) if raw else {})
        except ApiError as exc:
            return exc.status, exc.body()
        except FrameworkError as exc:
            return exc.status, self.framework_body(exc)

    def mgmt(self, method, path, query, raw, controls: Controls) -> int | None:
        if controls.latency_ms:
            time.sleep(controls.latency_ms / 1000.0)
        spec = controls.take_fault(("expire_tokens", "race", "drop", "drop_after", "restarting", "bad_gateway", "unauthorized", "delay")
                                   + (("mcpd",) if path.startswith("/mgmt/tm") else ()), method, path)
        fault = spec["kind"] if spec else None
        if fault == "expire_tokens":
            with self.server.device.lock:
                self.server.device.auth.expire_all()
        if fault == "race":  # another client's write lands just before this request
            other = spec["apply"]
            with contextlib.suppress(ApiError, FrameworkError):
                self.server.device.handle_tm(other["method"], other["path"], Query([]), other.get("body"))
        if fault == "bad_gateway":
            return self.reply(502, None, raw_text=b"<html><head><title>502 Bad Gateway</title></head></html>")
        if fault == "unauthorized":
            return self.reply(401, {"code": 401, "message": "Authorization failed: no user authentication header or token "
                                                            "detected. Uri:http://localhost:8100" + path, "referer": self.client_address[0],
                                    "restOperationId": next(OPERATION_IDS), "kind": ":resterrorresponse"})
        if fault in ("drop_after", "delay"):
            status, body = self.apply(method, path, query, raw)
            if fault == "delay":
                time.sleep(spec.get("ms", 0) / 1000.0)
                return self.reply(status, body)
            self.log_request_now(status)  # applied: the device's log has it, the client never gets the answer
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return 0
        if fault == "drop":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return 0
        if fault == "restarting":
            return self.reply(503, {"code": 503, "message": "The REST framework (restjavad) is restarting; "
                                                            "Service Unavailable, try again later.",
                                    "referer": self.client_address[0], "restOperationId": next(OPERATION_IDS),
                                    "kind": ":resterrorresponse"})
        if fault == "mcpd":
            return self.reply(500, ApiError(500, "The connection to mcpd has been lost, try again.", 32768001).body())
        return self.reply(*self.apply(method, path, query, raw))

    def apply(self, method, path, query, raw) -> tuple[int, dict | None]:
        try:
            status, body = self.server.device.handle_mgmt(method, path, parse_qsl(query, keep_blank_values=True),
                                                          raw, self.headers, self.client_address[0])
        except ApiError as exc:
            status, body = exc.status, exc.body()
        except FrameworkError as exc:
            status, body = exc.status, self.framework_body(exc)
        except Exception as exc:  # pylint: disable=broad-except  # a simulator bug must still answer
            self.log_error("internal error on %s %s: %r", method, path, exc)
            status, body = 500, ApiError(500, f"simulator internal error: {exc!r}", 1).body()
        return status, body

    def framework_body(self, exc: FrameworkError) -> dict:
        return {"code": exc.status, "message": exc.message, "referer": self.client_address[0],
                "restOperationId": next(OPERATION_IDS), "kind": ":resterrorresponse"}

    pending_log = None

    def reply(self, status: int, body: dict | None, raw_text: bytes | None = None) -> int:
        if self.pending_log is not None:
            self.log_request_now(status)
        data = raw_text if raw_text is not None else json.dumps(body, separators=(",", ":")).encode("utf-8") if body is not None else b""
        self.send_response(status)
        self.send_header("Content-Type", "text/html" if raw_text is not None else CONTENT_TYPE)
        self.send_header("Content-Length", str(len(data)))
        if status == 401:
            self.send_header("WWW-Authenticate", 'Basic realm="Enterprise Manager"')
        self.end_headers()
        self.wfile.write(data)
        return status


class SimServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, address, device: Device, controls: Controls, context: ssl.SSLContext):
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        super().__init__(address, Handler)
        self.device = device
        self.controls = controls
        self.context = context

    def get_request(self):
        conn, addr = super().get_request()
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return self.context.wrap_socket(conn, server_side=True, do_handshake_on_connect=False), addr

    def handle_error(self, request, client_address):
        """Clients that drop the connection (or fail TLS) are not an error of the simulator."""


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--name", required=True)
    parser.add_argument("--host", default="127.0.0.1", choices=("127.0.0.1", "::1", "localhost"))
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--state-file", required=True)
    parser.add_argument("--seed", help="JSON list of {path, body} POSTs applied on top of factory state")
    parser.add_argument("--user", default="admin")
    parser.add_argument("--latency-ms", type=int, default=0)
    parser.add_argument("--exit-with-parent", action="store_true",
                        help="stop when the parent process dies (test harness; not for `make sims`)")
    return parser.parse_args(argv)


def watch_parent(stop: threading.Event) -> None:
    parent = os.getppid()
    while not stop.wait(1.0):
        if os.getppid() != parent:
            stop.set()


def main(argv=None) -> int:
    args = parse_args(argv)
    seed = None
    if args.seed:
        with open(args.seed, encoding="utf-8") as handle:
            seed = json.load(handle)
    try:
        device = Device(args.name, [User(args.user, os.environ.get(PASSWORD_ENV) or "admin", True)], args.state_file, seed)
    except (ApiError, FrameworkError) as exc:
        sys.stderr.write(f"{args.name}: the seed {args.seed} was refused: {exc.message}\n")
        return 2
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(args.cert, args.key)
    host = "127.0.0.1" if args.host == "localhost" else args.host
    server = SimServer((host, args.port), device, Controls(args.latency_ms), context)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    worker = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    worker.start()
    if args.exit_with_parent:
        threading.Thread(target=watch_parent, args=(stop,), daemon=True).start()
    print(json.dumps({"ready": True, "port": server.server_address[1]}), flush=True)
    while not stop.wait(0.5):
        pass
    server.shutdown()
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
