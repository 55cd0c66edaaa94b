"""A real SMTP server (smtp_sink.py on aiosmtpd) for test modules that check
the mail Saiets sends, and reading what it received with the standard
library's e-mail parser.

No test classes here: test modules import helpers, never each other."""

import email
import email.policy
import os
import re
import shutil
import subprocess
import tempfile
import time

from harness import _register, _unregister, free_port, python_with

HERE = os.path.dirname(os.path.abspath(__file__))
SINK = os.path.join(HERE, "smtp_sink.py")
MANAGE_LINK_RE = re.compile(r"/manage#(sr_\d+_[A-Za-z0-9_-]{43})")


class SmtpSink:
    """smtp_sink.py on a free loopback port, its messages in a temporary
    directory.  stop() and start() again keep the port: "the server is down
    for a while"."""

    def __init__(self, extra=()):
        self.dir = tempfile.mkdtemp(prefix="saiets-smtp-")
        self.port = free_port()
        self.proc = None
        self.extra = list(extra)  # smtp_sink.py's --tls / --auth

    def start(self):
        self.proc = subprocess.Popen([python_with("aiosmtpd"), SINK, str(self.port), self.dir]
                                     + self.extra,
                                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL)
        _register(self.proc)
        line = self.proc.stdout.readline()
        if line.strip() != b"ready":
            self.stop()
            raise AssertionError("the SMTP sink did not start")
        return self

    def stop(self):
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait(timeout=10)
            _unregister(self.proc)
            self.proc.stdout.close()
            self.proc = None

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def serve_args(self, *extra):
        """The `saiets serve` flags that send through this sink."""
        return ["--smtp-host", "127.0.0.1", "--smtp-port", str(self.port),
                "--smtp-tls", "none", "--mail-from", "noreply@saiets.test",
                "--mail-retry-seconds", "1"] + list(extra)

    def messages(self):
        """Every message received so far, oldest first, parsed."""
        out = []
        for f in sorted(os.listdir(self.dir)):
            if f.endswith(".eml"):
                with open(os.path.join(self.dir, f), "rb") as fh:
                    out.append(email.message_from_bytes(fh.read(), policy=email.policy.default))
        return out

    def raw(self):
        """The bytes of every message received so far, oldest first."""
        out = []
        for f in sorted(os.listdir(self.dir)):
            if f.endswith(".eml"):
                with open(os.path.join(self.dir, f), "rb") as fh:
                    out.append(fh.read())
        return out

    def wait_for(self, count, timeout=20.0):
        """The messages once there are at least count (AssertionError after
        timeout seconds)."""
        deadline = time.monotonic() + timeout
        while True:
            msgs = self.messages()
            if len(msgs) >= count or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        if len(msgs) < count:
            raise AssertionError("expected %d message(s), the SMTP server got %d: %r"
                                 % (count, len(msgs), [m["Subject"] for m in msgs]))
        return msgs


def to_addr(msg):
    return msg["To"].addresses[0].addr_spec


def text_of(msg):
    """The plain-text part."""
    return msg.get_body(preferencelist=("plain",)).get_content()


def html_of(msg):
    return msg.get_body(preferencelist=("html",)).get_content()


def attachments(msg):
    return {p.get_filename(): p.get_content() for p in msg.iter_attachments()}


def self_signed(directory):
    """A certificate for 127.0.0.1 (and its key), made with Debian's openssl:
    (cert path, key path)."""
    cert, key = os.path.join(directory, "cert.pem"), os.path.join(directory, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                    "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
    return cert, key
