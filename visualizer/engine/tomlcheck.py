"""The shape of a TOML text, checked before ``tomllib`` sees it.

Python 3.11's ``tomllib`` needs memory and time quadratic in the number of parts of one
dotted key (``k0.k1.k2… = 1``: 50,000 parts in 339 KB took a server from 155 MB to 5.75 GB)
and recurses once per nesting level of arrays and inline tables (``[[[[…`` ends in a
``RecursionError``). :func:`check_toml_shape` refuses such a text in one pass over its
structural characters — size first, then the parts of every key (table headers included)
and the nesting depth of values — with a message naming the line, before any parsing.
"""
from __future__ import annotations

import re

from .errors import ScenarioError

MAX_SCENARIO_BYTES = 16 << 20
"""Largest scenario text (UTF-8 bytes) the command line reads; the app takes at most 1 MiB."""
MAX_KEY_PARTS = 32
"""Most parts of one dotted key (``a.b.c`` has 3); scenario files use at most 2."""
MAX_DEPTH = 32
"""Deepest nesting of arrays and inline tables in a value; scenario files use at most 2."""

_TOKEN = re.compile(r'"""(?:[^\\]|\\.)*?"""|\'\'\'.*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'|#[^\n]*|[\n\[\]{}=,.]',
                    re.S)


def check_toml_shape(text: str, *, max_bytes: int = MAX_SCENARIO_BYTES, max_key_parts: int = MAX_KEY_PARTS,
                     max_depth: int = MAX_DEPTH) -> None:
    """Raise :class:`ScenarioError` if ``text`` is larger, has a longer dotted key or nests
    deeper than the limits. Malformed TOML passes: ``tomllib`` then says what is wrong."""
    size = len(text.encode("utf-8", "surrogatepass")) if len(text) * 4 > max_bytes else len(text)
    if size > max_bytes:
        raise ScenarioError(f"the scenario file is larger than {max_bytes >> 20} MiB (the limit)")
    line = 1
    stack: list[str] = []   # open value brackets: "[" array, "{" inline table
    key = True              # in a key (line start, table header, after "{" or "," in an inline table)
    header = False          # inside a [table] header
    parts = 1
    for m in _TOKEN.finditer(text):
        tok = m.group()
        c = tok[0]
        if c in "\"'":
            line += tok.count("\n")
            continue
        if c == "#":
            continue
        if c == "\n":
            line += 1
            if not stack:
                key, header, parts = True, False, 1
            continue
        if key:
            if c == ".":
                parts += 1
                if parts > max_key_parts:
                    raise ScenarioError(f"line {line}: a key with more than {max_key_parts} dotted parts (the limit)")
            elif c == "=":
                key, parts = False, 1
            elif c == "[" and not stack and not header:
                header = True       # "[table]" or "[[array of tables]]"
            elif c == "]" and header:
                key = True          # stays a key context until the line ends
            elif c == "}" and stack and stack[-1] == "{":
                stack.pop()         # an empty inline table
                key = False
            continue
        if c in "[{":
            stack.append(c)
            if len(stack) > max_depth:
                raise ScenarioError(f"line {line}: values nested more than {max_depth} deep (the limit)")
            if c == "{":
                key, parts = True, 1
        elif c in "]}":
            if stack:
                stack.pop()
        elif c == "," and stack and stack[-1] == "{":
            key, parts = True, 1
