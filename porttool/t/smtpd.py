#!/usr/bin/python3
# A real SMTP server for porttool's mail tests, on 127.0.0.1 only.
#
# It records every message it accepts as DIR/NNNN.eml (the data, LF line
# ends) and DIR/NNNN.env (MAIL FROM and each RCPT TO), numbering on from
# the files already there, so a restarted server continues the count.
# It can be told to misbehave the ways a real server does:
#   --refuse-connections   bind the port but never listen (ECONNREFUSED)
#   --refuse-rcpt ADDR     answer 550 to RCPT TO:<ADDR> (repeatable)
#   --auth USER:PASS       require AUTH with these credentials
#   --fail-after K         answer 451 to DATA after K accepted messages
#   --starttls CERT KEY    require STARTTLS, with this certificate
#   --smtps CERT KEY       TLS from the first byte (SMTPS, port 465 style)
# It writes its port to --port-file once it accepts connections, and
# exits by itself after --timeout seconds, so no test leaves it behind.
import argparse
import os
import signal
import socket
import ssl
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Recorder:
    def __init__(self, directory, refuse, fail_after):
        self.dir = directory
        self.refuse = {a.lower() for a in refuse}
        self.fail_after = fail_after
        self.accepted = 0
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, options):
        if address.lower() in self.refuse:
            return "550 5.1.1 <%s>: Recipient address rejected" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    def next_number(self):
        names = [n for n in os.listdir(self.dir) if n.endswith(".eml")]
        return len(names) + 1

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.fail_after is not None and self.accepted >= self.fail_after:
                return "451 4.3.0 Temporary failure, try again later"
            n = self.next_number()
            data = envelope.original_content or envelope.content
            if isinstance(data, str):
                data = data.encode()
            data = data.replace(b"\r\n", b"\n")
            base = os.path.join(self.dir, "%04d" % n)
            with open(base + ".env", "w") as f:
                f.write("MAIL FROM: %s\n" % envelope.mail_from)
                for r in envelope.rcpt_tos:
                    f.write("RCPT TO: %s\n" % r)
            # The .eml appears last and whole: tests count .eml files.
            with open(base + ".tmp", "wb") as f:
                f.write(data)
            os.rename(base + ".tmp", base + ".eml")
            self.accepted += 1
        return "250 2.0.0 Message accepted for delivery"


def make_authenticator(user, password):
    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword)
              and auth_data.login == user.encode()
              and auth_data.password == password.encode())
        # handled=False: aiosmtpd itself answers 535 to a failure.
        return AuthResult(success=ok, handled=False)
    return authenticate


def write_port(path, port):
    with open(path + ".tmp", "w") as f:
        f.write("%d\n" % port)
    os.rename(path + ".tmp", path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--refuse-connections", action="store_true")
    ap.add_argument("--refuse-rcpt", action="append", default=[])
    ap.add_argument("--auth")
    ap.add_argument("--fail-after", type=int)
    ap.add_argument("--starttls", nargs=2, metavar=("CERT", "KEY"))
    ap.add_argument("--smtps", nargs=2, metavar=("CERT", "KEY"))
    a = ap.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())

    if a.refuse_connections:
        # Bound but not listening: a connect() is refused, as by a host
        # where nothing serves SMTP.
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind(("127.0.0.1", 0))
        write_port(a.port_file, s.getsockname()[1])
        done.wait(a.timeout)
        s.close()
        return 0

    kwargs = {}
    if a.auth:
        user, _, password = a.auth.partition(":")
        kwargs.update(auth_required=True, auth_require_tls=bool(a.starttls),
                      authenticator=make_authenticator(user, password))
    if a.starttls:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(a.starttls[0], a.starttls[1])
        kwargs.update(require_starttls=True, tls_context=ctx)
    ctl_kwargs = {}
    if a.smtps:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(a.smtps[0], a.smtps[1])
        ctl_kwargs["ssl_context"] = ctx
    handler = Recorder(a.dir, a.refuse_rcpt, a.fail_after)
    port = free_port()
    ctl = Controller(handler, hostname="127.0.0.1", port=port, **ctl_kwargs,
                     **kwargs)
    ctl.start()
    write_port(a.port_file, port)
    done.wait(a.timeout)
    ctl.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
