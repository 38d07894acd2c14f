#!/usr/bin/env python3
"""http_stub.py — a local HTTP server for the notify and lambda tests.

  http_stub.py webhook LOG PORTFILE      a webhook receiver: every request is appended to LOG as
      a JSON line {"path", "status", "body"}. Paths: /ok answers 200; /fail-once answers 500 to
      the first request and 200 after; /hang reads the request and never answers.
  http_stub.py runtime LOG PORTFILE EVENTS...   the Lambda Runtime API: GET
      /2018-06-01/runtime/invocation/next hands out each EVENTS file in turn (request ids
      req-1, req-2, …; after the last one it waits), and every POST (…/response, …/error,
      /init/error) is appended to LOG as {"path", "error_type", "body"}.

The port it listens on (chosen by the system) is written to PORTFILE once it is ready.
"""
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

mode, log_path, port_path = sys.argv[1:4]
events = sys.argv[4:]
lock = threading.Lock()
state = {"fail_once": True, "next": 0}


def record(entry):
    with lock:
        with open(log_path, "a") as f:
            f.write(json.dumps(entry) + "\n")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body=b"", headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n).decode()

    def do_GET(self):
        if mode == "runtime" and self.path == "/2018-06-01/runtime/invocation/next":
            with lock:
                i = state["next"]
                state["next"] += 1
            if i >= len(events):
                time.sleep(3600)
                return
            data = open(events[i], "rb").read()
            self.reply(200, data, [("Lambda-Runtime-Aws-Request-Id", "req-%d" % (i + 1)),
                                   ("Lambda-Runtime-Trace-Id", "Root=1-trace-%d" % (i + 1)),
                                   ("Lambda-Runtime-Deadline-Ms", "4102444800000"),
                                   ("Content-Type", "application/json")])
            return
        self.reply(404)

    def do_POST(self):
        body = self.body()
        if mode == "runtime":
            record({"path": self.path, "error_type": self.headers.get("Lambda-Runtime-Function-Error-Type"),
                    "body": body})
            self.reply(202, b'{"status":"OK"}')
            return
        if self.path == "/hang":
            record({"path": self.path, "status": None, "body": body})
            time.sleep(3600)
            return
        status = 200
        if self.path == "/fail-once":
            with lock:
                if state["fail_once"]:
                    state["fail_once"] = False
                    status = 500
        elif self.path != "/ok":
            status = 404
        record({"path": self.path, "status": status, "body": body})
        self.reply(status, b"ok")


ThreadingHTTPServer.daemon_threads = True
server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(port_path + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
import os
os.rename(port_path + ".tmp", port_path)
server.serve_forever()
