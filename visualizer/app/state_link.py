"""Work that survives a reload and a link: what the step page and the cost pages keep in the
address bar, and how a link's values are read back.

Plain Python (no Streamlit), so that tests drive it directly. A reload starts a new session, so
whatever a user made lives in the address (as the Lessons page's ``done`` and Practice's ``q``):

- ``added=3.w.0.400000.2a_5.r.1.401000`` — accesses added on the step page, in the order added:
  per access the step it was added after, ``r`` or ``w``, the VM/process (its place in the
  form's list: 0 is the first VM's first process), the gVA in hex and, for a write, the value
  in hex. Replayed in that order, they give the same trace.
- ``score=3-4`` — the predict score (3 right of 4 answered).
- ``answers=b.12`` — with predict on, the answers whose verdicts the step shows (about the
  operation that led to it), one code per question as the Lessons page writes them: a letter
  for a choice (``a`` the first), a number, or ``-`` for one left open.
- ``cost.walk_ref=200`` — a cost changed on the Costs page (each one that differs from its
  default), on the Costs and the Compare page.

A bad value raises :class:`LinkError`, whose ``reason`` names the problem (the page says it in
the user's language: ``link.err.<reason>``); nothing of a bad value is taken.
"""
from __future__ import annotations

import re
from typing import Mapping, Optional, Sequence

from ..engine import Op, OpKind
from ..engine.costs import COSTS
from ..engine.ops import MachineConfig
from ..engine.paging import USER_TOP

MAX_ADDED = 200
"""Accesses a session may add on the step page — all of them fit in its link (about 5,000
characters at most)."""
MAX_SCORE = 1_000_000
MAX_NUMBER = 999_999_999
"""Largest number a numeric answer takes in a link (nine digits)."""
MAX_COST = 10**9
COST_PREFIX = "cost."

_ADDED = re.compile(r"[0-9]{1,7}\.[rw]\.[0-9]{1,5}\.[0-9a-f]{1,12}(?:\.[0-9a-f]{1,16})?")
_CODE = re.compile(r"[a-z]|[0-9]{1,9}|-")
_SCORE = re.compile(r"([0-9]{1,7})-([0-9]{1,7})")


class LinkError(ValueError):
    """A link value cannot be read: ``reason`` is the i18n key's tail, ``fields`` its details."""

    def __init__(self, reason: str, **fields):
        super().__init__(f"{reason}: {fields}")
        self.reason = reason
        self.fields = fields


def targets(config: MachineConfig) -> list[tuple[str, str]]:
    """The (VM, process) pairs of the access form, in its order."""
    return [(v.name, p) for v in config.vms for p in v.processes]


# -- added accesses ------------------------------------------------------------------------------
def added_param(inserted: Sequence[tuple[int, Op]], config: MachineConfig) -> Optional[str]:
    """The step page's added accesses for the address bar (None: there are none)."""
    where = {pair: i for i, pair in enumerate(targets(config))}
    parts = []
    for at, op in inserted:
        part = f"{at}.{'w' if op.kind is OpKind.WRITE else 'r'}.{where[(op.vm, op.process)]}.{op.gva:x}"
        if op.kind is OpKind.WRITE:
            part += f".{op.value:x}"
        parts.append(part)
    return "_".join(parts) or None


def read_added(text: str, config: MachineConfig) -> list[tuple[int, Op]]:
    """The accesses a link's ``added`` names, in the order to replay them (each after the step
    it gives; the step is checked against the trace when it is replayed)."""
    s = text.strip()
    parts = s.split("_") if s else []
    if not parts or not all(_ADDED.fullmatch(p) for p in parts):
        raise LinkError("added_form")
    if len(parts) > MAX_ADDED:
        raise LinkError("added_many", n=len(parts), limit=MAX_ADDED)
    pairs = targets(config)
    out = []
    for k, part in enumerate(parts, 1):
        at, kind, who, gva, *value = part.split(".")
        if int(who) >= len(pairs):
            raise LinkError("added_target", k=k, value=who, last=len(pairs) - 1)
        if int(gva, 16) >= USER_TOP:
            raise LinkError("added_gva", k=k, value=f"0x{gva}")
        if kind == "r" and value:
            raise LinkError("added_form")
        if kind == "w" and not value:
            raise LinkError("added_form")
        vm, process = pairs[int(who)]
        op = Op(OpKind.WRITE if kind == "w" else OpKind.READ, vm, process, int(gva, 16),
                int(value[0], 16) if value else 0)
        out.append((int(at), op))
    return out


# -- predict: score and answers ------------------------------------------------------------------
def score_param(right: int, asked: int) -> Optional[str]:
    return f"{right}-{asked}" if asked else None


def read_score(text: str) -> tuple[int, int]:
    m = _SCORE.fullmatch(text.strip())
    if m is None:
        raise LinkError("score", limit=MAX_SCORE)
    right, asked = int(m.group(1)), int(m.group(2))
    if right > asked or asked > MAX_SCORE:
        raise LinkError("score", limit=MAX_SCORE)
    return right, asked


def answers_param(results: Sequence[tuple]) -> Optional[str]:
    """``results``: (question, given, right) per question, in the order asked."""
    codes = []
    for q, given, _ok in results:
        if given is None:
            codes.append("-")
        elif q.choices:
            codes.append(chr(ord("a") + q.choices.index(given)))
        else:
            codes.append(str(int(given)))
    return ".".join(codes) or None


def read_answers(text: str, questions: Sequence) -> list[tuple]:
    """(question, given, right) per question from a link's ``answers`` for ``questions`` (those
    of the operation the answers are about)."""
    codes = text.strip().split(".")
    if not all(_CODE.fullmatch(c) for c in codes):
        raise LinkError("answers_form")
    if len(codes) != len(questions):
        raise LinkError("answers_count", n=len(questions), given=len(codes))
    out = []
    for k, (q, code) in enumerate(zip(questions, codes, strict=True), 1):
        if code == "-":
            given = None
        elif q.choices:
            j = ord(code) - ord("a") if code.isalpha() else -1
            if not 0 <= j < len(q.choices):
                raise LinkError("answers_choice", k=k, last=chr(ord("a") + len(q.choices) - 1))
            given = q.choices[j]
        else:
            if not code.isdigit():
                raise LinkError("answers_number", k=k)
            given = int(code)
        out.append((q, given, q.check(given)))
    return out


# -- costs ---------------------------------------------------------------------------------------
def cost_names() -> tuple[str, ...]:
    """The link parameters of the costs (``cost.walk_ref``, …)."""
    return tuple(COST_PREFIX + c.name for c in COSTS)


def cost_params(overrides: Mapping[str, int]) -> dict[str, Optional[str]]:
    """The address of the changed costs (None: a parameter to remove: that cost is the default)."""
    return {COST_PREFIX + c.name: (str(overrides[c.name]) if c.name in overrides else None) for c in COSTS}


def read_costs(link: Mapping[str, str], overrides: Mapping[str, int]) -> tuple[dict[str, int], list[LinkError]]:
    """``overrides`` with the link's good cost values in, and the problems of the bad ones (a
    bad value changes nothing). A cost the link names at its default goes back to it."""
    out = dict(overrides)
    problems = []
    defaults = {c.name: c.default for c in COSTS}
    for key, raw in link.items():
        if not key.startswith(COST_PREFIX) or key[len(COST_PREFIX):] not in defaults:
            continue
        name = key[len(COST_PREFIX):]
        s = raw.strip()
        if not s or len(s) > 10 or not s.isascii() or not s.isdigit() or int(s) > MAX_COST:
            problems.append(LinkError("cost", name=key, value=raw, limit=MAX_COST))
            continue
        if int(s) == defaults[name]:
            out.pop(name, None)
        else:
            out[name] = int(s)
    return out, problems
