"""Local websites with real contact forms, standing in for the leads' company sites: /<domain>/contact."""

import html
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

FORM = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Contact {company}</title></head>
<body><h1>Contact {company}</h1>
<form method="post" action="/{domain}/contact">
  <label for="name">Your name</label> <input id="name" name="name" required>
  <label for="email">Email</label> <input id="email" type="email" name="email" required>
  <label for="company">Company</label> <input id="company" name="company">
  <label for="message">Message</label> <textarea id="message" name="message" required></textarea>
  <button type="submit">Send</button>
</form></body></html>"""
THANKS = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Thank you</title></head>
<body><h1>Thank you for your message!</h1><p>We will get back to you shortly.</p></body></html>"""


@dataclass
class DemoSites:
    submissions: list[tuple[str, dict[str, list[str]]]] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None

    def start(self) -> str:
        sites = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: object) -> None:
                return None

            def do_GET(self) -> None:
                domain = self.path.strip("/").split("/")[0]
                self._reply(FORM.format(company=html.escape(domain), domain=html.escape(domain)))

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                fields = parse_qs(self.rfile.read(length).decode(), keep_blank_values=True)
                sites.submissions.append((self.path.strip("/").split("/")[0], fields))
                self._reply(THANKS)

            def _reply(self, page: str) -> None:
                body = page.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, name="demo-sites", daemon=True).start()
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
