"""User-supplied text made inert: shown as the characters it is, never as Markdown or HTML.

Everything that comes from a viewer — link parameters, file names, scenario names,
descriptions and labels, names quoted in error messages — passes through :func:`plain` before
it reaches ``st.markdown``, ``st.caption``, ``st.warning``/``st.error``, a widget label or an
i18n message that Streamlit renders as Markdown. One helper for both languages of the page:

- HTML: ``&``, ``<`` and ``>`` become entities, so no tag (``<img>``, ``<a>``, ``<script>``) is
  ever parsed; Markdown shows an entity as its character.
- Markdown: every ASCII punctuation character Markdown (CommonMark + GFM) or Streamlit gives a
  meaning to is backslash-escaped — emphasis (``*`` ``_`` ``~``), links and images (``[`` ``]``
  ``(`` ``)`` ``!``), code (`````), headings (``#``) and, at the start, lists (``-`` ``+``),
  tables (``|``), math (``$``), Streamlit's ``:color[…]``, ``:material/…:`` and emoji
  shortcodes (``:``). GFM links bare ``http://…``, ``www.…`` and e-mail addresses whatever
  their escapes: an invisible word joiner (U+2060) after the scheme, ``www`` and ``@`` stops it.
- Line breaks and other control characters become spaces (a newline could start a heading or
  a list item; a carriage return or NUL has no business in a name).
"""
from __future__ import annotations

import re
import unicodedata

_MD = re.compile(r"([\\`*_{}\[\]()#!|~:$@.])")
_START = re.compile(r"^(\s*)([-+=])")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_AUTOLINK = re.compile(r"(?i)(https?(?=:)|ftp(?=:)|mailto(?=:)|xmpp(?=:)|\bwww(?=\.)|@)")
JOINER = "\u2060"
"""The invisible word joiner :func:`plain` puts into would-be links (strip it to compare)."""


def plain(text: object, limit: int = 400) -> str:
    """``text`` (anything; ``str()`` is taken) escaped so that Markdown and HTML show it as
    plain text. Longer than ``limit`` characters, it is cut and ends in "…"."""
    s = str(text)
    if len(s) > limit:
        s = s[:limit] + "…"
    s = "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in s)
    # GFM links bare URLs and e-mail addresses in the text after escapes are resolved: a word
    # joiner (U+2060, invisible) after the scheme, "www" and "@" keeps them from matching
    s = _AUTOLINK.sub("\\1\u2060", s)
    s = _MD.sub(r"\\\1", s)
    s = _START.sub(r"\1\\\2", s)  # a list item only at the start (line breaks are gone)
    return "".join(_HTML.get(c, c) for c in s)


def plain_values(values: dict) -> dict:
    """``values`` with every string escaped by :func:`plain` (numbers stay as they are)."""
    return {k: plain(v) if isinstance(v, str) else v for k, v in values.items()}
