"""Streamlit helpers shared by the pages: language, active scenario, deep links, caches, links.

Session-state keys are documented in :mod:`visualizer.app`.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import streamlit as st
from streamlit.errors import StreamlitAPIException

from .. import executor
from ..engine import Mode, Scenario, ScenarioError, builtin, builtin_names, load_scenario_text
from ..engine.isolate import IsolationError, run_isolated
from ..learn import exercises as X
from ..render.dot import to_dot
from ..render.figure import Figure
from ..text.i18n import LANG_NAMES, LANGS, UNTRANSLATED_STREAMLIT_TEXTS, normalize_lang, number, t
from ..text.plain import plain
from ..render.svg import to_svg
from . import budget, guard, housekeeping, resume, stage
from .session import Timeline, scenario_key
from .bytecache import ByteLru
from .uploads import UploadStore

guard.install()  # browser messages are checked before Streamlit decodes them
housekeeping.start()  # what ended sessions leave goes back to the system, once a minute
housekeeping.install()  # a shut-down session lets go of its state at once
resume.install()  # a resumed session's answers go over its new websocket

ROOT = Path(__file__).resolve().parents[2]
"""The folder holding Home.py and pages/."""
DEFAULT_SCENARIO = "esxi-figure"


@dataclass(frozen=True, slots=True)
class PageSpec:
    """One page of the app."""

    path: str
    """The page file, relative to ROOT."""
    title: str
    """i18n key of its name in the sidebar and the browser tab."""
    label: str
    """i18n key of its longer name in the home page's list of pages."""
    url_path: str
    """Its address under the app ("" for home): links on slides use these, so they never change."""
    icon: str


PAGES = (
    PageSpec("pages/0_Home_page.py", "nav.home", "page.home", "", ":material/home:"),
    PageSpec("pages/1_Step_through.py", "nav.step", "page.step", "Step_through", ":material/footprint:"),
    PageSpec("pages/5_Lessons.py", "nav.lessons", "page.lessons", "Lessons", ":material/school:"),
    PageSpec("pages/6_Practice.py", "nav.practice", "page.practice", "Practice", ":material/quiz:"),
    PageSpec("pages/2_Compare.py", "nav.compare", "page.compare", "Compare", ":material/compare_arrows:"),
    PageSpec("pages/8_Overcommit.py", "nav.overcommit", "page.overcommit", "Overcommit", ":material/memory_alt:"),
    PageSpec("pages/3_Costs.py", "nav.costs", "page.costs", "Costs", ":material/payments:"),
    PageSpec("pages/7_Glossary.py", "nav.glossary", "page.glossary", "Glossary", ":material/menu_book:"),
    PageSpec("pages/4_About.py", "nav.about", "page.about", "About", ":material/info:"),
)
"""Every page, in the sidebar's order; the first is home."""


# -- caches: only what is the same for everyone and never changed --------------------------------
@st.cache_resource(show_spinner=False, max_entries=32)
def builtin_scenario(name: str) -> Scenario:
    return builtin(name)


@st.cache_resource(show_spinner=False, max_entries=8)
def _shared_timeline(key: str, mode_value: str, _scenario: Scenario) -> Timeline:
    # keyed by the scenario's digest; sessions clone checkpoints and never change them. Its
    # machines keep to the session budget; long stretches run in a worker (see run_task)
    return Timeline(_scenario.config, Mode(mode_value), _scenario.trace, budget=budget.MACHINE_FRAMES,
                    runner=run_task).precompute()


# -- work that ends with its session -------------------------------------------------------------
def yield_check() -> None:
    """Raise what Streamlit raises at its own yield points (every ``st`` call) when this run has
    been asked to stop — the tab closed, the session ended — or to rerun: a wait for a worker
    calls it about every 0.1 s, so the worker's job ends with the run that wanted it. Outside a
    script run (a test, a thread of its own) it does nothing."""
    try:
        from streamlit.runtime.scriptrunner_utils.exceptions import RerunException, StopException
        from streamlit.runtime.scriptrunner_utils.script_requests import ScriptRequestType
        from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx
    except ImportError:  # another Streamlit: its own st calls still stop the run
        return
    ctx = get_script_run_ctx(suppress_warning=True)
    requests = getattr(ctx, "script_requests", None)
    if requests is None:
        return
    request = requests.on_scriptrunner_yield()
    if request is None:
        return
    if request.type == ScriptRequestType.RERUN:
        raise RerunException(request.rerun_data)
    raise StopException()


def run_task(task: executor.Task):
    """Run ``task`` in a worker of the server's executor and wait for it; the wait ends (and the
    worker with it) when this session's run stops. A task without a CPU limit gets a session's."""
    if task.cpu is None:
        task = executor.Task(task.fn, task.args, task.kwargs, task.label, task.memory, task.reserve,
                             budget.TASK_CPU_SECONDS)
    return executor.default().submit(task).result(poll=yield_check)


@st.cache_resource(show_spinner=False)
def upload_store() -> UploadStore:
    """The server's uploaded traces (one store, a byte budget over all sessions)."""
    return UploadStore()


def timeline_for(scenario: Scenario, mode: Mode) -> Timeline:
    """The precomputed timeline of a scenario's own trace in ``mode``: a built-in's is shared
    between viewers; any other's (an upload, an exercise, a lesson's own) is the session's, so
    that it goes when the session ends (at most the two modes of one scenario per session)."""
    if scenario.name in builtin_names() and builtin_scenario(scenario.name) is scenario:
        return _shared_timeline(scenario_key(scenario), mode.value, scenario)
    S = st.session_state
    key = (scenario_key(scenario), mode.value)
    mine = S.get("_timelines") or {}
    if key not in mine:
        mine = {k: v for k, v in mine.items() if k[0] == key[0]}  # another scenario's go
        mine[key] = Timeline(scenario.config, mode, scenario.trace, budget=budget.MACHINE_FRAMES,
                             runner=run_task).precompute()
        S["_timelines"] = mine
    return mine[key]


SVG_CACHE_BYTES = 48 << 20
"""What the server keeps of drawn diagrams, for all sessions (a built-in's step is 10–50 KB)."""
SVG_CACHE_ITEM = 4 << 20
"""A diagram larger than this is drawn again when asked for again, not kept."""


@st.cache_resource(show_spinner=False)
def svg_cache() -> ByteLru:
    """The server's drawn diagrams by their DOT text (a digest of it): bounded in bytes."""
    return ByteLru(SVG_CACHE_BYTES, SVG_CACHE_ITEM)


def draw(fig: Figure) -> tuple[str, str, str]:
    """(DOT text, SVG, what drew it) for a figure; SVG is cached by the DOT text."""
    dot_text = to_dot(fig)
    key = hashlib.blake2b(dot_text.encode("utf-8"), digest_size=20).digest()
    svg, engine = svg_cache().get_or_make(key, lambda: to_svg(fig))
    return dot_text, svg, engine


# -- deep links ----------------------------------------------------------------------------------
RECENT_PARAMS = 16
"""Values of a parameter this session wrote lately that are still no link being opened."""


def incoming(names: tuple[str, ...]) -> dict[str, str]:
    """Query parameters that differ from what this session wrote: a link being opened.

    A click can reach the server with the address the browser showed *before* it applied the
    last update (the diagram of step 12 is up, the address still says step=11, a presenter's
    clicker is fast): a value this session itself wrote lately on this page is such an echo, not
    a link — taking it as one would send the view back a step and lose the click. Coming from
    another page forgets them (:func:`page_config`), so an in-app link to a step is followed."""
    written = st.session_state.get("_qp_written", {})
    recent = st.session_state.get("_qp_recent", {})
    out = {}
    for k in names:
        v = st.query_params.get(k)
        if v is not None and written.get(k) != v and v not in recent.get(k, ()):
            out[k] = v
    return out


def write_params(**values: Optional[object]) -> None:
    """Make the address bar a permanent link to the current view (None removes a parameter)."""
    written = st.session_state.setdefault("_qp_written", {})
    for k, v in values.items():
        if v is None:
            if k in st.query_params:
                del st.query_params[k]
            written.pop(k, None)
            continue
        v = str(v)
        if st.query_params.get(k) != v:
            st.query_params[k] = v
        if written.get(k) != v:
            recent = st.session_state.setdefault("_qp_recent", {}).setdefault(k, [])
            recent.append(v)
            del recent[:-RECENT_PARAMS]
        written[k] = v


def link_number(value: str, last: int) -> Optional[int]:
    """A whole number from 0 to ``last`` written in a link, or None. ASCII digits only and at
    most 20 of them: ``str.isdigit`` accepts "²" (which ``int`` refuses) and ``int`` reads
    "١٢" as 12 and refuses 5,000 digits with a ValueError — a link gets a message instead."""
    s = (value or "").strip()
    if not s or len(s) > 20 or not s.isascii() or not s.isdigit():
        return None
    n = int(s)
    return n if n <= last else None


# -- language -----------------------------------------------------------------------------------
def language(messages: list[str]) -> str:
    """The interface language: the ``lang`` link parameter when one was opened, else the
    session's. A bad value adds a message and keeps the current language."""
    S = st.session_state
    q = incoming(("lang",)).get("lang")
    if q is not None:
        code = normalize_lang(q)
        if code is None:
            messages.append(t("err.lang", S.get("lang", "en"), value=plain(q)))
        else:
            S["lang"] = code
    if S.get("lang") not in LANGS:
        S["lang"] = "en"
    return S["lang"]


def _on_lang() -> None:
    st.session_state["lang"] = st.session_state["_lang_widget"]


def language_switch(lang: str, container=None, label_visibility: str = "visible") -> None:
    """The language switch (in the sidebar unless ``container`` is given)."""
    c = container or st.sidebar
    st.session_state["_lang_widget"] = lang
    c.radio(t("app.language", lang), LANGS, key="_lang_widget", format_func=LANG_NAMES.get, horizontal=True,
            on_change=_on_lang, label_visibility=label_visibility)


# -- widgets whose labels change with the language ----------------------------------------------
def localized(widget, label: str, options, key: str, lang: str, *, default=None, on_change=None, args=(),
              **kw):
    """A choice widget (``st.radio``, ``st.selectbox``, ``st.select_slider``, ``st.pills``, … or
    the same method of a container/column) whose option labels change with the language, that
    keeps its value across language switches in any order.

    Streamlit 1.67 keeps a radio's or select box's value by its *formatted label*: after a
    switch the browser sends the old language's label, which no longer names an option, and the
    widget returns that string (``Mode("shadow page tables (software)")`` then raises). So the
    widget's key carries the language (``_{key}.{lang}``: a fresh widget per language) and the
    value lives in ``st.session_state[key]``, copied into the widget before it is drawn and back
    in its callback. Returns the chosen option (always one of ``options``).

    Use it as ``mode = ui.localized(st.radio, label, list(MODES), "mode", lang,
    format_func=lambda m: mode_label(m, lang), horizontal=True, on_change=on_mode)`` and
    read ``st.session_state["mode"]`` in callbacks (not the widget's key)."""
    S = st.session_state
    options = list(options)
    if S.get(key) not in options:
        S[key] = default if default in options else options[0]
    wkey = f"_{key}.{lang}"
    for other in LANGS:  # the other languages' widgets are gone: forget their stale labels
        if other != lang:
            S.pop(f"_{key}.{other}", None)
    S[wkey] = S[key]

    def changed() -> None:
        value = S.get(wkey)
        if value in options:
            S[key] = value
        if on_change is not None:
            on_change(*args)

    value = widget(label, options, key=wkey, on_change=changed, **kw)
    return value if value in options else S[key]


# -- the active scenario ------------------------------------------------------------------------
def set_scenario(scenario: Scenario, is_builtin: bool, link: Optional[str] = None) -> None:
    """Make ``scenario`` the session's; ``link`` is what a link's ``scenario`` parameter says to
    open it again (a built-in's name by default; an upload has none)."""
    S = st.session_state
    S["scenario"] = scenario
    S["scenario_name"] = scenario.name
    S["scenario_builtin"] = is_builtin
    S["scenario_link"] = (scenario, link if link is not None else (scenario.name if is_builtin else None))


def _scenario_link() -> Optional[str]:
    """The link name of the session's scenario (None for an upload, or a scenario set otherwise)."""
    S = st.session_state
    of, link = S.get("scenario_link") or (None, None)
    return link if of is S.get("scenario") else None


def scenario(messages: list[str], lang: str) -> Scenario:
    """The active scenario: the ``scenario`` link parameter when one was opened (built-ins
    only), else the session's, else the default."""
    S = st.session_state
    if "scenario" not in S:
        set_scenario(builtin_scenario(DEFAULT_SCENARIO), True)
    q = incoming(("scenario",)).get("scenario")
    if q is not None:
        name = q.strip()
        if name.startswith(UPLOAD_PREFIX):
            if S.get("scenario_builtin") or S.get("scenario_name") != name[len(UPLOAD_PREFIX):]:
                # uploads live in the session that made them: say so rather than show another
                messages.append(t("err.scenario_upload", lang, value=plain(name[len(UPLOAD_PREFIX):]),
                                  fallback=plain(S["scenario_name"])))
        elif name.startswith(X.LINK_PREFIX):
            if _scenario_link() != name:
                try:
                    ex = X.from_link(name)
                    set_scenario(load_scenario_text(ex.scenario, f"exercise-{ex.seed}-{ex.index + 1}"), False,
                                 link=X.link_name(ex))
                except (ValueError, ScenarioError):
                    messages.append(t("err.scenario_exercise", lang, value=plain(q), kinds=", ".join(X.KINDS),
                                      seed=number(X.MAX_SEED, lang), n=X.MAX_COUNT, fallback=plain(S["scenario_name"])))
        elif name in builtin_names():
            if not (S.get("scenario_builtin") and S.get("scenario_name") == name):
                set_scenario(builtin_scenario(name), True)
        else:
            messages.append(t("err.scenario", lang, value=plain(q), fallback=plain(S["scenario_name"]),
                              names=", ".join(builtin_names())))
    return S["scenario"]


UPLOAD_PREFIX = "upload:"
"""``scenario=upload:NAME`` in a link names an uploaded scenario (only its own session has it)."""


def scenario_param() -> str:
    """What the ``scenario`` link parameter says about the active scenario: a built-in's name,
    ``exercise:KIND:SEED:N`` for a Practice exercise's, ``upload:NAME`` for an uploaded one."""
    S = st.session_state
    if S.get("scenario_builtin"):
        return S["scenario_name"]
    return _scenario_link() or UPLOAD_PREFIX + S["scenario_name"]


MAX_UPLOAD_BYTES = 1 << 20


def load_upload(name: str, data: bytes, lang: str = "en") -> tuple[Optional[Scenario], Optional[str]]:
    """A scenario from an uploaded file: (scenario, None), or (None, what is wrong with it)."""
    if len(data) > MAX_UPLOAD_BYTES:
        return None, t("err.upload_size", lang, kib=MAX_UPLOAD_BYTES >> 10)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None, t("err.upload_utf8", lang)
    try:
        # parsed in a child process (lower priority, memory-limited, stopped when the session
        # is): a hostile file ends the child, not the server, and the server's thread only waits;
        # a scenario too large for a session is refused there, with the figure
        return run_isolated(budget.load_checked, text, name.rsplit(".", 1)[0] or "upload", poll=yield_check), None
    except budget.ScenarioTooLarge as exc:
        return None, t("err.scenario_budget", lang, need=exc.need >> 20, limit=exc.limit >> 20,
                       ops=number(exc.ops, lang))
    except (ScenarioError, ValueError, OverflowError) as exc:
        return None, str(exc)
    except (RecursionError, MemoryError, IsolationError):
        return None, t("err.upload_shape", lang)


def _css_string(text: str) -> str:
    """``text`` as a CSS string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _size(n: int) -> str:
    return f"{n >> 20}\u00a0MiB" if n >= 1 << 20 and not n % (1 << 20) else f"{n >> 10}\u00a0KiB"


def uploader(label: str, types: list[str], key: str, lang: str, max_bytes: int, container=None, **kw):
    """``st.file_uploader`` whose own texts speak the page's language and state the app's limit.

    Streamlit draws its button ("Upload") and a note with the server's upload limit ("200MB per
    file • TOML") itself and cannot translate them; the note's limit is not the app's either. The
    uploader's container (class ``st-key-<key>``) gets a style that draws both texts from the
    catalogue instead."""
    where = container or st
    cls = "st-key-" + re.sub(r"[^a-zA-Z0-9_-]", "-", key.strip())
    note = t("upload.note", lang, types=", ".join(x.upper() for x in types), size=_size(max_bytes))
    zone = f".{cls} [data-testid=stFileUploaderDropzone]"
    up = where.file_uploader(label, type=types, key=key, **kw)
    html(f"""<style>
{zone} button [data-testid=stMarkdownContainer] p {{ font-size: 0 !important; }}
{zone} button [data-testid=stMarkdownContainer] p::after {{ content: {_css_string(t("upload.button", lang))}; font-size: 14px; }}
{zone} [data-testid=stFileUploaderDropzoneInstructions] span {{ font-size: 0 !important; white-space: normal !important;
  overflow: visible !important; }}
{zone} [data-testid=stFileUploaderDropzoneInstructions] span::after {{ content: {_css_string(note)}; font-size: 14px;
  line-height: 1.4; }}
</style>""", where)
    return up


# -- page setup and navigation ------------------------------------------------------------------
def about(lang: str) -> str:
    """The About box: what the tool is, and the Streamlit texts that stay English."""
    untranslated = "\n".join(f"- {de if lang == 'de' else en}" for en, de in UNTRANSLATED_STREAMLIT_TEXTS)
    return f"{t('about.text', lang)}\n\n{t('about.untranslated', lang)}\n\n{untranslated}"


def _run_by_the_pages_folder() -> bool:
    """Whether Streamlit ran this page by its old pages/ folder routing instead of Home.py.

    With a pages/ folder next to the entry file, a server's first runs route by that folder until
    some run calls ``st.navigation`` (Streamlit PR #10276): a deep link such as /Step_through as
    the first request would run its page without Home.py, under English file names."""
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:
        return False
    return bool(getattr(PagesManager, "uses_pages_directory", False))


FAVICON = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
           '<rect width="32" height="32" rx="5" fill="#263238"/>'
           '<g fill="#80cbc4"><rect x="4" y="4" width="7" height="6" rx="1"/><rect x="18" y="4" width="7" height="6" rx="1"/></g>'
           '<g fill="#ffcc80"><rect x="4" y="13" width="7" height="6" rx="1"/><rect x="18" y="13" width="7" height="6" rx="1"/></g>'
           '<g fill="#ef9a9a"><rect x="4" y="22" width="7" height="6" rx="1"/><rect x="13" y="22" width="7" height="6" rx="1"/>'
           '<rect x="22" y="22" width="6" height="6" rx="1"/></g></svg>')
"""The app's icon in the browser tab: three rows of pages (guest-virtual, guest-physical, machine),
drawn here. A ``:material/…:`` page icon is fetched by the browser from an outside font host,
which a lecture hall without network does not reach; this one travels in the page as a data URL."""


def page_config(lang: str, title: str, entry: bool = False, **kw) -> None:
    """``st.set_page_config`` in ``lang``: the browser tab names the page (``title`` is an i18n
    key) under the app's own icon (:data:`FAVICON`); the app menu's About box lists what
    Streamlit does not translate. A page run by the
    pages/ folder's routing switches to the app's navigation and runs again through Home.py.
    ``entry``: the call of the entry file, which runs before every page — it is no page, so it
    must not make each run look like a change of page (that forgot every value the page wrote
    lately, and an echo of one was taken for a link: a fast presenter lost steps)."""
    # first: the browser takes the current page's icon for the tab (fetched from the outside font
    # host) where no page config has named one before the navigation arrives
    st.set_page_config(page_title=t("app.tab", lang, page=t(title, lang)), page_icon=FAVICON, layout="wide",
                       menu_items={"About": about(lang)}, **kw)
    if _run_by_the_pages_folder():
        navigation(lang)  # turns the folder routing off for the whole server
        st.rerun()
    dropped_warning(lang)
    if entry:
        return
    S = st.session_state
    if S.get("_qp_page") != title:  # another page: its link is a link, whatever this page wrote before
        S["_qp_page"] = title
        S.pop("_qp_recent", None)


def navigation(lang: str):
    """The sidebar's list of pages, named in ``lang``, at their fixed addresses (``st.navigation``)."""
    pages = [st.Page(p.path, title=t(p.title, lang), icon=p.icon, url_path=p.url_path, default=not p.url_path)
             for p in PAGES]
    return st.navigation(pages)


def page_links(lang: str, container=None) -> None:
    """A link to every page but home, with its longer name."""
    c = container or st
    for p in PAGES[1:]:
        try:
            c.page_link(p.path, label=t(p.label, lang), icon=p.icon)
        except (StreamlitAPIException, KeyError):
            # a page run on its own (as in tests) has no page registry to link into
            c.markdown(f"- {t(p.label, lang)}")


def lecture_link(label: str, lang: str, container=None) -> None:
    """A link that opens the seed's figure on the step page in lecture mode (figure view, step 0)."""
    c = container or st
    params = {"scenario": "esxi-figure", "mode": "shadow", "step": "0", "present": "1", "figure": "1", "lang": lang}
    try:
        c.page_link(PAGES[1].path, label=label, icon=":material/co_present:", query_params=params)
    except (StreamlitAPIException, KeyError):
        c.markdown(f"- [{label}](/{PAGES[1].url_path}?{'&'.join(f'{k}={v}' for k, v in params.items())})")


def html(markup: str, container=None) -> None:
    """Show HTML with inline SVG. ``st.html`` sanitizes SVG away; ``st.markdown`` keeps it (with
    its ids and classes) as long as the block has no blank line, so newlines are dropped."""
    (container or st).markdown(markup.replace("\n", " "), unsafe_allow_html=True)


_VIEW_JS = """
export default function(component) {
  const { data, parentElement } = component;
  let holder = parentElement.querySelector(':scope > .esxi-holder');
  if (!holder) {
    holder = document.createElement('div');
    holder.className = 'esxi-holder';
    parentElement.appendChild(holder);
  }
  const d = data && typeof data === 'object' ? data : { html: data };
  const old = holder.querySelector('.esxi-diagram');
  const left = old ? old.scrollLeft : 0;
  if (holder.__esxiShown !== d.html) {
    holder.innerHTML = d.html;
    holder.__esxiShown = d.html;
  } else {
    // the server's run confirms the step this browser showed ahead of it (nothing to parse again)
    holder.querySelectorAll('[data-ahead]').forEach(e => e.removeAttribute('data-ahead'));
  }
  // The next and the previous step's stage come with this one: a click on Step or Back (or their
  // keys) shows that stage at once, while the server runs the step; the server's answer then
  // confirms it (or, should it differ, replaces it). Shown ahead, its elements carry data-ahead
  // until then.
  holder.__esxiBeside = { ahead: d.ahead || null, behind: d.behind || null };
  if (!window.__esxiStepAhead) {
    window.__esxiStepAhead = (which = 'ahead') => {
      for (const h of document.querySelectorAll('.esxi-holder')) {
        const html = h.__esxiBeside && h.__esxiBeside[which];
        if (!html) continue;
        const o = h.querySelector('.esxi-diagram');
        const l = o ? o.scrollLeft : 0;
        if (!h.querySelector('[data-ahead]')) h.__esxiSaved = { shown: h.__esxiShown, beside: h.__esxiBeside };
        h.innerHTML = html;
        h.__esxiShown = html;
        h.__esxiBeside = { ahead: null, behind: null };  // they were beside the step left behind
        h.querySelectorAll('[data-step]').forEach(e => e.setAttribute('data-ahead', ''));
        window.__esxiSettle(h, l);
      }
    };
    // a step shown ahead whose press never reached the server goes back to the server's step
    window.__esxiAheadUndo = () => {
      for (const h of document.querySelectorAll('.esxi-holder')) {
        if (!h.querySelector('[data-ahead]') || !h.__esxiSaved) continue;
        h.innerHTML = h.__esxiSaved.shown;
        h.__esxiShown = h.__esxiSaved.shown;
        h.__esxiBeside = h.__esxiSaved.beside;
        window.__esxiSettle(h, 0);
      }
    };
    // the buttons whose press shows a step beside: the keys' script (page_keys) presses them, by
    // key or by click, and shows that step in the same task
    window.__esxiBesideOf = { step_forward: 'ahead', lec_forward: 'ahead', step_back: 'behind', lec_back: 'behind' };
  }
  if (!window.__esxiSettle) window.__esxiSettle = settle;
  settle(holder, left);
}

function settle(holder, left) {
  if (!window.__esxiFit) {
    // the stage fills the rest of the viewport: CSS sizes it from where it begins (visualizer.app.stage)
    const fit = () => {
      const root = document.documentElement.style;
      for (const [sel, name] of [['.esxi-stage', '--esxi-stage-top'], ['.esxi-stage .esxi-side', '--esxi-side-top'],
                                 ['.st-key-predict_box', '--esxi-ask-top'], ['.lec-stage', '--esxi-lec-top']]) {
        const el = document.querySelector(sel);
        if (!el) continue;
        let y = el.getBoundingClientRect().top + window.scrollY;
        for (let p = el.parentElement; p; p = p.parentElement) y += p.scrollTop;  // in the page, not the window
        const v = Math.round(y) + 'px';
        if (root.getPropertyValue(name) !== v) root.setProperty(name, v);
      }
    };
    let queued = false;
    window.__esxiFit = () => { if (!queued) { queued = true; requestAnimationFrame(() => { queued = false; fit(); }); } };
    window.__esxiFitNow = fit;
    window.addEventListener('resize', window.__esxiFit);
    const content = document.querySelector('[data-testid=stMainBlockContainer]') || document.body;
    if (window.ResizeObserver) new ResizeObserver(window.__esxiFit).observe(content);
  }
  window.__esxiFitNow();
  if (window.__esxiPaginateAll) window.__esxiPaginateAll();
  if (!window.__esxiHover) {
    // pointing at a narration line highlights the pages and arrows it speaks of
    window.__esxiHover = true;
    const css = document.createElement('style');
    css.textContent = '.esxi-diagram svg g.hl rect, .esxi-diagram svg g.hl path, .esxi-diagram svg g.hl polygon' +
      '{stroke:#d55e00 !important;stroke-width:3.5px !important} li.hl{background:#fff3e0;outline:2px solid #d55e00}' +
      '.esxi-diagram svg g.row-label text, .esxi-diagram svg g.cluster > text' +
      '{paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}' +
      // an opened why? reflows a two-column list out of reading order: one column while one is open
      'ol.narration:has(details[open]){column-count:1 !important}';
    document.head.appendChild(css);
    const mark = (ev, on) => {
      const li = ev.target && ev.target.closest ? ev.target.closest('li[data-ids]') : null;
      if (!li) return;
      const ids = new Set(li.dataset.ids.split(' '));
      document.querySelectorAll('.esxi-diagram svg g.node, .esxi-diagram svg g.edge').forEach(g => {
        let hit = false;
        if (g.classList.contains('node')) hit = ids.has(g.id);
        else { const e = (g.dataset.edge || '').split('->'); hit = e.length === 2 && ids.has(e[0]) && ids.has(e[1]); }
        if (hit) g.classList.toggle('hl', on);
      });
      li.classList.toggle('hl', on);
    };
    document.addEventListener('mouseover', ev => mark(ev, true));
    document.addEventListener('mouseout', ev => mark(ev, false));
    document.addEventListener('focusin', ev => mark(ev, true));
    document.addEventListener('focusout', ev => mark(ev, false));
  }
  // a diagram wider than the page scrolls: the row names and the VM and process headings
  // move along, so that a scrolled diagram still says which row and which VM is which
  const pin = (box) => {
    const svg = box.querySelector('svg');
    const vb = svg && svg.viewBox && svg.viewBox.baseVal;
    const w = svg ? svg.getBoundingClientRect().width : 0;
    if (!vb || !vb.width || !w) return;
    const dx = box.scrollLeft * vb.width / w;
    svg.querySelectorAll('g.row-label').forEach(g => {
      let plate = g.querySelector('rect.plate');
      if (!plate) {  // a white plate, so that the name reads over the pages it passes
        const b = g.getBBox();
        plate = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
        plate.setAttribute('class', 'plate');
        for (const [k, v] of [['x', b.x - 3], ['y', b.y - 2], ['width', b.width + 6], ['height', b.height + 4],
                              ['rx', 3], ['fill', '#fff'], ['stroke', '#546e7a'], ['stroke-width', 0.6]])
          plate.setAttribute(k, v);
        g.insertBefore(plate, g.firstChild);
      }
      plate.style.display = dx > 0 ? '' : 'none';
      if (dx > 0) g.setAttribute('transform', `translate(${dx} 0)`); else g.removeAttribute('transform');
    });
    svg.querySelectorAll('g.cluster').forEach(g => {
      const frame = g.querySelector('rect, polygon'), head = g.querySelector('text');
      if (!frame || !head) return;
      const f = frame.getBBox(), h = head.getBBox();
      const shift = Math.max(0, Math.min(dx, f.x + f.width - h.x - h.width - 6));
      if (shift > 0) head.setAttribute('transform', `translate(${shift} 0)`); else head.removeAttribute('transform');
    });
  };
  // every box listens (once): one that fits now may scroll once the page has settled its layout
  holder.querySelectorAll('.esxi-diagram').forEach(b => {
    if (!b.__esxiPinned) { b.__esxiPinned = true; b.addEventListener('scroll', () => pin(b), { passive: true }); }
  });
  // keep the current access in view
  const box = holder.querySelector('.esxi-diagram');
  if (!box || box.scrollWidth <= box.clientWidth) return;
  box.scrollLeft = left;
  const rects = [...box.querySelectorAll('g.node.current')].map(n => n.getBoundingClientRect());
  if (!rects.length) return;
  const b = box.getBoundingClientRect();
  let lo = Math.min(...rects.map(r => r.left)), hi = Math.max(...rects.map(r => r.right));
  if (hi - lo > b.width) hi = rects[0].right, lo = rects[0].left;  // the path is wider: show its start
  if (lo < b.left || hi > b.right) box.scrollLeft += (lo + hi) / 2 - (b.left + b.width / 2);
  pin(box);
}
"""


@st.cache_resource(show_spinner=False)
def _svg_component():
    try:
        from streamlit.components import v2
    except ImportError:  # Streamlit before components v2: fall back to markdown
        return None
    return v2.component("esxi_svg_view", js=_VIEW_JS, isolate_styles=False)


def svg_view(markup: str, key: str, ahead: Optional[str] = None, behind: Optional[str] = None) -> None:
    """Show a large block of HTML with inline SVG. A components-v2 element sets it as innerHTML,
    which the browser parses natively — for a diagram of hundreds of pages markdown's parser,
    which builds a React element per SVG node, is markedly slower. The SVG sits in the page's
    own DOM (no iframe, no shadow root), so its ids and classes are there for tests and styles.

    ``ahead``, ``behind``: the same view one step forward and one back. The browser keeps them and
    shows one as soon as Step or Back is clicked (or its key pressed), instead of after the
    server's run — the run then sends the same markup, which the browser only confirms (its
    elements lose ``data-ahead``)."""
    comp = _svg_component()
    if comp is None:
        html(markup)
    else:
        # each run's data differs (``run``), so the browser hears of every run: one that leaves the
        # step where it was (a failed step) takes back a step shown ahead
        run = st.session_state.get("_svg_run", 0) + 1
        st.session_state["_svg_run"] = run
        comp(data={"html": markup, "ahead": ahead or "", "behind": behind or "", "run": run}, key=key)


# -- lecture mode ---------------------------------------------------------------------------------
LECTURE_KEYS = {"ArrowRight": "lec_forward", " ": "lec_forward", "PageDown": "lec_forward",
                "ArrowLeft": "lec_back", "PageUp": "lec_back", "Home": "lec_reset", "m": "lec_mode",
                "M": "lec_mode", "ArrowDown": "page:+1", "ArrowUp": "page:-1"}
"""Keys of the lecture view → the button they press (a presenter's clicker sends PageDown/PageUp);
``page:±1`` turns the narration's page (a long one runs on in columns to the right)."""

_KEYS_JS = """
const RESEND_MS = 6000;
export default function(component) {
  const d = component.data || {};
  window.__esxiLectureKeys = d.keys || {};
  // the server runs the pressed button's callback from an ordered log of presses (see page_keys):
  // presses are numbered per page load; the server says which it has run (ack), those leave the log
  window.__esxiPageId = window.__esxiPageId || (Date.now().toString(36) + Math.random().toString(36).slice(2, 8));
  if (Array.isArray(d.ack) && d.ack[0] === window.__esxiPageId && window.__esxiPressLog) {
    window.__esxiPressLog = window.__esxiPressLog.filter(e => e[0] > d.ack[1]);
    if (!window.__esxiPressLog.length) window.__esxiResent = 0;
  }
  window.__esxiKeysSend = (log) => {
    window.__esxiPressSentAt = Date.now();
    component.setTriggerValue('press', {page: window.__esxiPageId, log: log});
  };
  window.__esxiKeysSeenAt = Date.now();
  if (window.__esxiPaginateAll) window.__esxiPaginateAll();
  if (window.__esxiKeyHandler) return;
  // A press the server has not acknowledged a while after it was sent, with no word from the
  // server since, is sent again (with the presses after it): a press sent while the page was
  // still being set up can be lost on the way. The server runs each numbered press once, so a
  // press that was only slow does not run twice; after three tries the log is let go.
  setInterval(() => {
    const log = window.__esxiPressLog;
    if (!log || !log.length || !window.__esxiKeysSend) return;
    if (Date.now() - Math.max(window.__esxiPressSentAt || 0, window.__esxiKeysSeenAt || 0) < RESEND_MS) return;
    window.__esxiResent = (window.__esxiResent || 0) + 1;
    if (window.__esxiResent > 3) {
      window.__esxiPressLog = []; window.__esxiResent = 0;
      if (window.__esxiAheadUndo) window.__esxiAheadUndo();
      return;
    }
    window.__esxiKeysSend(log);
  }, 1000);
  window.__esxiKeyHandler = (ev) => {
    const map = window.__esxiLectureKeys || {};
    const key = map[ev.key];
    if (!key || ev.altKey || ev.ctrlKey || ev.metaKey) return;
    // A clicker sends PageDown/PageUp: those always work, also right after the room's answer was
    // clicked or typed (focus then sits in the field). Other keys typed into a text field stay
    // there, and a choice keeps its own arrow and space keys (they move the selection).
    const t = ev.target;
    const tag = t && t.tagName;
    const choice = tag === 'INPUT' && ['radio', 'checkbox'].includes((t.type || '').toLowerCase());
    const typing = !!t && (t.isContentEditable || tag === 'TEXTAREA' || tag === 'SELECT' || (tag === 'INPUT' && !choice));
    const clicker = ev.key === 'PageDown' || ev.key === 'PageUp';
    if (typing && !clicker) return;
    // a radio group's arrows move its choice; a switch (checkbox) has none of its own: they step
    const radio = choice && (t.type || '').toLowerCase() === 'radio';
    if (choice && !clicker && ((radio && ev.key.startsWith('Arrow')) || ev.key === ' ')) return;
    if (key.startsWith('page:')) {
      const dir = key === 'page:-1' ? -1 : 1;
      const boxes = [...document.querySelectorAll('.esxi-paged')].filter(b => b.__pages && b.__pages.length > 1);
      if (!boxes.length) return;
      ev.preventDefault();
      boxes.forEach(b => window.__esxiShowPage(b, b.__page + dir));
      return;
    }
    const find = () => document.querySelector('.st-key-' + key + ' button');
    const press = () => window.__esxiPress(key);
    if (!find()) {
      // The lecture view is drawn but its buttons are not there yet (the page is still being
      // built — a presenter presses right after it appears): the press waits for its button,
      // up to 5 s, instead of being lost. Elsewhere a key keeps its own meaning.
      if (!document.querySelector('.esxi-diagram.lecture')) return;
      ev.preventDefault();
      let tries = 50;
      const wait = () => {
        const b = find();
        if (b && !b.disabled) press();
        else if (!b && --tries > 0) setTimeout(wait, 100);
      };
      setTimeout(wait, 100);
      return;
    }
    ev.preventDefault();
    if (find().disabled) return;
    // Step's and Back's keys show the step beside at once, as a click does (see svg_view)
    const ahead = () => {
      const which = window.__esxiBesideOf && window.__esxiBesideOf[key];
      if (which && window.__esxiStepAhead) window.__esxiStepAhead(which);
    };
    if (typing) {
      t.blur();  // the field hands its value to Streamlit on blur; the press follows it
      setTimeout(() => { press(); setTimeout(ahead, 0); }, 60);
    } else {
      press();
      ahead();  // in this task (see the click listener below)
    }
  };
  document.addEventListener('keydown', window.__esxiKeyHandler);
  window.__esxiPress = (key) => {
    window.__esxiPressSeq = (window.__esxiPressSeq || 0) + 1;
    window.__esxiPressLog = (window.__esxiPressLog || []).concat([[window.__esxiPressSeq, key]]).slice(-32);
    window.__esxiKeysSend(window.__esxiPressLog);
  };
  // A click on a button the keys press (Step, Back, …) is a press too, numbered like a key's:
  // Streamlit folds clicks of one button that reach the server before the rerun of the first has
  // started into one (five clicks in a row lost one to three steps in 7 runs of 8, measured in
  // Chromium). Taken here, before Streamlit's own handler; a click with Enter or Space on the
  // focused button comes this way too.
  document.addEventListener('click', ev => {
    const b = ev.target && ev.target.closest ? ev.target.closest('button') : null;
    const cell = b && !b.disabled ? b.closest('[class*="st-key-"]') : null;
    if (!cell || !window.__esxiKeysSend) return;
    const pressed = new Set(Object.values(window.__esxiLectureKeys || {}));
    const key = [...cell.classList].map(c => c.startsWith('st-key-') ? c.slice(7) : '').find(k => pressed.has(k));
    if (!key) return;
    ev.preventDefault();
    ev.stopPropagation();
    window.__esxiPress(key);
    // the step beside at once, in this task: a task queued behind it (the rest of the last
    // step's answer being drawn) would hold it back
    const which = window.__esxiBesideOf && window.__esxiBesideOf[key];
    if (which && window.__esxiStepAhead) window.__esxiStepAhead(which);
  }, true);
  // A long narration is shown a page at a time — whole items, in reading order, in two columns
  // (one per mode in "both"); ↓ / ↑ turn the pages, "↓ more 1/3" says that more follow.
  // the part of a box above the window's bottom edge (the stage above it may grow after paging)
  const visibleHeight = (box) => Math.max(0, Math.round(window.innerHeight - box.getBoundingClientRect().top));
  const sizeOf = (box) => box.clientWidth + 'x' + Math.min(box.clientHeight, visibleHeight(box));
  const boxesOf = () => [...document.querySelectorAll('.lecture-narration:not(.in-both), .lecture-narration .both-narration > div')];
  const paginate = (box) => {
    const src = box.querySelector(':scope > ol.narration');
    if (!src && box.__items) return;  // paged already (a new step brings a new box)
    if (!src) return;
    const items = [...src.children];
    const cols = box.closest('.both-narration') ? 1 : 2;
    const gap = 40;
    const cs = getComputedStyle(box);
    const inner = box.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
    const colW = Math.floor((inner - gap * (cols - 1)) / cols);
    const title = box.querySelector(':scope > b');
    // the room the box shows on the screen: a box reaching below the window shows less
    const room = Math.min(box.clientHeight, visibleHeight(box)) - parseFloat(cs.paddingTop) - parseFloat(cs.paddingBottom)
      - (title ? title.getBoundingClientRect().height : 0) - 2;
    // measure every item in one column of the page's column width, inside a page of its own, so
    // that the rules that shape the shown list (its left padding, its font) shape it here too
    const probe = document.createElement('div');
    probe.className = 'npage';
    probe.style.cssText = 'position:absolute;visibility:hidden;left:0;top:0;width:' + colW + 'px';
    box.appendChild(probe);
    probe.appendChild(src);
    src.style.cssText += ';margin:0';
    const tops = items.map(li => li.getBoundingClientRect().top);
    const end = src.getBoundingClientRect().bottom;
    const heights = items.map((li, i) => (i + 1 < items.length ? tops[i + 1] : end) - tops[i]);
    const pack = (room) => {
      const pages = [];
      let page = [], col = null, used = 0;
      heights.forEach((h, i) => {
        if (col === null || (used + h > room && col[1] > col[0])) {  // a new column (an item never splits)
          if (col) page.push(col);
          if (page.length === cols) { pages.push(page); page = []; }
          col = [i, i]; used = 0;
        }
        col[1] = i + 1; used += h;
      });
      if (col) page.push(col);
      if (page.length) pages.push(page);
      return pages;
    };
    let pages = pack(room);
    if (pages.length > 1) pages = pack(room - 22);  // the last line of a column clears the "↓ more" badge
    probe.remove();
    const view = document.createElement('div');
    view.className = 'npage';
    box.appendChild(view);
    box.__items = items; box.__pages = pages; box.__view = view;
    // a page that grows later (a late font wraps an item onto one more line) is checked again
    if (window.ResizeObserver) new ResizeObserver(() => {
      if (box.__view === view && !box.__fixing) window.__esxiShowPage(box, box.__page);
    }).observe(view);
    box.__size = sizeOf(box);  // paged for this size (a new one pages again)
    if (window.ResizeObserver && !box.__watched) { box.__watched = true; new ResizeObserver(() => later()).observe(box); }
    box.classList.add('esxi-paged');
    window.__esxiShowPage(box, 0);
  };
  window.__esxiShowPage = (box, k) => {
    const pages = box.__pages || [];
    if (!pages.length) return;
    k = Math.max(0, Math.min(pages.length - 1, k));
    box.__page = k;
    // a line turned away while pointed at gets no "mouseout": its highlight goes with the page
    box.querySelectorAll('li.hl').forEach(li => li.classList.remove('hl'));
    document.querySelectorAll('.esxi-diagram svg g.hl').forEach(g => g.classList.remove('hl'));
    const view = box.__view;
    view.replaceChildren(...pages[k].map(([a, b]) => {
      const ol = document.createElement('ol');
      ol.className = 'narration';
      ol.start = a + 1;
      ol.append(...box.__items.slice(a, b));
      return ol;
    }));
    box.dataset.page = String(k + 1);
    box.dataset.pages = String(pages.length);
    const more = box.closest('[data-more]');
    box.dataset.badge = (more ? more.dataset.more : '') + ' ' + (k + 1) + '/' + pages.length;
    box.classList.toggle('narr-more', k < pages.length - 1);
    // pages made from measures that have changed since (a font came late) cut an item: made again
    const cs = getComputedStyle(box);
    const limit = Math.min(box.getBoundingClientRect().bottom, window.innerHeight) - parseFloat(cs.paddingBottom)
      - (k < pages.length - 1 ? 22 : 0);
    const cut = [...view.querySelectorAll('li')].some(li => li.getBoundingClientRect().bottom > limit + 1);
    if (cut && !box.__fixing) { box.__fixing = true; try { repageBox(box); } finally { box.__fixing = false; } }
    // and once more after the layout has settled (a late style or font may wrap an item anew
    // without resizing anything an observer watches)
    else if (!cut && !box.__fixing) setTimeout(() => {
      if (box.__view === view && box.__page === k && box.isConnected) checkCut(box, view, k);
    }, 300);
  };
  const checkCut = (box, view, k) => {
    const cs = getComputedStyle(box);
    const pages = box.__pages || [];
    const limit = Math.min(box.getBoundingClientRect().bottom, window.innerHeight) - parseFloat(cs.paddingBottom)
      - (k < pages.length - 1 ? 22 : 0);
    if ([...view.querySelectorAll('li')].some(li => li.getBoundingClientRect().bottom > limit + 1)) {
      box.__fixing = true; try { repageBox(box); } finally { box.__fixing = false; }
    }
  };
  // a new size pages the narration again, from the page that holds the first item shown
  const repageBox = (box) => {
    if (!box.__items) return;
    const first = box.__pages[box.__page][0][0];
    const src = document.createElement('ol');
    src.className = 'narration';
    src.append(...box.__items);
    box.__view.remove();
    box.__items = null;
    box.prepend(src);
    paginate(box);
    window.__esxiShowPage(box, box.__pages.findIndex(p => p[p.length - 1][1] > first));
  };
  const repage = () => boxesOf().forEach(repageBox);
  // pages made before the box had its final size (its styles or the stage's measured top came
  // later) are made again for the size it has now
  window.__esxiPaginateAll = () => boxesOf().forEach(box => {
    if (box.__items && box.__size !== sizeOf(box)) repageBox(box);
    else paginate(box);
  });
  let queued = false;
  const later = () => { if (!queued) { queued = true; requestAnimationFrame(() => { queued = false; window.__esxiPaginateAll(); }); } };
  new MutationObserver(later).observe(document.body, {childList: true, subtree: true});
  let resized = null;
  window.addEventListener('resize', () => { clearTimeout(resized); resized = setTimeout(repage, 150); });
  later();  // the narration may be on the page before this script runs
  if (document.fonts) {  // a late font changes the items' heights (ready may resolve before it starts)
    document.fonts.ready.then(repage);
    document.fonts.addEventListener('loadingdone', () => setTimeout(repage, 0));
  }
}
"""


@st.cache_resource(show_spinner=False)
def _keys_component():
    try:
        from streamlit.components import v2
    except ImportError:
        return None
    return v2.component("esxi_lecture_keys", js=_KEYS_JS, isolate_styles=False)


def lecture_keys(actions: dict) -> None:
    """Make the lecture keys press the lecture buttons: ``actions`` maps each button's key to its
    callback (see :func:`page_keys`)."""
    page_keys(LECTURE_KEYS, "lecture_keys", actions)


LECTURE_CSS = """
<style>
header[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
[data-testid="stSidebarCollapsedControl"], [data-testid="stStatusWidget"] { display: none !important; }
.block-container, [data-testid="stMainBlockContainer"] { padding: 0.4rem 1rem 0 1rem !important; max-width: 100% !important; }
[data-testid="stVerticalBlock"] { gap: 0.35rem !important; }
/* the status: the step and its operation, then each summary on a line of its own; the figures
   never break, what the cycles paid for shortens first */
.lecture-status { font-size: 17px; line-height: 22px; height: var(--status); overflow: hidden; color: #102027;
  display: flex; flex-wrap: wrap; align-content: flex-start; margin: 0 0 4px 0; }
.lecture-status .head { flex: 1 1 100%; white-space: nowrap; overflow: hidden; text-overflow: ellipsis;
  height: 22px; }
.lecture-status .line { flex: 1 1 100%; display: flex; min-width: 0; white-space: nowrap; height: 22px; }
.lecture-status code { line-height: 1; }
.lecture-status .summary, .lecture-status .mode-line { display: flex; min-width: 0; gap: 0 0.3em; }
.lecture-status .fig, .lecture-status .sep, .lecture-status .mode-line > b { flex: none; }
.lecture-status .cause { flex: 0 1 auto; min-width: 1.2em; overflow: hidden; text-overflow: ellipsis; }
.lecture-status .mode-line { flex: 1 1 100%; }
.lecture-status .mode-line .summary { min-width: 0; }
.esxi-diagram.lecture { height: var(--diagram); overflow-x: auto; overflow-y: hidden; background: white; }
.esxi-diagram.lecture svg { display: block; margin: 0 auto; width: 100%; height: 100%; }
.figure-note { font-size: 14px; line-height: 18px; color: #37474f; height: var(--note); overflow: hidden;
  margin: 2px 0 0 0; }
.lecture-narration { height: var(--narr); overflow: hidden; border: 2px solid #37474f; position: relative;
  border-radius: 6px; padding: 4px 10px; color: #102027; font-size: 17px; line-height: 1.35; margin-top: 6px;
  background: #fff; }
/* a long narration is shown a page at a time, whole items in reading order (↓ / ↑ turn the pages) */
.lecture-narration .npage { display: flex; gap: 40px; }
.lecture-narration .npage > ol { flex: 1 1 0; min-width: 0; margin: 0; padding-left: 1.6rem;
  font-size: 17px !important; column-count: 1 !important; }
.lecture-narration ol.narration { font-size: 17px !important; }
.lecture-narration li { break-inside: avoid; }
.narr-more::after { content: attr(data-badge); position: absolute; right: 10px; bottom: 6px; background: #37474f;
  color: #fff; font-size: 14px; line-height: 20px; padding: 0 8px; border-radius: 10px; pointer-events: none; }
.lecture-narration:has(.both-narration) { padding: 4px 10px; }
.both-narration { display: flex; gap: 1.2rem; height: 100%; }
.both-narration > div { flex: 1; min-width: 0; overflow: hidden; position: relative; }
.both-narration .npage > ol { padding-left: 1.6rem; }
.both-narration > div > b { display: block; }  /* its whole line counts when the pages are made */
/* an opened "why?" is read above the narration box, whole, not cut by it */
.lecture-narration details.why[open] > .why-body { position: fixed; left: 1rem; right: 1rem;
  bottom: calc(var(--narr) + 14px); max-height: calc(100vh - var(--narr) - 120px); overflow-y: auto; z-index: 1000;
  font-size: 16px !important; box-shadow: 0 4px 18px rgba(0, 0, 0, 0.3); border: 1px solid #90a4ae; }
/* predict mode: the questions under the diagram (which keeps its smallest text at 14 px), or the
   verdicts between the diagram and the narration */
.st-key-predict_box, .predict-results { font-size: 16px; }
.st-key-predict_box { max-height: calc(100vh - var(--esxi-ask-top, 460px) - 4px); overflow-y: auto; }
.st-key-predict_box [data-testid="stRadio"] label p, .st-key-predict_box [data-testid="stWidgetLabel"] p { font-size: 15px; }
.st-key-predict_box [data-testid="stRadio"] [role="radiogroup"] { gap: 0 !important; }
.predict-results { height: var(--results); overflow-y: auto; margin-top: 4px; }
</style>
"""


def lecture_style() -> None:
    """The lecture view's styling: no Streamlit header or toolbar, tight margins, large text."""
    html(LECTURE_CSS.replace("</style>", stage.STAGE_CSS + "</style>"))


STEP_KEYS = {"ArrowRight": "step_forward", "j": "step_forward", "J": "step_forward",
             "ArrowLeft": "step_back", "k": "step_back", "K": "step_back"}
"""Keys of the step page → the button they press (not while typing in a field)."""


def step_style() -> str:
    """The step page's styling (a compact header, the stage sized to the screen), to go with the
    page's first markup (an element of its own would take a row)."""
    return "<style>" + stage.STEP_CSS + stage.STAGE_CSS + "</style>"


def show(messages: list[str]) -> None:
    for m in messages:
        st.warning(m, icon=":material/link_off:")


# -- keys for any page (the lecture keys generalized) ---------------------------------------------
MAX_PRESSES = 32
"""Presses one request may carry (the browser keeps the last 32 in its log)."""


def page_keys(mapping: dict[str, str], key: str, actions: dict, rerun: Optional[list] = None) -> None:
    """Make keys press buttons: ``mapping`` is key name (``KeyboardEvent.key``: "ArrowRight",
    "PageDown", "r", "Enter", …) → the button's widget key, ``actions`` that button's key → its
    callback (the one its click runs); keys typed into a text field stay there (a clicker's
    PageDown/PageUp excepted).

    Streamlit folds two clicks of one button that reach the server before the rerun of the first
    has started into one (a clicker pressed five times in a second lost a step in one run of five;
    five clicks in one task lost steps in 7 runs of 8, measured in Chromium). So each press — a
    key's, and a click on one of the mapped buttons, which goes this way instead of Streamlit's —
    is numbered in the browser and sent with those the server has not acknowledged; the server runs
    each press once, in order (:func:`presses_to_run`). ``rerun``: the fragments (by key) to rerun
    after the presses, where that is more than the one the keys live in."""
    comp = _keys_component()
    if comp is None:
        return
    ran = st.session_state.get(f"_{key}.ran")
    comp(data={"keys": dict(mapping), "ack": list(ran) if ran else None}, key=key,
         on_press_change=lambda: _run_presses(key, actions, rerun))
    dropped_warning(st.session_state.get("lang", "en"))


def dropped_warning(lang: str) -> None:
    """A quiet note when a message of this browser was dropped unread (see :mod:`.guard`)."""
    if guard.take_dropped() is not None:
        st.toast(t("err.message_dropped", lang), icon=":material/block:")


def presses_to_run(press, ran: Optional[tuple], buttons) -> tuple[list[str], Optional[tuple]]:
    """The presses a keys request carries (``{"page": id, "log": [[number, button], …]}``: the
    presses of one page load the server has not acknowledged yet) that have not run, in order,
    and what has run now: (page, last number). Numbers count per page load, so a reloaded page, or
    a new session after a reconnect, starts from nothing run."""
    page = press.get("page") if isinstance(press, dict) else None
    log = press.get("log") if isinstance(press, dict) else None
    if not isinstance(page, str) or not isinstance(log, list):
        return [], ran
    entries = sorted(e for e in log[-MAX_PRESSES:] if isinstance(e, list) and len(e) == 2 and isinstance(e[0], int)
                     and not isinstance(e[0], bool) and isinstance(e[1], str))
    if not entries:
        return [], ran
    seen = ran[1] if ran and ran[0] == page else 0
    # a press of a button this page does not have (one left in the log from another page) runs
    # nothing but is acknowledged: the browser sends unacknowledged presses again (see _KEYS_JS)
    run = [button for n, button in entries if n > seen and button in buttons]
    return run, (page, max(seen, entries[-1][0]))


def _run_presses(key: str, actions: dict, rerun: Optional[list] = None) -> None:
    """Run the presses of the keys component ``key`` that this session has not run yet."""
    S = st.session_state
    value = S.get(key)
    run, ran = presses_to_run(value.get("press") if isinstance(value, dict) else None, S.get(f"_{key}.ran"),
                              actions)
    S[f"_{key}.ran"] = ran
    for button in run:
        actions[button]()
    if run and rerun:
        st.rerun(rerun)  # after every press has run: a keyed rerun ends the callback


# -- the step box: shows the current step, jumps on Enter, + and − ------------------------------
_STEP_BOX_JS = """
export default function(component) {
  const { data, parentElement, setTriggerValue } = component;
  const d = data || {};
  let root = parentElement.querySelector(':scope > .step-box');
  if (!root) {
    root = document.createElement('div');
    root.className = 'step-box';
    root.innerHTML = '<button type="button" class="minus">−</button>' +
      '<input type="text" inputmode="numeric" autocomplete="off" spellcheck="false">' +
      '<button type="button" class="plus">+</button><button type="button" class="go"></button>';
    parentElement.appendChild(root);
    const input = root.querySelector('input');
    const send = (v) => {
      if (!Number.isInteger(v) || v < 0) { input.setAttribute('aria-invalid', 'true'); return; }
      input.removeAttribute('aria-invalid');
      root.dataset.shown = String(v);  // a second + before the page answers goes one further
      input.value = String(v);
      setTriggerValue('jump', v);
    };
    const typed = () => /^\\s*\\d{1,12}\\s*$/.test(input.value) ? parseInt(input.value, 10) : NaN;
    const by = (k) => send(Math.max(0, Number(root.dataset.shown) + k));
    root.querySelector('.minus').addEventListener('click', () => by(-1));
    root.querySelector('.plus').addEventListener('click', () => by(1));
    root.querySelector('.go').addEventListener('click', () => send(typed()));
    input.addEventListener('keydown', ev => {
      if (ev.key === 'Enter') { ev.preventDefault(); send(typed()); }
      else if (ev.key === 'ArrowUp') { ev.preventDefault(); by(1); }
      else if (ev.key === 'ArrowDown') { ev.preventDefault(); by(-1); }
    });
    input.addEventListener('input', () => input.removeAttribute('aria-invalid'));
  }
  const input = root.querySelector('input');
  // the box shows the current step — but what the user is typing stays while the step is the same
  if (root.dataset.step !== String(d.step) || document.activeElement !== input) input.value = String(d.step);
  root.dataset.step = root.dataset.shown = String(d.step);
  input.setAttribute('aria-label', d.label || '');
  input.title = d.help || '';
  const minus = root.querySelector('.minus'), plus = root.querySelector('.plus'), go = root.querySelector('.go');
  minus.setAttribute('aria-label', d.minus || ''); minus.title = d.minus || ''; minus.disabled = d.step <= 0;
  plus.setAttribute('aria-label', d.plus || ''); plus.title = d.plus || ''; plus.disabled = d.step >= d.last;
  go.textContent = d.go || '';
}
"""
_STEP_BOX_CSS = """
.step-box { display: flex; align-items: stretch; height: 2.5rem; border: 1px solid rgba(49, 51, 63, 0.2);
  border-radius: 0.5rem; overflow: hidden; background: #f0f2f6; font-family: inherit; }
.step-box input { flex: 1 1 auto; min-width: 2.5rem; width: 3rem; border: none; background: transparent;
  padding: 0 0.5rem; font: inherit; font-size: 1rem; color: #262730; }
.step-box input:focus { outline: 2px solid #d33682; outline-offset: -2px; }
.step-box input[aria-invalid] { outline: 2px solid #b71c1c; outline-offset: -2px; }
.step-box button { border: none; background: transparent; padding: 0 0.55rem; font: inherit; font-size: 1.1rem;
  color: #262730; cursor: pointer; }
.step-box button:hover:not(:disabled) { background: #e2e5eb; }
.step-box button:disabled { opacity: 0.35; cursor: default; }
.step-box button.go { border-left: 1px solid rgba(49, 51, 63, 0.2); font-size: 0.95rem; padding: 0 0.9rem; }
"""


@st.cache_resource(show_spinner=False)
def _step_box_component():
    try:
        from streamlit.components import v2
    except ImportError:
        return None
    return v2.component("esxi_step_box", js=_STEP_BOX_JS, css=_STEP_BOX_CSS, isolate_styles=False)


def step_box(step: int, last: int, lang: str, key: str, on_jump) -> bool:
    """The step box: it shows the current step; Enter (or "Go") jumps to the step typed, + and −
    (and ↑ ↓) jump at once. Each jump reaches the server as a one-time trigger (the target step:
    ``st.session_state[key]["jump"]`` in ``on_jump``), never as a widget value the server sets —
    so a click on Step made while the box is stale is just a click (a box whose value the server
    moved, or a fresh box per step, lost clicks: about one in 200, measured in Chromium).
    Returns False where components v2 are missing (the caller then draws a plain number box)."""
    comp = _step_box_component()
    if comp is None:
        return False
    comp(data={"step": step, "last": last, "label": t("step.jump", lang), "go": t("step.jump_go", lang),
               "help": t("step.jump_help", lang, step=step, last=last), "minus": t("step.jump_minus", lang),
               "plus": t("step.jump_plus", lang)}, key=key, on_jump_change=on_jump)
    return True


def jump_target(key: str) -> Optional[int]:
    """The step a step box's jump asked for (in its ``on_jump`` callback), or None."""
    value = st.session_state.get(key)  # the component's state: a dict (with attribute access too)
    target = value.get("jump") if isinstance(value, dict) else None
    return target if isinstance(target, int) and not isinstance(target, bool) and target >= 0 else None
