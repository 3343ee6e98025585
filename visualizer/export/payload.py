"""The data an exported file carries: every piece of markup once, each step a list of pieces.

A run's diagrams repeat themselves: from one step to the next most pages, arrows and labels are
the same text, and every narration line's "why?" repeats the same concept explanations. So the
file holds a *pool* of distinct pieces (a diagram's elements are one a line; a narration's list
items and "why?" blocks are pieces of their own) and each step's markup is a list of indices into
it — "shared defs" without touching the markup itself: the pieces joined give the very text the
app shows, byte for byte (:func:`Pool.doc` checks it).

Large payloads are compressed (zlib's deflate, read in the browser by ``DecompressionStream``);
small ones stay plain JSON, which any browser reads.
"""
from __future__ import annotations

import base64
import json
import re
import zlib

_CUT = re.compile(r"(?=<li[ >])|(?=<details[ >])|(?<=</details>)")
"""Where a line of markup is cut into pieces: before a list item or a "why?", and after a "why?"
(a diagram has one element a line: its lines are its pieces)."""


def pieces(markup: str) -> list[str]:
    """``markup`` cut into pieces that join to it again."""
    lines = markup.split("\n")
    out = []
    for k, line in enumerate(lines):
        if k < len(lines) - 1:
            line += "\n"
        if "<li" in line or "<details" in line:
            out.extend(p for p in _CUT.split(line) if p)
        elif line:
            out.append(line)
    return out

PLAIN_LIMIT = 2 << 20
"""A payload up to this many bytes of JSON stays plain; a larger one is compressed."""


class Pool:
    """Distinct pieces of markup, each stored once."""

    def __init__(self) -> None:
        self.pieces: list[str] = []
        self._index: dict[str, int] = {}

    def doc(self, markup: str) -> list[int]:
        """``markup`` as indices of its pieces (new pieces are added)."""
        out = []
        for piece in pieces(markup):
            i = self._index.get(piece)
            if i is None:
                i = self._index[piece] = len(self.pieces)
                self.pieces.append(piece)
            out.append(i)
        if "".join(self.pieces[i] for i in out) != markup:  # pragma: no cover - a cut that loses text
            raise AssertionError("markup pieces do not join to the markup")
        return out

    def text(self, doc: list[int]) -> str:
        """The markup a doc stands for (what the file's script builds)."""
        return "".join(self.pieces[i] for i in doc)


def _json(value) -> str:
    # inside <script>: "</" must not end the element, and U+2028/9 are harmless but escaped anyway
    return (json.dumps(value, ensure_ascii=False, separators=(",", ":"))
            .replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def script(value, element_id: str = "payload", compress: bool = True) -> str:
    """``value`` (JSON-able) as a ``<script>`` element the file's script reads: plain JSON, or
    (``compress``) base64 of its deflated UTF-8 when larger than :data:`PLAIN_LIMIT`."""
    text = _json(value)
    if not compress or len(text) <= PLAIN_LIMIT:
        return f'<script type="application/json" id="{element_id}" data-encoding="json">{text}</script>'
    packed = base64.b64encode(zlib.compress(text.encode("utf-8"), 6)).decode("ascii")
    return f'<script type="application/octet-stream" id="{element_id}" data-encoding="deflate">{packed}</script>'


def read_script(html: str, element_id: str = "payload"):
    """The value :func:`script` wrote into ``html`` (for tests and tools)."""
    m = re.search(rf'<script type="[^"]+" id="{re.escape(element_id)}" data-encoding="(\w+)">(.*?)</script>', html,
                  re.S)
    if m is None:
        raise ValueError(f"no payload '{element_id}' in the file")
    body = m.group(2)
    if m.group(1) == "deflate":
        body = zlib.decompress(base64.b64decode(body)).decode("utf-8")
    return json.loads(body)


READ_JS = r"""
async function readPayload(id) {
  const el = document.getElementById(id);
  if (el.dataset.encoding !== 'deflate') return JSON.parse(el.textContent);
  if (typeof DecompressionStream === 'undefined') throw new Error('no DecompressionStream');
  const bin = atob(el.textContent.trim());
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate'));
  return JSON.parse(await new Response(stream).text());
}
"""
"""The browser's side of :func:`script`: ``await readPayload(id)`` gives the value back."""
