"""Reading the app's pages in Streamlit's AppTest: the SVG views' markup."""
from __future__ import annotations

import html
import json


def svg_view_data(at) -> dict[str, dict]:
    """Each SVG view on the page (a components-v2 element, its data in JSON) by key:
    ``{"html": markup shown, "ahead": the next step's markup or "", "behind": the previous one's}``. Graphviz writes "-" in
    attribute values as "&#45;"; the browser reads both the same, so both come unescaped."""
    out = {}
    for e in at.get("bidi_component"):
        if e.proto.component_name == "esxi_svg_view":
            d = json.loads(e.proto.json)
            d = d if isinstance(d, dict) else {"html": d}
            out[e.proto.id.rsplit("-", 1)[-1]] = {k: html.unescape(d.get(k) or "") for k in ("html", "ahead", "behind")}
    return out


def svg_views(at) -> dict[str, str]:
    """The markup each SVG view shows, by key."""
    return {k: v["html"] for k, v in svg_view_data(at).items()}
