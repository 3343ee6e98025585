"""The server's byte-bounded caches (drawn diagrams, generated traces): what they keep is bounded
in bytes whatever is put in, the least recently used goes first, and one value too large for
its share is not kept."""
from __future__ import annotations

import sys
import threading

from visualizer.app.bytecache import ByteLru


def test_the_least_recently_used_values_go_once_the_bytes_are_spent():
    c = ByteLru(max_bytes=10_000)
    size = sys.getsizeof("x" * 3000)
    for k in "abc":
        assert c.put(k, k * 3000)
    assert c.bytes == 3 * size and len(c) == 3
    assert c.get("a") == "a" * 3000  # a is now the most recent: b goes first
    c.put("d", "d" * 3000)
    assert c.get("b") is None and [c.get(k) is not None for k in "acd"] == [True, True, True]
    assert c.bytes == 3 * size <= c.max_bytes
    c.put("a", "A" * 10)  # replacing a value counts its new size only
    assert c.bytes == 2 * size + sys.getsizeof("A" * 10)


def test_a_value_too_large_for_its_share_is_made_but_not_kept():
    c = ByteLru(max_bytes=100_000, max_item=20_000)
    c.put("small", "s" * 1000)
    made = []
    assert c.get_or_make("big", lambda: made.append(1) or "b" * 50_000) == "b" * 50_000
    assert c.get("big") is None and c.get("small") == "s" * 1000  # nothing pushed out for it
    c.get_or_make("big", lambda: made.append(1) or "b" * 50_000)
    assert made == [1, 1]


def test_tuples_of_strings_count_their_strings():
    c = ByteLru(max_bytes=1 << 20)
    svg = "<svg>" + "→" * 10_000 + "</svg>"  # beyond Latin-1: two bytes a character in memory
    c.put("k", (svg, "python"))
    assert c.bytes >= 20_000 + sys.getsizeof("python")


def test_many_threads_keep_the_bound():
    c = ByteLru(max_bytes=200_000)

    def work(t):
        for i in range(300):
            c.get_or_make((t, i % 40), lambda i=i: "v" * (1000 + 37 * i))
            assert c.bytes <= c.max_bytes

    threads = [threading.Thread(target=work, args=(t,)) for t in range(6)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert 0 < c.bytes <= c.max_bytes
    assert c.bytes == sum(sys.getsizeof(v) for v, _n in c._items.values())
    assert c.hits > 0 and c.misses > 0


def test_the_app_draws_through_the_bounded_cache():
    from visualizer.app import ui
    from visualizer.engine import Mode, builtin
    from visualizer.render import figure as F
    s = builtin("esxi-figure")
    m = s.machine(Mode.SHADOW)
    rec = m.execute(s.trace[0], 0)
    cache = ui.svg_cache()
    cache.clear()
    dot, svg, engine = ui.draw(F.figure(m, F.highlight_of(rec, m)))
    assert svg.lstrip().startswith("<svg") and len(cache) == 1 and cache.bytes >= len(svg)
    again = ui.draw(F.figure(m, F.highlight_of(rec, m)))
    assert again == (dot, svg, engine) and again[1] is svg and cache.hits >= 1
    assert ui.SVG_CACHE_BYTES <= 64 << 20 and ui.svg_cache().max_item <= ui.SVG_CACHE_BYTES
