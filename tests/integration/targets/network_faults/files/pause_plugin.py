"""A Docker authorization plugin that holds one chosen API request, so a test can kill dockerd there.

Why this and not a hook in the collection: the module under test stays exactly as users run it. Docker
asks an authorization plugin about every API request before it acts on it (a documented daemon
feature, daemon.json "authorization-plugins"), so holding the Nth request that matches a rule stops
the daemon just before that step of a recreate, and everything before it has really happened.

    python3 pause_plugin.py STATE_DIR     (serves /run/docker/plugins/fleetnet-pause.sock)

STATE_DIR/rule holds "METHOD URI-REGEX N TAG [deny]": the Nth matching request is held (TAG starts a
new count); with "deny" it is refused instead, as Docker refuses a request it cannot carry out. When it arrives the
plugin writes the request line to STATE_DIR/hit and keeps the request waiting until the rule file
is removed. Every other request is allowed at once. STATE_DIR/requests.log lists every request seen.
"""
import json
import os
import re
import socketserver
import sys
import time
from http.server import BaseHTTPRequestHandler

STATE = sys.argv[1]
SOCKET = '/run/docker/plugins/fleetnet-pause.sock'
COUNTS = {}


def rule():
    try:
        with open(os.path.join(STATE, 'rule')) as handle:
            fields = handle.read().split()
        method, pattern, nth, tag = fields[:4]
        return method, pattern, int(nth), tag, fields[4:] == ['deny']
    except (OSError, ValueError):
        return None


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def reply(self, body):
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header('Content-Type', 'application/vnd.docker.plugins.v1+json')
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        length = int(self.headers.get('Content-Length') or 0)
        request = json.loads(self.rfile.read(length) or b'{}')
        if self.path == '/Plugin.Activate':
            return self.reply({'Implements': ['authz']})
        if self.path == '/AuthZPlugin.AuthZReq':
            with open(os.path.join(STATE, 'requests.log'), 'a') as log:
                log.write('%s %s\n' % (request.get('RequestMethod'), request.get('RequestUri') or request.get('RequestURI')))
            if self.maybe_hold(request.get('RequestMethod', ''), request.get('RequestUri') or request.get('RequestURI') or ''):
                return self.reply({'Allow': False, 'Msg': 'refused by the network_faults test'})
        return self.reply({'Allow': True})

    def maybe_hold(self, method, uri):
        current = rule()
        """True when the request is to be refused; holds it while the rule stays when it is to be held."""
        if current is None or method != current[0] or not re.search(current[1], uri):
            return False
        key = ' '.join(map(str, current))
        COUNTS[key] = COUNTS.get(key, 0) + 1
        if COUNTS[key] != current[2]:
            return False
        with open(os.path.join(STATE, 'hit'), 'w') as handle:
            handle.write('%s %s\n' % (method, uri))
        if current[4]:
            return True
        while rule() == current:
            time.sleep(0.1)
        return False


class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True

    def get_request(self):
        # BaseHTTPRequestHandler wants a (host, port) client address; a Unix socket has none.
        request, _address = super().get_request()
        return request, ('local', 0)


def main():
    os.makedirs(os.path.dirname(SOCKET), exist_ok=True)
    if os.path.exists(SOCKET):
        os.unlink(SOCKET)
    with open(os.path.join(STATE, 'pid'), 'w') as handle:
        handle.write(str(os.getpid()))
    Server(SOCKET, Handler).serve_forever()


if __name__ == '__main__':
    main()
