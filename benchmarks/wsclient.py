"""A browser session as Streamlit's protocol sees it, without a browser: the page's first HTTP
request (which gets the load balancer's cookie), then the websocket over which every rerun is
asked for and answered; after a dropped connection the session is resumed by its id, as the
browser resumes it. Used by the soak and scale-out benchmarks and the scale-out test."""
from __future__ import annotations

import asyncio
import http.client
import time
import urllib.parse
import urllib.request
import uuid
from http.cookies import SimpleCookie
from typing import Optional

EARLY_FOR_RERUN = 2
"""``ForwardMsg.script_finished`` of a run that ended early because a rerun was asked for
(``FINISHED_EARLY_FOR_RERUN``): the run that follows is the answer."""
STEP_FORWARD = "step_forward"
"""The step page's Step button (its widget key)."""


def get_cookies(url: str, cookies: Optional[dict] = None, timeout: float = 30) -> dict:
    """GET ``url`` (sending ``cookies``); the cookies it sets, added to them."""
    req = urllib.request.Request(url)
    jar = dict(cookies or {})
    if jar:
        req.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in jar.items()))
    with urllib.request.urlopen(req, timeout=timeout) as r:
        r.read()
        for header in r.headers.get_all("Set-Cookie") or []:
            c = SimpleCookie()
            c.load(header)
            jar.update({k: m.value for k, m in c.items()})
    return jar


def put_file(url: str, name: str, cookies: dict, *, data: Optional[bytes] = None, size: int = 0,
             timeout: float = 120) -> int:
    """PUT a file to Streamlit's upload address, as the browser does (multipart, with the XSRF
    token): ``data``, or ``size`` bytes made as they are sent (the client holds 1 MiB); the
    HTTP status."""
    if data is not None:
        size = len(data)
    u = urllib.parse.urlsplit(url)
    boundary = uuid.uuid4().hex
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
            f"Content-Type: application/octet-stream\r\n\r\n").encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=timeout)
    try:
        conn.putrequest("PUT", u.path)
        conn.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
        conn.putheader("Content-Length", str(len(head) + size + len(tail)))
        conn.putheader("Cookie", "; ".join(f"{k}={v}" for k, v in cookies.items()))
        conn.putheader("X-Xsrftoken", cookies.get("_streamlit_xsrf", ""))
        conn.endheaders()
        chunk = b"#" * (1 << 20)
        try:
            conn.send(head)
            if data is not None:
                conn.send(data)
            else:
                left = size
                while left > 0:
                    conn.send(chunk[: min(left, len(chunk))])
                    left -= len(chunk)
            conn.send(tail)
        except (BrokenPipeError, ConnectionResetError):
            pass  # refused while it streamed in: the answer says why
        try:
            return conn.getresponse().status
        except (ConnectionResetError, http.client.RemoteDisconnected):
            return 0  # closed without an answer
    finally:
        conn.close()


class Run:
    """What one rerun sent back."""

    def __init__(self, ms: float, elements: list, query: Optional[str], session_id: Optional[str], page: str):
        self.ms, self.elements, self.query, self.session_id, self.page = ms, elements, query, session_id, page

    def param(self, name: str) -> Optional[str]:
        """A parameter of the address the page shows after the run (the one it wrote, else the one
        the request sent)."""
        if self.query is None:
            return None
        return urllib.parse.parse_qs(self.query).get(name, [None])[0]

    def button(self, key: str):
        return next((e.button for e in self.elements if e.WhichOneof("type") == "button"
                     and e.button.id.endswith("-" + key)), None)


class Session:
    """One simulated browser tab (``async with Session(base) as s: await s.open(...)``)."""

    def __init__(self, base: str, *, timeout: float = 120, quiet: float = 0.05):
        self.base = base.rstrip("/")
        self.timeout = timeout
        self.quiet = quiet
        self.cookies: dict = {}
        self.ws = None
        self.session_id: Optional[str] = None
        self.widgets: dict[str, str] = {}
        """Widget key → proto id, of every button seen (a later run may send an unchanged element
        as a reference to the copy the browser has, not again)."""
        self.fragments: dict[str, str] = {}
        """Element proto id → the id of the fragment that drew it ("" for the page's own run)."""
        self.page_load = uuid.uuid4().hex[:14]
        self.presses = 0
        self.query = ""
        self.page_hash = ""
        """The address's query as the page last wrote it (the browser sends it with every rerun)."""

    @property
    def replica(self) -> Optional[str]:
        """The load balancer's cookie: which replica holds this session."""
        return self.cookies.get("ESXI_REPLICA")

    async def connect(self) -> None:
        import websockets
        if not self.cookies:
            # the page (the load balancer's cookie), then the health check the page makes (the
            # replica's XSRF cookie, which uploads must echo)
            self.cookies = await asyncio.to_thread(get_cookies, self.base + "/", None)
            self.cookies = await asyncio.to_thread(get_cookies, self.base + "/_stcore/health", self.cookies)
        url = self.base.replace("http", "ws", 1) + "/_stcore/stream"
        protocols = ["streamlit", "xsrf"] + ([self.session_id] if self.session_id else [])
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        self.ws = await websockets.connect(url, subprotocols=protocols, additional_headers=headers, max_size=None,
                                           open_timeout=self.timeout)

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
            self.ws = None

    async def reconnect(self) -> None:
        """Drop the websocket and resume the session over a new one (the load balancer must send
        it to the replica that holds it; another would start a new session)."""
        await self.close()
        await self.connect()

    async def rerun(self, page: str, query: str = "", widgets: tuple = (), fragment: str = "") -> Run:
        """Ask for a rerun of ``page`` (of its fragment ``fragment`` only, where given) with the
        address ``query`` and widget values (``(proto id, field, value)``), and wait for it to
        finish."""
        from streamlit.proto import BackMsg_pb2, ForwardMsg_pb2
        msg = BackMsg_pb2.BackMsg()
        rs = msg.rerun_script
        query = query or self.query  # the browser sends the address it shows
        self.query = query
        rs.query_string, rs.page_name = query, page  # the page by its name (the app's navigation maps it)
        rs.fragment_id = fragment
        if fragment:
            rs.page_name, rs.page_script_hash = "", self.page_hash
        for wid, field, value in widgets:
            w = rs.widget_states.widgets.add()
            w.id = wid
            if hasattr(value, "SerializeToString"):
                getattr(w, field).CopyFrom(value)
            else:
                setattr(w, field, value)
        t0 = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        elements, query_back, ms, running = [], None, None, True
        while True:
            fm = ForwardMsg_pb2.ForwardMsg()
            try:
                # after the run, a moment's quiet: a first run that hands over to the app's
                # navigation is followed by a run the server starts itself, whose answer must not
                # be taken for the next request's
                data = await asyncio.wait_for(self.ws.recv(), self.timeout if running else self.quiet)
            except asyncio.TimeoutError:
                if running:
                    raise
                return Run(ms, elements, self.query if query_back is None else query_back, self.session_id, page)
            fm.ParseFromString(data)
            kind = fm.WhichOneof("type")
            if kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
                elements.append(fm.delta.new_element)
                e = fm.delta.new_element
                if e.WhichOneof("type") == "bidi_component":
                    self.widgets["__component__" + e.bidi_component.id.rsplit("-", 1)[-1]] = e.bidi_component.id
                    self.fragments[e.bidi_component.id] = fm.delta.fragment_id
            elif kind == "new_session":
                self.session_id = fm.new_session.initialize.session_id or self.session_id
                if not running:  # another run began: its answer is the one to wait for (the
                    # address the run before wrote stays, unless this one writes another)
                    running, elements = True, []
            elif kind == "navigation":  # the page the run shows (a fragment's rerun names it so)
                self.page_hash = fm.navigation.page_script_hash or self.page_hash
            elif kind == "page_info_changed":
                query_back = self.query = fm.page_info_changed.query_string
            elif kind == "script_finished":
                for e in elements:
                    if e.WhichOneof("type") == "button" and "-" in e.button.id:
                        self.widgets[e.button.id.rsplit("-", 1)[1]] = e.button.id
                if fm.script_finished == EARLY_FOR_RERUN:
                    continue  # a callback asked for a rerun (the step page's: its stage, then its details)
                if ms is None:
                    # the request's latency: its first run that finished (not one cut short for a rerun)
                    ms = (time.perf_counter() - t0) * 1000
                running = False

    async def click(self, page: str, run: Run, key: str) -> Run:
        """Click the button ``key`` that ``run`` drew."""
        b = run.button(key)
        wid = b.id if b is not None else self.widgets.get(key)
        if wid is None:
            raise LookupError(f"no button '{key}' on the page")
        return await self.rerun(page, "", ((wid, "trigger_value", True),))

    async def press(self, page: str, run: Run, key: str, keys: str = "step_keys") -> Run:
        """Press the button ``key`` as the browser does on a click (or its key): a numbered press
        sent as the events of the page's keys component ``keys`` (``ui.page_keys``), in a rerun of
        the fragment that component lives in."""
        import json
        base = self.element_id(run, "bidi_component", keys) or self.widgets.get("__component__" + keys)
        if base is None:
            raise LookupError(f"no keys component '{keys}' on the page")
        self.presses += 1
        payload = json.dumps([{"event": "press", "value": {"page": self.page_load,
                                                            "log": [[self.presses, key]]}}])
        return await self.rerun(page, self.query, ((f"$$STREAMLIT_INTERNAL_KEY_{base}__events", "json_trigger_value",
                                                    payload),), fragment=self.fragments.get(base, ""))

    def element_id(self, run: Run, kind: str, key: str) -> Optional[str]:
        for e in run.elements:
            if e.WhichOneof("type") == kind and getattr(e, kind).id.endswith("-" + key):
                return getattr(e, kind).id
        return None

    async def upload(self, page: str, run: Run, key: str, name: str, size: int, data: Optional[bytes] = None):
        """Upload a file into the file uploader ``key`` that ``run`` drew, as the browser does (PUT
        it, then send the uploader's state): the rerun that follows, or the HTTP status of a
        refused upload."""
        from streamlit.proto.Common_pb2 import FileUploaderState
        wid = self.element_id(run, "file_uploader", key)
        if wid is None:
            raise LookupError(f"no file uploader '{key}' on the page")
        fid = uuid.uuid4().hex
        url = f"{self.base}/_stcore/upload_file/{self.session_id}/{fid}"
        status = await asyncio.to_thread(put_file, url, name, self.cookies, data=data, size=size)
        size = len(data) if data is not None else size
        if status != 204:
            return status
        state = FileUploaderState()
        info = state.uploaded_file_info.add()
        info.name, info.size, info.file_id = name, size, fid
        info.file_urls.file_id, info.file_urls.upload_url, info.file_urls.delete_url = fid, url, url
        return await self.rerun(page, "", ((wid, "file_uploader_state_value", state),))

    async def send_trigger(self, page: str, run: Run, component_key: str, payload: str) -> Optional[Run]:
        """Send ``payload`` (JSON text, as it is, however large or deep) as the events of the
        component ``component_key``: what a forged browser message can say. None where the server
        closed the connection instead of answering."""
        base = self.element_id(run, "bidi_component", component_key) or self.widgets.get("__component__" + component_key)
        if base is None:
            raise LookupError(f"no component '{component_key}' on the page")
        self.widgets["__component__" + component_key] = base
        try:
            return await self.rerun(page, "", ((f"$$STREAMLIT_INTERNAL_KEY_{base}__events", "json_trigger_value",
                                                payload),))
        except Exception as exc:  # noqa: BLE001 - the websocket closed (1009: too big)
            if type(exc).__name__.startswith("ConnectionClosed"):
                self.ws = None
                return None
            raise

    async def __aenter__(self) -> "Session":
        await self.connect()
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()
