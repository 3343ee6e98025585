"""User-supplied text made inert: shown as the characters it is, never as Markdown or HTML.

Everything that comes from a viewer — link parameters, file names, scenario names,
descriptions and labels, names quoted in error messages — passes through :func:`plain` before
it reaches ``st.markdown``, ``st.caption``, ``st.warning``/``st.error``, a widget label or an
i18n message that Streamlit renders as Markdown. One helper for both languages of the page:

- HTML: ``&``, ``<`` and ``>`` become entities, so no tag (``<img>``, ``<a>``, ``<script>``) is
  ever parsed; Markdown shows an entity as its character.
- Markdown: every ASCII punctuation character Markdown (CommonMark + GFM) or Streamlit gives a
  meaning to is backslash-escaped — emphasis (``*`` ``_`` ``~``), links and images (``[`` ``]``
  ``(`` ``)`` ``!``), code (`````), headings and lists at a line start (``#`` ``-`` ``+`` ``.``),
  tables (``|``), math (``$``), Streamlit's ``:color[…]``, ``:material/…:`` and emoji
  shortcodes (``:``) and GFM's autolinks of bare ``http://…``, ``www.…`` and e-mail addresses
  (``:`` ``.`` ``@`` broken by escapes).
- Line breaks and other control characters become spaces (a newline could start a heading or
  a list item; a carriage return or NUL has no business in a name).
"""
from __future__ import annotations

import re
import unicodedata

_MD = re.compile(r"([\\`*_{}\[\]()#+\-.!|~:$@=\"'^/])")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def plain(text: object, limit: int = 400) -> str:
    """``text`` (anything; ``str()`` is taken) escaped so that Markdown and HTML show it as
    plain text. Longer than ``limit`` characters, it is cut and ends in "…"."""
    s = str(text)
    if len(s) > limit:
        s = s[:limit] + "…"
    s = "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in s)
    s = "".join(_HTML.get(c, c) for c in s)
    return _MD.sub(r"\\\1", s)


def plain_values(values: dict) -> dict:
    """``values`` with every string escaped by :func:`plain` (numbers stay as they are)."""
    return {k: plain(v) if isinstance(v, str) else v for k, v in values.items()}
