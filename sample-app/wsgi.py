"""webtier's sample WSGI application: answers with the name of the host that served the request."""
import os
import socket

HOST = socket.gethostname()


def application(environ, start_response):
    body = f"hello from {HOST} (pid {os.getpid()})\n".encode()
    start_response("200 OK", [
        ("Content-Type", "text/plain; charset=utf-8"),
        ("Content-Length", str(len(body))),
        ("X-Served-By", HOST),
    ])
    return [body]
