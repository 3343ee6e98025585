"""Guided lessons: a scenario plus per-step commentary and questions, read from TOML.

A lesson is data (``visualizer/lessons/*.toml``; a teacher can upload their own)::

    title = "The three address spaces"          # and title_de
    intro = "What this lesson shows …"          # and intro_de (restricted Markdown)
    scenario = "esxi-figure"                    # a built-in — or an inline [scenario] table
    mode = "shadow"                             # the lesson's mode (default: the scenario's)
    figure = true                               # draw the vSphere figure's view (data pages)

    [[step]]
    step = 1                    # the link's step: the state after this many operations
    prompt = "What to look at …"  # and prompt_de: shown with the questions, before the reveal —
                                # what helps to answer, never the answer
    text = "Commentary …"       # and text_de (restricted Markdown): what the step did — shown
                                # after the reveal when the step asks, else at once
    ask = ["tlb", "walk_refs"]  # question kinds (visualizer.learn.questions.KINDS): answers from the engine
    mode = "nested"             # optional: this step in another mode
    link = { href = "/Compare?source=generator&kind=pt_churn&seed=1", label = "…", label_de = "…" }

The text is checked like a scenario's (size, dotted keys and nesting before parsing:
:func:`visualizer.engine.tomlcheck.check_toml_shape`); every error is a :class:`LessonError`
naming the field (``step[3].ask[1]``) and the problem. Teacher text may use emphasis, lists and
links (shown with their targets); everything else is shown as the characters it is
(:func:`safe_markdown`).
"""
from __future__ import annotations

import html
import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional

from ..engine import Mode, Scenario
from ..engine.builtins import builtin, builtin_names
from ..engine.counters import TlbOutcome
from ..engine.errors import ScenarioError
from ..engine.scenario import load_scenario_text
from ..engine.tomlcheck import check_toml_shape
from ..text.plain import plain
from .questions import KINDS, Score, make_question

LESSON_DIR = Path(__file__).resolve().parent.parent / "lessons"
MAX_LESSON_BYTES = 1 << 20
"""Largest lesson file (as for uploaded scenarios)."""
MAX_STEPS = 40
MAX_TEXT = 4000
"""Longest commentary, intro or title (characters)."""
MAX_AT = 5000
"""Latest operation a lesson step may show (each step is read one by one)."""
LINK_PAGES = ("Step_through", "Lessons", "Practice", "Compare", "Costs", "Glossary", "About")
"""Pages a lesson may link to (``href = "/Compare?…"``)."""
_LINK = re.compile(r"^/(" + "|".join(LINK_PAGES) + r")(\?[A-Za-z0-9_.,=&-]{0,400})?$")
_TOP = {"name", "title", "title_de", "intro", "intro_de", "scenario", "mode", "figure", "step"}
_STEP = {"step", "prompt", "prompt_de", "text", "text_de", "ask", "mode", "link"}
_LINKF = {"href", "label", "label_de"}


class LessonError(ScenarioError):
    """A lesson file is invalid; the message names the field at fault."""


@dataclass(frozen=True)
class Link:
    href: str
    """An address in the app (``/Compare?…``)."""
    label: str
    label_de: str = ""

    def text(self, lang: str) -> str:
        return self.label_de if lang == "de" and self.label_de else self.label


@dataclass(frozen=True)
class LessonStep:
    at: int
    """The state after this many operations (the step page's ``step=``)."""
    text: str
    text_de: str
    ask: tuple
    """Question kinds asked before the operation ``at`` is revealed (``at`` ≥ 1)."""
    mode: Optional[Mode] = None
    """This step's mode (None: the lesson's)."""
    link: Optional[Link] = None
    prompt: str = ""
    """Shown with the questions, before the reveal: what helps to answer them (never the
    answer). ``text`` explains the step, so it comes after the reveal."""
    prompt_de: str = ""

    def commentary(self, lang: str) -> str:
        return self.text_de if lang == "de" and self.text_de else self.text

    def prompt_in(self, lang: str) -> str:
        return self.prompt_de if lang == "de" and self.prompt_de else self.prompt


@dataclass(frozen=True)
class Lesson:
    name: str
    title: str
    title_de: str
    intro: str
    intro_de: str
    scenario: Scenario
    builtin: bool
    """Whether ``scenario`` is a built-in (then the step page can open it by name)."""
    mode: Mode
    figure: bool
    steps: tuple

    def title_in(self, lang: str) -> str:
        return self.title_de if lang == "de" and self.title_de else self.title

    def intro_in(self, lang: str) -> str:
        return self.intro_de if lang == "de" and self.intro_de else self.intro

    def mode_of(self, i: int) -> Mode:
        return self.steps[i].mode or self.mode


# -- reading ------------------------------------------------------------------------------------------
def _type(v, typ, where: str):
    if not isinstance(v, typ) or (typ is int and isinstance(v, bool)):
        name = {int: "an integer", str: "a string", bool: "true or false", list: "a list", dict: "a table"}[typ]
        raise LessonError(f"{where}: expected {name}, got {_short(v)}")
    return v


def _short(v) -> str:
    s = repr(v)
    return s if len(s) <= 60 else s[:60] + "…"


def _keys(table: dict, allowed: set, where: str) -> None:
    for k in table:
        if k not in allowed:
            raise LessonError(f"{where}{'.' if where else ''}{k}: unknown field (allowed: {', '.join(sorted(allowed))})")


def _text(table: dict, key: str, where: str, required: bool = False) -> str:
    field = f"{where}.{key}" if where else key
    if key not in table:
        if required:
            raise LessonError(f"{field}: missing")
        return ""
    s = _type(table[key], str, field)
    if len(s) > MAX_TEXT:
        raise LessonError(f"{field}: longer than {MAX_TEXT} characters (the limit)")
    if required and not s.strip():
        raise LessonError(f"{field}: empty")
    return s


def _mode(v, where: str) -> Mode:
    _type(v, str, where)
    if v not in ("shadow", "nested"):
        raise LessonError(f"{where}: '{_short(v)[1:-1]}' is not a mode of the step page (shadow or nested)")
    return Mode(v)


def _toml_value(v) -> str:
    """``v`` (as tomllib gives it) as a one-line TOML value."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v)  # a JSON string is a TOML basic string
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {_toml_value(x)}" for k, x in v.items()) + "}"
    raise LessonError(f"scenario: a value of type {type(v).__name__} cannot be read")


def _scenario(doc: dict, name: str) -> tuple[Scenario, bool]:
    if "scenario" not in doc:
        raise LessonError("scenario: missing (a built-in's name, or a [scenario] table in the scenario format)")
    v = doc["scenario"]
    if isinstance(v, str):
        if v not in builtin_names():
            raise LessonError(f"scenario: no built-in scenario '{_short(v)[1:-1]}' (built-ins: "
                              f"{', '.join(builtin_names())})")
        return builtin(v), True
    _type(v, dict, "scenario")
    text = "\n".join(f"{json.dumps(k)} = {_toml_value(x)}" for k, x in v.items())
    try:
        return load_scenario_text(text, v.get("name") if isinstance(v.get("name"), str) else name), False
    except ScenarioError as exc:
        raise LessonError(f"scenario.{exc}") from None
    except (RecursionError, MemoryError):
        raise LessonError("scenario: nested too deeply or too large to read") from None


def _link(v, where: str) -> Link:
    _type(v, dict, where)
    _keys(v, _LINKF, where)
    href = _text(v, "href", where, required=True).strip()
    if not _LINK.match(href):
        raise LessonError(f"{where}.href: '{_short(href)[1:-1]}' is not a link into the app (write e.g. "
                          f"/Compare?source=generator&kind=pt_churn&seed=1; pages: {', '.join(LINK_PAGES)})")
    return Link(href, _text(v, "label", where, required=True), _text(v, "label_de", where))


def load_lesson_text(text: str, name_hint: str = "lesson") -> Lesson:
    """A lesson from its TOML text; :class:`LessonError` names the field at fault."""
    text = text.removeprefix("\ufeff")
    if len(text.encode("utf-8", "surrogatepass")) > MAX_LESSON_BYTES:
        raise LessonError(f"the lesson file is larger than {MAX_LESSON_BYTES >> 10} KiB (the limit)")
    try:
        check_toml_shape(text, max_bytes=MAX_LESSON_BYTES)
    except ScenarioError as exc:
        raise LessonError(str(exc)) from None
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise LessonError(f"not valid TOML: {exc}") from None
    except (RecursionError, MemoryError):
        raise LessonError("not valid TOML: nested too deeply or too large to read") from None
    _keys(doc, _TOP, "")
    name = doc.get("name", name_hint)
    _type(name, str, "name")
    if not re.fullmatch(r"[A-Za-z0-9_.-]{1,64}", name):
        raise LessonError(f"name: '{_short(name)[1:-1]}' — use 1 to 64 letters, digits, '_', '.' or '-'")
    title = _text(doc, "title", "", required=True)
    scenario, is_builtin = _scenario(doc, name)
    mode = _mode(doc["mode"], "mode") if "mode" in doc else (
        scenario.mode if scenario.mode in (Mode.SHADOW, Mode.NESTED) else Mode.SHADOW)
    figure = _type(doc.get("figure", bool(scenario.labels)), bool, "figure")
    items = _type(doc.get("step", []), list, "step")
    if not items:
        raise LessonError("step: at least one [[step]] is needed")
    if len(items) > MAX_STEPS:
        raise LessonError(f"step: at most {MAX_STEPS} steps")
    last = min(len(scenario.trace), MAX_AT)
    steps = []
    for i, item in enumerate(items):
        where = f"step[{i}]"
        _type(item, dict, where)
        _keys(item, _STEP, where)
        if "step" not in item:
            raise LessonError(f"{where}.step: missing (the state after how many operations?)")
        at = _type(item["step"], int, f"{where}.step")
        if not 0 <= at <= last:
            raise LessonError(f"{where}.step: {at} is not an operation of the scenario (0 to {last})")
        ask = _type(item.get("ask", []), list, f"{where}.ask")
        for j, kind in enumerate(ask):
            _type(kind, str, f"{where}.ask[{j}]")
            if kind not in KINDS:
                raise LessonError(f"{where}.ask[{j}]: '{_short(kind)[1:-1]}' is not a question kind "
                                  f"(one of {', '.join(KINDS)})")
        if ask and at == 0:
            raise LessonError(f"{where}.ask: step 0 is the machine before any operation: nothing to ask")
        if len(set(ask)) != len(ask):
            raise LessonError(f"{where}.ask: a question kind is named twice")
        if not ask and ("prompt" in item or "prompt_de" in item):
            raise LessonError(f"{where}.prompt: only a step that asks questions has a prompt (this step's text "
                              f"shows at once)")
        steps.append(LessonStep(at, _text(item, "text", where, required=True), _text(item, "text_de", where),
                                tuple(ask), _mode(item["mode"], f"{where}.mode") if "mode" in item else None,
                                _link(item["link"], f"{where}.link") if "link" in item else None,
                                _text(item, "prompt", where), _text(item, "prompt_de", where)))
    return Lesson(name, title, _text(doc, "title_de", ""), _text(doc, "intro", ""), _text(doc, "intro_de", ""),
                  scenario, is_builtin, mode, figure, tuple(steps))


def check_answers(lesson: Lesson) -> None:
    """Run the lesson's scenario and check that every step's ``ask`` has an answer there (a
    question about a TLB outcome needs an access, ...); :class:`LessonError` names the first
    that has none."""
    for mode in sorted({lesson.mode_of(i) for i in range(len(lesson.steps))}, key=lambda m: m.value):
        wanted = [(i, s) for i, s in enumerate(lesson.steps) if s.ask and lesson.mode_of(i) is mode]
        if not wanted:
            continue
        m = lesson.scenario.machine(mode)
        last = max(s.at for _i, s in wanted)
        asked = {s.at for _i, s in wanted}
        records = {}
        for k in range(last):  # only the records asked about are kept: a lesson may ask at step 1,000,000
            rec = m.execute(lesson.scenario.trace[k], k)
            if k + 1 in asked:
                records[k + 1] = rec
        for i, s in wanted:
            for j, kind in enumerate(s.ask):
                rec = records[s.at]
                if make_question(kind, rec, mode) is None:
                    op = lesson.scenario.trace[s.at - 1].describe()
                    why = ("it makes no memory access" if rec.tlb is TlbOutcome.NONE or getattr(rec, kind, 0) is None
                           else "its page is allocated in that very step: which frame an allocator picks cannot "
                                "be predicted")
                    raise LessonError(f"step[{i}].ask[{j}]: operation {s.at} ({op}) has no answer to '{kind}' "
                                      f"in {mode.value} mode ({why})")


def step_questions(lesson: Lesson, i: int) -> list:
    """The questions lesson step ``i`` asks, from the machine after its operation (run from the
    boot state: for checks and tests; the page takes the state from its cached timeline)."""
    from .questions import questions_for
    s, mode = lesson.steps[i], lesson.mode_of(i)
    if not s.ask:
        return []
    m = lesson.scenario.machine(mode)
    rec = None
    for k in range(s.at):
        rec = m.execute(lesson.scenario.trace[k], k)
    return questions_for(rec, m, mode, kinds=list(s.ask))


def lesson_names() -> list[str]:
    """The built-in lessons, in their files' order (the names start with a number)."""
    return [p.stem for p in sorted(LESSON_DIR.glob("*.toml"))]


def builtin_lesson(name: str) -> Lesson:
    path = LESSON_DIR / f"{name}.toml"
    if name not in lesson_names():
        raise LessonError(f"no lesson '{name}' (lessons: {', '.join(lesson_names())})")
    return load_lesson_text(path.read_text(encoding="utf-8"), name)


# -- the learner's answers ---------------------------------------------------------------------------
def score_of(answered: Iterable[list]) -> Score:
    """One lesson's score from its recorded answers — one list of (question, given, right) per
    answered step. Computed from the record, never added up as the page runs: a step answered
    again after a restart replaces its answers, so nothing counts twice, and each lesson has its
    own score. A question left open (given None) counts for nothing."""
    score = Score()
    for results in answered:
        for _q, given, ok in results:
            score.add(ok, answered=given is not None)
    return score


# -- the answers in a link --------------------------------------------------------------------------
DONE_MAX = 1000
"""Longest ``done`` value a link may carry (characters)."""
MAX_NUMBER = 999_999_999
"""Largest number a numeric question takes (nine digits in a link)."""
_CODE = r"(?:[a-z]|[0-9]{1,9}|-)"  # ASCII digits only: \d takes "١٢" too
_DONE = re.compile(rf"[0-9]{{1,3}}(?:\.{_CODE})+(?:_[0-9]{{1,3}}(?:\.{_CODE})+)*")


class DoneError(ValueError):
    """A link's ``done`` cannot be read. ``reason`` names the problem (the page says it in the
    user's language: ``lesson.err.done.<reason>``) and ``fields`` fills in its details."""

    def __init__(self, reason: str, **fields):
        super().__init__(f"{reason}: {fields}")
        self.reason = reason
        self.fields = fields


def done_param(answered: dict) -> Optional[str]:
    """A lesson's answers for the address bar, so that a reload (a new session) keeps them:
    ``2.b.a_3.12`` — per answered step its number (as in ``step=``), then one code per question
    in the order asked: a letter for a choice (``a`` the first), a number, or ``-`` for one left
    open. The questions themselves are the same on every run (made from the step's record), so
    the given answers are all a link needs. None before the first answer."""
    parts = []
    for idx in sorted(answered):
        codes = [str(idx + 1)]
        for q, given, _ok in answered[idx]:
            if given is None:
                codes.append("-")
            elif q.choices:
                codes.append(chr(ord("a") + q.choices.index(given)))  # at most 6 choices: a to f
            else:
                codes.append(str(int(given)))
        parts.append(".".join(codes))
    return "_".join(parts) or None


def read_done(text: str, lesson: Lesson, questions_of) -> dict:
    """The answers a link's ``done`` gives for ``lesson`` — {step index: [(question, given,
    right), …]} — with ``questions_of(step index)`` the step's questions. :class:`DoneError`
    names the first problem; nothing of a bad value is taken."""
    s = text.strip()
    if len(s) > DONE_MAX or not _DONE.fullmatch(s):
        raise DoneError("form")
    out: dict = {}
    for part in s.split("_"):
        head, *codes = part.split(".")
        n = int(head)
        if not 1 <= n <= len(lesson.steps):
            raise DoneError("step", step=n, last=len(lesson.steps))
        if not lesson.steps[n - 1].ask:
            raise DoneError("nothing_asked", step=n)
        if n - 1 in out:
            raise DoneError("twice", step=n)
        qs = questions_of(n - 1)
        if len(codes) != len(qs):
            raise DoneError("count", step=n, n=len(qs), given=len(codes))
        results = []
        for k, (q, code) in enumerate(zip(qs, codes, strict=True), 1):
            if code == "-":
                given = None
            elif q.choices:
                j = ord(code) - ord("a") if len(code) == 1 and code.isalpha() else -1
                if not 0 <= j < len(q.choices):
                    raise DoneError("choice", step=n, k=k, last=chr(ord("a") + len(q.choices) - 1))
                given = q.choices[j]
            else:
                if not code.isdigit():
                    raise DoneError("number", step=n, k=k)
                given = int(code)
            results.append((q, given, q.check(given)))
        out[n - 1] = results
    return out


# -- teacher text ----------------------------------------------------------------------------------------
_INLINE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)"            # an image: shown as its characters
                     r"|\[([^\]\n]+)\]\(([^)\s]+)\)"        # a link: label (target)
                     r"|\*\*(.+?)\*\*"                      # strong
                     r"|\*([^*\s](?:[^*]*[^*\s])?)\*"       # emphasis
                     r"|(?<![A-Za-z0-9])_([^_\s](?:[^_]*[^_\s])?)_(?![A-Za-z0-9])")
_ITEM = re.compile(r"^(\s*)([-*+]|\d{1,3}[.)])\s+(.*)$")


def _inline(s: str) -> str:
    out, pos = [], 0
    for m in _INLINE.finditer(s):
        out.append(plain(s[pos:m.start()], limit=MAX_TEXT))
        if m.group(1) is not None:
            out.append(f"{plain(m.group(1), limit=MAX_TEXT)} ({plain(m.group(2), limit=MAX_TEXT)})")
        elif m.group(3) is not None:
            out.append(f"**{plain(m.group(3), limit=MAX_TEXT)}**")
        elif m.group(4) is not None or m.group(5) is not None:
            out.append(f"*{plain(m.group(4) or m.group(5), limit=MAX_TEXT)}*")
        else:
            out.append(plain(m.group(0), limit=MAX_TEXT))
        pos = m.end()
    out.append(plain(s[pos:], limit=MAX_TEXT))
    return "".join(out)


def safe_markdown(text: str) -> str:
    """Teacher text as Markdown that can only emphasise, list and show links with their
    targets (as text): no raw HTML, no images, no headings, tables or code — those are shown
    as the characters they are (:func:`visualizer.text.plain.plain`)."""
    lines = []
    for line in text.replace("\r\n", "\n").split("\n"):
        m = _ITEM.match(line)
        if m:
            marker = "-" if m.group(2) in "-*+" else m.group(2)[:-1] + "."
            indent = "  " * min(3, len(m.group(1)) // 2)
            lines.append(f"{indent}{marker} {_inline(m.group(3))}")
        else:
            lines.append(_inline(line.strip()))
    return "\n".join(lines)


def _inline_html(s: str) -> str:
    out, pos = [], 0
    for m in _INLINE.finditer(s):
        out.append(html.escape(s[pos:m.start()], quote=False))
        if m.group(1) is not None:
            out.append(f"{html.escape(m.group(1), quote=False)} ({html.escape(m.group(2), quote=False)})")
        elif m.group(3) is not None:
            out.append(f"<strong>{html.escape(m.group(3), quote=False)}</strong>")
        elif m.group(4) is not None or m.group(5) is not None:
            out.append(f"<em>{html.escape(m.group(4) or m.group(5), quote=False)}</em>")
        else:
            out.append(html.escape(m.group(0), quote=False))
        pos = m.end()
    out.append(html.escape(s[pos:], quote=False))
    return "".join(out)


def safe_html(text: str) -> str:
    """Teacher text as HTML by the rules of :func:`safe_markdown` (for a page without Markdown,
    such as an exported lesson): paragraphs, lists, emphasis, links shown as their label and
    target in text; everything else escaped, shown as the characters it is."""
    blocks: list[str] = []
    para: list[str] = []
    items: list[str] = []
    ordered = False

    def flush() -> None:
        nonlocal ordered
        if para:
            blocks.append("<p>" + " ".join(para) + "</p>")
            para.clear()
        if items:
            tag = "ol" if ordered else "ul"
            blocks.append(f"<{tag}>" + "".join(f"<li>{x}</li>" for x in items) + f"</{tag}>")
            items.clear()

    for line in text.replace("\r\n", "\n").split("\n"):
        m = _ITEM.match(line)
        if m:
            if para:
                flush()
            is_ordered = m.group(2) not in "-*+"
            if items and is_ordered != ordered:
                flush()
            ordered = is_ordered
            items.append(_inline_html(m.group(3)))
        elif not line.strip():
            flush()
        else:
            if items:
                flush()
            para.append(_inline_html(line.strip()))
    flush()
    return "".join(blocks)
