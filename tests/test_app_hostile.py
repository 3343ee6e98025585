"""The app under hostile uploads and links (issue 11): a message naming the problem, the
previous scenario kept, no exception; large declared machines load; a link to an upload says
where uploads live."""
from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
HOME = str(ROOT / "pages" / "0_Home_page.py")
COMPARE = str(ROOT / "pages" / "2_Compare.py")
BASE = ('name = "{name}"\n{top}\n[machine]\nmemory = "{mem}"\n[[vm]]\nname = "VM1"\nmemory = "256KiB"\n'
        '[[trace]]\nop = "read"\nvm = "VM1"\ngva = 0x400000\n')


def shown(markdown: str) -> str:
    return html.unescape(re.sub(r"\\(.)", r"\1", markdown)).replace("\u2060", "")


def home() -> AppTest:
    at = AppTest.from_file(HOME, default_timeout=60).run()
    assert not at.exception and at.session_state["scenario_name"] == "esxi-figure"
    return at


@pytest.mark.parametrize("name,data,needle", [
    ("dotted.toml", (".".join(f"k{i}" for i in range(50_000)) + " = 1\n").encode(), "dotted parts"),  # 339 KB
    ("nested.toml", ("a = " + "[" * 5000 + "]" * 5000 + "\n").encode(), "nested more than 32 deep"),
    ("seed.toml", BASE.format(name="s", top="seed = -1", mem="1MiB").encode(), "seed: -1 is negative"),
    ("cost.toml", (BASE.format(name="c", top="", mem="1MiB") + "[costs]\nwalk_ref = 1" + "0" * 29 + "\n").encode(),
     "costs"),
    ("big.toml", BASE.format(name="b", top="", mem="8GiB").encode(), "more than the limit"),
    ("**x**](http://evil.example).toml", BASE.format(name="e", top="seed = -2", mem="1MiB").encode(), "seed"),
])
def test_hostile_upload_gives_a_message_and_keeps_the_scenario(name, data, needle):
    at = home()
    at.file_uploader(key="_home_upload").upload(name, data, "application/toml").run()
    assert not at.exception
    assert at.session_state["scenario_name"] == "esxi-figure"
    error = shown(at.error[0].value)
    assert needle in error
    assert "esxi-figure" in error
    assert "](http" not in at.error[0].value.replace("\\]\\(http", "")  # the file name shown escaped


@pytest.mark.parametrize("mem", ["256MiB", "1GiB", "4GiB"])
def test_large_declared_machine_loads(mem):
    at = home()
    data = ("\ufeff" + BASE.format(name=f"big-{mem}", top="seed = 3", mem=mem)).encode()
    at.file_uploader(key="_home_upload").upload(f"{mem}.toml", data, "application/toml").run()
    assert not at.exception and not at.error
    assert at.session_state["scenario_name"] == f"big-{mem}"
    assert at.query_params["scenario"] in (f"upload:big-{mem}", [f"upload:big-{mem}"])


def test_link_to_an_upload_elsewhere_says_uploads_stay_in_their_session():
    at = AppTest.from_file(HOME, default_timeout=60)
    at.query_params["scenario"] = "upload:mine"
    at.run()
    assert not at.exception
    text = shown(at.warning[0].value)
    assert "uploaded scenario “mine”" in text and "browser session" in text and "esxi-figure" in text


def test_compare_upload_of_a_trace_breaking_the_caps():
    at = AppTest.from_file(COMPARE, default_timeout=120)
    at.session_state["cmp.source"] = "upload"
    at.run()
    data = "".join(f"V{i},p1,read,0x400000\n" for i in range(40_000)).encode()
    at.file_uploader(key="cmp.uploader.0").upload("vms.csv", data, "text/csv").run()
    assert not at.exception
    assert any("guest memory" in shown(e.value) for e in at.error)


def _cli_tab(at: AppTest):
    code = next(c.value for c in at.code if "python -m visualizer run" in c.value)
    return code


@pytest.mark.parametrize("name", ["my trace; rm -rf ~ $(id).csv", "😀 spur {m}.csv"])
def test_command_line_export_quotes_names_and_writes_unicode_toml(name, tmp_path):
    import shlex
    import tomllib
    at = AppTest.from_file(COMPARE, default_timeout=120)
    at.session_state["cmp.source"] = "upload"
    at.run()
    data = b"VM1,p1,write,0x400000,0x2a\nVM1,p1,read,0x400000\nVM1,p1,read,0x401000\n"
    at.file_uploader(key="cmp.uploader.0").upload(name, data, "text/csv").run()
    assert not at.exception and not at.error
    code = _cli_tab(at)
    lines = code.splitlines()
    assert len(lines) == 4  # run in each mode, then compare (the three modes on one read)
    for line, mode in zip(lines, ("native", "shadow", "nested"), strict=False):
        argv = shlex.split(line)  # the shell sees the file name as one word, nothing more
        assert argv[argv.index("--trace") + 1] == name and argv[-2:] == [mode, "--json"]
    argv = shlex.split(lines[3])
    assert argv[3] == "compare" and argv[argv.index("--trace") + 1] == name
    # and the command works: the scenario file and the trace as the user has them
    from visualizer.engine import compare as C
    from visualizer.engine.traceio import default_config, parse_csv
    trace = parse_csv(data.decode()).trace
    toml = C.config_to_toml(default_config(trace), name="comparison", description=f"Comparison of {name}.")
    assert tomllib.loads(toml)["description"] == f"Comparison of {name}."
    (tmp_path / name).write_bytes(data)
    (tmp_path / "comparison.toml").write_text(toml, encoding="utf-8")
    import subprocess
    import sys
    r = subprocess.run(lines[1].replace("python", sys.executable, 1), shell=True, cwd=tmp_path, capture_output=True,
                       text=True, env={"PYTHONPATH": str(ROOT)}, timeout=60)
    assert r.returncode == 0, r.stderr
    assert '"accesses": 3' in r.stdout
    r = subprocess.run(lines[3].replace("python", sys.executable, 1) + " --workers 0", shell=True, cwd=tmp_path,
                       capture_output=True, text=True, env={"PYTHONPATH": str(ROOT)}, timeout=60)
    assert r.returncode == 0, r.stderr
    import json
    doc = json.loads(r.stdout)
    assert [doc[m]["accesses"] for m in ("native", "shadow", "nested")] == [3, 3, 3]


def test_active_scenario_export_offers_the_scenario_file():
    at = AppTest.from_file(COMPARE, default_timeout=120)
    at.session_state["cmp.source"] = "scenario"
    at.run()
    assert not at.exception
    assert "--trace esxi-figure.toml --scenario comparison.toml" in _cli_tab(at)
    labels = [b.label for b in at.get("download_button")]
    assert any("esxi-figure.toml" in shown(lbl) for lbl in labels), labels
