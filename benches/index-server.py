#!/usr/bin/env python3
"""A loopback sparse-index server for benches/commands.sh.

Serves a directory (an unpacked index snapshot: config.json and ab/cd/name
files) on 127.0.0.1 with HTTP/1.1 keep-alive, Last-Modified and
If-Modified-Since (304 Not Modified), one thread per connection.

Python's `http.server` module would do, except for its listen backlog of 5
(a client opening dozens of connections at once has SYNs dropped and waits
seconds for retransmits) and Nagle's algorithm on keep-alive connections
(40 ms per request): either would measure the server, not the client.

    index-server.py DIR PORT_FILE

Binds an ephemeral port, writes it to PORT_FILE, logs one line per request
("GET /path STATUS") to stderr, and serves until killed.
"""

import functools
import http.server
import sys


class Handler(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes: with Nagle's algorithm a
    # keep-alive client waits for a delayed ACK (~40 ms) on every request.
    disable_nagle_algorithm = True

    def log_message(self, fmt, *args):
        pass

    def log_request(self, code="-", size="-"):
        sys.stderr.write(f"{self.command} {self.path} {int(code)}\n")


class Server(http.server.ThreadingHTTPServer):
    request_queue_size = 1024
    daemon_threads = True


def main():
    directory, port_file = sys.argv[1], sys.argv[2]
    handler = functools.partial(Handler, directory=directory)
    server = Server(("127.0.0.1", 0), handler)
    with open(port_file, "w") as f:
        f.write(str(server.server_address[1]))
    server.serve_forever()


if __name__ == "__main__":
    main()
