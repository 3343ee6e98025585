"""A browser session as Streamlit's protocol sees it, without a browser: the page's first HTTP
request (which gets the load balancer's cookie), then the websocket over which every rerun is
asked for and answered; after a dropped connection the session is resumed by its id, as the
browser resumes it. Used by the soak and scale-out benchmarks and the scale-out test."""
from __future__ import annotations

import asyncio
import time
import urllib.parse
import urllib.request
from http.cookies import SimpleCookie
from typing import Optional

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


class Run:
    """What one rerun sent back."""

    def __init__(self, ms: float, elements: list, query: Optional[str], session_id: Optional[str], page: str):
        self.ms, self.elements, self.query, self.session_id, self.page = ms, elements, query, session_id, page

    def param(self, name: str) -> Optional[str]:
        """A parameter of the address the page wrote (None: it wrote none this run)."""
        if self.query is None:
            return None
        return urllib.parse.parse_qs(self.query).get(name, [None])[0]

    def button(self, key: str):
        return next((e.button for e in self.elements if e.WhichOneof("type") == "button"
                     and e.button.id.endswith("-" + key)), None)


class Session:
    """One simulated browser tab (``async with Session(base) as s: await s.open(...)``)."""

    def __init__(self, base: str, *, timeout: float = 120):
        self.base = base.rstrip("/")
        self.timeout = timeout
        self.cookies: dict = {}
        self.ws = None
        self.session_id: Optional[str] = None
        self.widgets: dict[str, str] = {}
        """Widget key → proto id, of every button seen (a later run may send an unchanged element
        as a reference to the copy the browser has, not again)."""

    @property
    def replica(self) -> Optional[str]:
        """The load balancer's cookie: which replica holds this session."""
        return self.cookies.get("ESXI_REPLICA")

    async def connect(self) -> None:
        import websockets
        if not self.cookies:
            self.cookies = await asyncio.to_thread(get_cookies, self.base + "/", None)
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

    async def rerun(self, page: str, query: str = "", widgets: tuple = ()) -> Run:
        """Ask for a rerun of ``page`` with the address ``query`` and widget values (``(proto id,
        field, value)``), and wait for it to finish."""
        from streamlit.proto import BackMsg_pb2, ForwardMsg_pb2
        msg = BackMsg_pb2.BackMsg()
        rs = msg.rerun_script
        rs.query_string, rs.page_name = query, page  # the page by its name (the app's navigation maps it)
        for wid, field, value in widgets:
            w = rs.widget_states.widgets.add()
            w.id = wid
            setattr(w, field, value)
        t0 = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        elements, query_back = [], None
        while True:
            fm = ForwardMsg_pb2.ForwardMsg()
            fm.ParseFromString(await asyncio.wait_for(self.ws.recv(), self.timeout))
            kind = fm.WhichOneof("type")
            if kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
                elements.append(fm.delta.new_element)
            elif kind == "new_session":
                self.session_id = fm.new_session.initialize.session_id or self.session_id
            elif kind == "page_info_changed":
                query_back = fm.page_info_changed.query_string
            elif kind == "script_finished":
                for e in elements:
                    if e.WhichOneof("type") == "button" and "-" in e.button.id:
                        self.widgets[e.button.id.rsplit("-", 1)[1]] = e.button.id
                return Run((time.perf_counter() - t0) * 1000, elements, query_back, self.session_id, page)

    async def click(self, page: str, run: Run, key: str) -> Run:
        """Click the button ``key`` that ``run`` drew."""
        b = run.button(key)
        wid = b.id if b is not None else self.widgets.get(key)
        if wid is None:
            raise LookupError(f"no button '{key}' on the page")
        return await self.rerun(page, "", ((wid, "trigger_value", True),))

    async def __aenter__(self) -> "Session":
        await self.connect()
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()
