#!/usr/bin/env python3
"""A real SMTP server for the mail tests (aiosmtpd, Debian python3-aiosmtpd).

    smtp_sink.py PORT DIR [--tls CERT KEY] [--auth USER PASSWORD]

Listens on 127.0.0.1:PORT, prints "ready" once it accepts connections, and
writes each message it accepts to DIR/NNNNN.eml (written under another name
first, then renamed, so a reader never sees half a message).  A recipient
whose address contains "refuse" is refused for good (550), as a real server
refuses an unknown mailbox.  With --tls it offers STARTTLS with that
certificate and requires it; with --auth it requires AUTH (PLAIN or LOGIN,
over TLS only) with that user and password.  Runs until killed."""

import os
import ssl
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Handler:
    def __init__(self, out):
        self.out = out
        self.lock = threading.Lock()
        self.n = len([f for f in os.listdir(out) if f.endswith(".eml")])

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if "refuse" in address:
            return "550 5.1.1 <%s>: no such mailbox here" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            name = os.path.join(self.out, "%05d.eml" % self.n)
            self.n += 1
        tmp = name + ".part"
        with open(tmp, "wb") as f:
            f.write(b"X-Sink-Rcpt: " + ",".join(envelope.rcpt_tos).encode() + b"\r\n")
            f.write(envelope.original_content or envelope.content)
        os.rename(tmp, name)
        return "250 Message accepted for delivery"


def main():
    port, out = int(sys.argv[1]), sys.argv[2]
    args, kw = sys.argv[3:], {}
    while args:
        if args[0] == "--tls":
            ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ctx.load_cert_chain(args[1], args[2])
            kw.update(tls_context=ctx, require_starttls=True)
            args = args[3:]
        elif args[0] == "--auth":
            user, password = args[1].encode(), args[2].encode()

            def authenticator(server, session, envelope, mechanism, auth_data):
                ok = (isinstance(auth_data, LoginPassword) and auth_data.login == user
                      and auth_data.password == password)
                return AuthResult(success=ok)
            kw.update(authenticator=authenticator, auth_required=True, auth_require_tls=True)
            args = args[3:]
        else:
            sys.exit("smtp_sink.py: unknown argument %r" % args[0])
    controller = Controller(Handler(out), hostname="127.0.0.1", port=port, **kw)
    controller.start()
    print("ready", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
