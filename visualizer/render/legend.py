"""The diagram's legend: what each box and arrow means, drawn with the figure's own colours."""
from __future__ import annotations

from typing import Optional

from ..engine import Mode
from .figure import (CHANGED_PEN, CURRENT, FILL_BALLOONED, FILL_COMPRESSED, FILL_DISK, FILL_EPT, FILL_GPT, FILL_GVA,
                     FILL_PAGE, FILL_SHARED, FILL_SPT, FILL_SWAPPED, GUEST_MAP, INK, MUTED, SHADOW_MAP, VM_FILLS, VMM_MAP,
                     WP_BORDER)
from ..text.i18n import t


def _html(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _swatch_box(fill: str, border: str = INK, dashed: bool = False, pen: float = 0.8, text: str = "",
                text_colour: str = MUTED) -> str:
    dash = ' stroke-dasharray="4,2"' if dashed else ""
    # a long word (German "gemeinsam") is squeezed to the box rather than running over its edges
    fit = ' textLength="34" lengthAdjust="spacingAndGlyphs"' if len(text) > 7 else ""
    label = (f'<text x="21" y="13" text-anchor="middle" font-family="Helvetica,sans-serif" font-size="8" '
             f'fill="{text_colour}"{fit}>{_html(text)}</text>') if text else ""
    return (f'<svg width="42" height="20" viewBox="0 0 42 20"><rect x="2" y="2" width="38" height="16" '
            f'fill="{fill}" stroke="{border}" stroke-width="{pen}"{dash}/>{label}</svg>')


def _swatch_line(colour: str, dashed: bool = False, pen: float = 1.2) -> str:
    dash = ' stroke-dasharray="5,2"' if dashed else ""
    return (f'<svg width="42" height="20" viewBox="0 0 42 20"><path d="M2,10 L33,10" stroke="{colour}" '
            f'stroke-width="{pen}"{dash} fill="none"/><polygon points="40,10 32,6 32,14" fill="{colour}"/></svg>')


def legend_items(mode: Optional[Mode], lang: str = "en", reclaim: bool = False) -> list[tuple[str, str, str]]:
    """(key, swatch SVG, text) for every mark the diagram of ``mode`` uses (None: of both modes);
    ``reclaim``: also the marks of the host's reclamation (ballooned and compressed pages, the
    compression cache, pages the guest paged out to its disk), where the host reclaims."""
    shadow, nested = mode in (Mode.SHADOW, None), mode in (Mode.NESTED, None)
    items = [
        ("gva", _swatch_box(FILL_GVA), t("leg.gva", lang)),
        ("gpa", _swatch_box(FILL_PAGE, text="= 0xa"), t("leg.gpa", lang)),
        ("ma", _swatch_box(VM_FILLS[0]), t("leg.ma", lang)),
        ("gpt", _swatch_box(FILL_GPT, text="PT"), t("leg.gpt", lang)),
    ]
    if shadow:
        items.append(("wp", _swatch_box(FILL_GPT, WP_BORDER, pen=1.8, text="PT WP", text_colour=WP_BORDER),
                      t("leg.gpt_wp", lang)))
        items.append(("spt", _swatch_box(FILL_SPT, text="SPT"), t("leg.spt", lang)))
    if nested:
        items.append(("ept", _swatch_box(FILL_EPT, text="EPT"), t("leg.ept", lang)))
    items += [
        ("shared", _swatch_box(FILL_SHARED, text=t("dia.shared", lang)), t("leg.shared", lang)),
        ("swapped", _swatch_box(FILL_SWAPPED, dashed=True), t("leg.swapped", lang)),
        ("unmapped", _swatch_box(FILL_PAGE, MUTED, dashed=True), t("leg.unmapped", lang)),
        *(reclaim_items(lang) if reclaim else ()),
        ("guest-map", _swatch_line(GUEST_MAP), t("leg.guest_map", lang)),
        ("vmm-map", _swatch_line(VMM_MAP), t("leg.vmm_map_both" if mode is None else
                                             "leg.vmm_map_nested" if mode is Mode.NESTED else "leg.vmm_map", lang)),
    ]
    if shadow:
        items.append(("shadow-map", _swatch_line(SHADOW_MAP, dashed=True), t("leg.shadow_map", lang)))
    items += [
        ("current", _swatch_line(CURRENT, pen=2.6), t("leg.current", lang)),
        ("walked", _swatch_box(FILL_PAGE, CURRENT, pen=1.8), t("leg.walked", lang)),
        ("changed", _swatch_box(FILL_PAGE, CURRENT, dashed=True, pen=CHANGED_PEN), t("leg.changed", lang)),
    ]
    return items


def reclaim_items(lang: str = "en") -> list[tuple[str, str, str]]:
    """The legend's marks of the host's reclamation, drawn as the figure draws them."""
    return [
        ("ballooned", _swatch_box(FILL_BALLOONED, MUTED, text=t("dia.ballooned", lang), text_colour=INK),
         t("leg.ballooned", lang)),
        ("compressed", _swatch_box(FILL_COMPRESSED, dashed=True, text=t("dia.compressed.short", lang), text_colour=INK),
         t("leg.compressed", lang)),
        ("zcache", _swatch_box(FILL_COMPRESSED, text=t("dia.zcache", lang), text_colour=INK), t("leg.zcache", lang)),
        ("guest-swapped", _swatch_box(FILL_DISK, MUTED, dashed=True, text=t("dia.on_disk.short", lang),
                                      text_colour=INK), t("leg.on_disk", lang)),
    ]


def legend_html(mode: Optional[Mode], lang: str = "en", reclaim: bool = False) -> str:
    """The legend as a block of HTML (inline SVG swatches in the diagram's own colours);
    ``reclaim``: with the marks of the host's reclamation."""
    cells = "".join(f'<span class="legend-item" data-key="{k}" style="display:inline-flex;align-items:center;'
                    f'gap:4px;margin:2px 14px 2px 0;font-size:0.85rem">{sw}<span>{_html(text)}</span></span>'
                    for k, sw, text in legend_items(mode, lang, reclaim))
    hint = (f'<span class="legend-hint" style="font-size:0.85rem;color:{MUTED};margin:2px 0">'
            f'{_html(t("leg.hint", lang))}</span>')
    return f'<div class="esxi-legend" style="display:flex;flex-wrap:wrap;line-height:1.2;margin-bottom:1rem">{cells}{hint}</div>'
