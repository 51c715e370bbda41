"""An I/O-bound WSGI app for `webtier bench`: every request waits 10 ms, as on a database or a
remote API, without using the CPU. A uWSGI host can then serve at most workers × threads / 10 ms."""
import time

DELAY_SECONDS = 0.010
BODY = b"waited 10 ms\n"


def application(environ, start_response):
    time.sleep(DELAY_SECONDS)
    start_response("200 OK", [
        ("Content-Type", "text/plain; charset=utf-8"),
        ("Content-Length", str(len(BODY))),
    ])
    return [BODY]
