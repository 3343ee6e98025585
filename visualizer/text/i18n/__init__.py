"""The one catalogue of user-visible strings, English and German, and how to look them up.

German follows the terms of the vSphere documentation's German original (the seed): VMware's
*machine pages* are **Maschinenseiten**, the guest's *physical pages* are **physische Seiten**,
*shadow page tables* are **Schattenseitentabellen**, *nested page tables* are **verschachtelte
Seitentabellen**; the page states are *gemeinsam genutzte*, *nicht zugeordnete* and
*ausgelagerte* Seiten.

One module per page or topic holds its entries, ``key: (english, german)``:
:mod:`.app` (app, home, navigation, about), :mod:`.step` (step page, op names),
:mod:`.narration`, :mod:`.diagram`, :mod:`.tables`, :mod:`.compare`, :mod:`.costs`,
:mod:`.errors`, :mod:`.walk` (MMU caches, walk grid), :mod:`.learn_concepts` (the why of each
event, glossary), :mod:`.learn_lessons` (lessons, predict mode), :mod:`.learn_exercises` (Practice), :mod:`.export` (exported files), :mod:`.overcommit` (the Overcommit page). A key lives in exactly one module.

``t(key, lang, **values)`` is the only lookup:

- ``lang`` is "en" or "de"; anything else falls back to English. An unknown key is a
  programming error and raises ``KeyError``.
- An entry written ``"one|many"`` is a plural: ``t(key, lang, n=3)`` picks the singular form
  when ``n == 1``, else the plural form. ``n`` must be given for such an entry.
- Float values are formatted for the language (``0.5`` → "0,5" in German); integers are
  inserted as they are, so ``{gva:x}`` and the diagram's counts stay byte for byte; pass
  ``number(n, lang)`` where a large integer needs thousands separators.

``number`` and ``percent`` format numbers per language: 1,234.5 / 1.234,5; 25% / 25 %.
"""
from __future__ import annotations

from types import MappingProxyType
from typing import Mapping, Optional

from . import (app, compare, costs, diagram, errors, export, learn_concepts, learn_exercises, learn_lessons,
               narration, overcommit, reclaim, step, tables, walk)

LANGS = ("en", "de")
LANG_NAMES = {"en": "English", "de": "Deutsch"}
MODULES = (app, step, narration, reclaim, diagram, tables, compare, costs, errors, walk, learn_concepts, learn_lessons,
           learn_exercises, export, overcommit)


def _merge() -> Mapping[str, tuple[str, str]]:
    out: dict[str, tuple[str, str]] = {}
    for module in MODULES:
        for key, entry in module.STRINGS.items():
            if key in out:
                raise ValueError(f"i18n key {key!r} is defined twice (again in {module.__name__})")
            out[key] = entry
    return MappingProxyType(out)


CATALOGUE: Mapping[str, tuple[str, str]] = _merge()
"""Every key → (English, German)."""

UNTRANSLATED_STREAMLIT_TEXTS = app.UNTRANSLATED_STREAMLIT_TEXTS
"""Texts Streamlit draws itself and offers no way to translate (shown in the About box)."""


def number(n: int | float, lang: str = "en", decimals: Optional[int] = None) -> str:
    """``n`` with thousands separators in the language's style (1,234.5 / 1.234,5).

    ``decimals=None``: integers (and whole floats) without decimals, other floats with up to
    two, trailing zeros dropped; otherwise exactly ``decimals``."""
    if decimals is not None:
        s = f"{n:,.{decimals}f}"
    elif isinstance(n, float) and not n.is_integer():
        s = f"{n:,.2f}".rstrip("0").rstrip(".")
    else:
        s = f"{int(n):,}"
    if lang == "de":
        s = s.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return s


def percent(f: float, lang: str = "en", signed: bool = False, decimals: Optional[int] = None) -> str:
    """A fraction as a percentage: 25% / 25 % (German puts a space before the sign);
    ``signed`` adds "+" to positive values. Small values get one decimal unless ``decimals``."""
    if decimals is None:
        decimals = 0 if abs(f) >= 0.1 or f == 0 else 1
    s = number(f * 100, lang, decimals)
    sign = "+" if signed and f > 0 else ""
    return f"{sign}{s} %" if lang == "de" else f"{sign}{s}%"


def t(key: str, lang: str = "en", /, **values) -> str:
    """The string ``key`` in ``lang``, its plural form chosen by ``n``, formatted with ``values``."""
    en, de = CATALOGUE[key]
    s = de if lang == "de" else en
    if "|" in s:
        if "n" not in values:
            raise TypeError(f"i18n key {key!r} has singular and plural forms: pass n=")
        one, _, many = s.partition("|")
        s = one if values["n"] == 1 else many
    if not values:
        return s
    shown = {k: number(v, lang) if isinstance(v, float) else v for k, v in values.items()}
    return s.format(**shown)


def normalize_lang(value) -> str | None:
    """'en'/'de' (any case, surrounding spaces allowed) → the code; anything else → None."""
    if not isinstance(value, str):
        return None
    v = value.strip().lower()
    return v if v in LANGS else None


__all__ = ["CATALOGUE", "LANGS", "LANG_NAMES", "UNTRANSLATED_STREAMLIT_TEXTS", "normalize_lang", "number",
           "percent", "t"]
