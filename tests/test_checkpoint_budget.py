"""Checkpoints within budgets (issue 11): a timeline's checkpoints hold at most
CHECKPOINT_BYTES (counted by the frames written, not the declared machine) and all timelines of
a server at most the ledger's budget, evicting the least recently used; states stay exact."""
from __future__ import annotations


from visualizer.app import session as S
from visualizer.app.session import CHECKPOINT_BYTES, Timeline, machine_bytes
from visualizer.engine import Mode, load_scenario_text


def scenario(memory: str, pages: int, accesses: int, seed: int = 1):
    return load_scenario_text(
        f'seed = {seed}\n[machine]\nmemory = "{memory}"\n[[vm]]\nname = "VM1"\nmemory = "{memory}"\n'
        f'[trace_generator]\nkind = "uniform"\nvm = "VM1"\nprocess = "p1"\naccesses = {accesses}\npages = {pages}\n')


def fingerprint(m) -> tuple:
    return (m.totals().as_dict().__repr__(), tuple(sorted(m.mem.used)),
            bytes(m.mem.image[sorted(m.mem.used)[-1] * 4096:][:4096]) if m.mem.used else b"")


def test_checkpoint_bytes_follow_touched_frames_not_declared_memory():
    small, big = scenario("64MiB", 64, 400), scenario("1GiB", 64, 400)
    a = Timeline(small.config, Mode.SHADOW, small.trace).precompute()
    b = Timeline(big.config, Mode.SHADOW, big.trace).precompute()
    # a 1 GiB machine that touched little: its pmap (24 bytes per guest page), not 1 GiB
    assert machine_bytes(b.checkpoints[0]) < 8 << 20
    assert len(a.checkpoints) > 4 and len(b.checkpoints) >= 4
    assert a.checkpoint_bytes <= CHECKPOINT_BYTES and b.checkpoint_bytes <= CHECKPOINT_BYTES


def test_one_timeline_stays_within_its_budget():
    s = scenario("256MiB", 12_000, 24_000)  # ~47 MiB touched: a few checkpoints fit
    tl = Timeline(s.config, Mode.NESTED, s.trace, every=1000).precompute()
    assert tl.checkpoint_bytes <= CHECKPOINT_BYTES
    assert tl.every > 1000 and len(tl.checkpoints) >= 2
    ref = s.machine(Mode.NESTED)
    ref.run_bulk(s.trace, 0, 20_001)
    assert fingerprint(tl.state_at(20_001)[0]) == fingerprint(ref)


def test_server_budget_evicts_the_least_recently_used(monkeypatch):
    monkeypatch.setattr(S, "LEDGER", S.CheckpointLedger(12 << 20))
    tls = []
    for seed in (1, 2, 3):
        s = scenario("64MiB", 600, 3000, seed)
        tl = Timeline(s.config, Mode.SHADOW, s.trace, every=100).precompute()
        tls.append((s, tl))
    assert S.LEDGER.total() <= 12 << 20
    first_s, first = tls[0]
    assert first.checkpoint_bytes < tls[-1][1].checkpoint_bytes  # the oldest gave its checkpoints up
    ref = first_s.machine(Mode.SHADOW)
    ref.run_bulk(first_s.trace, 0, 2500)
    assert fingerprint(first.state_at(2500)[0]) == fingerprint(ref)


def test_idle_timelines_give_their_checkpoints_back_and_still_answer_exactly(monkeypatch):
    monkeypatch.setattr(S, "LEDGER", S.CheckpointLedger(512 << 20))
    s = scenario("64MiB", 600, 3000, 4)
    idle = Timeline(s.config, Mode.SHADOW, s.trace, every=100).precompute()
    busy = Timeline(s.config, Mode.NESTED, s.trace, every=100).precompute()
    assert idle.checkpoint_bytes and busy.checkpoint_bytes
    now = max(idle.last_used, busy.last_used)
    idle.last_used, busy.last_used = now - 200, now - 10  # the shadow one unused for 200 s
    freed = S.LEDGER.release_idle(120, now)
    assert freed > 0 and idle.checkpoint_bytes == 0 and list(idle.checkpoints) == [0]  # the boot state stays
    assert busy.checkpoint_bytes > 0 and len(busy.checkpoints) > 1
    assert S.LEDGER.release_idle(120, now) == 0  # nothing more to give
    ref = s.machine(Mode.SHADOW)
    ref.run_bulk(s.trace, 0, 2500)
    assert fingerprint(idle.state_at(2500)[0]) == fingerprint(ref)
    assert idle.checkpoint_bytes > 0 and len(idle.checkpoints) > 1  # used again: its checkpoints are back


def test_the_steps_beside_are_clones_and_only_of_a_small_machine(monkeypatch):
    """Session.ahead runs the next step on a clone (the session stays where it is) and gives the
    step that forward() then makes, Session.behind the one back() makes; past AHEAD_BYTES neither
    clones anything."""
    from visualizer.app.session import Session
    from visualizer.engine import builtin
    sc = builtin("esxi-figure")
    s = Session(sc, Mode.SHADOW, lambda scenario, mode: Timeline(scenario.config, mode, scenario.trace))
    s.goto(4)
    before = (s.step, s.record, s.machine.totals().as_dict())
    nxt = s.ahead()
    assert (s.step, s.record, s.machine.totals().as_dict()) == before
    assert nxt.step == 5 and nxt.machine is not s.machine
    s.forward()
    assert nxt.record.events == s.record.events and nxt.record.cycles == s.record.cycles
    assert nxt.machine.totals().as_dict() == s.machine.totals().as_dict()
    assert nxt.key() == s.key()
    prev = s.behind()  # and one back: what back() leaves
    assert (s.step, s.machine.totals().as_dict()) == (5, nxt.machine.totals().as_dict())
    s.back()
    assert prev.step == 4 == s.step and prev.record.events == s.record.events
    assert prev.machine.totals().as_dict() == s.machine.totals().as_dict()
    monkeypatch.setattr(S, "AHEAD_BYTES", machine_bytes(s.machine) - 1)
    assert s.ahead() is None and s.behind() is None
    monkeypatch.undo()
    s.goto(s.total)
    assert s.ahead() is None  # the end
    s.goto(0)
    assert s.behind() is None  # the start


def test_the_sessions_live_machines_stay_within_the_servers_budget_and_come_back_the_same():
    """Past SERVER_MACHINE_BYTES the least recently used sessions let their machines go (a tab
    closed a moment ago first); such a session, used again, gets the same machine back from its
    timeline; a session busy moving is passed over."""
    from visualizer.app.session import MachineLedger, Session
    sc = scenario("64MiB", 600, 3000, 5)
    tl = Timeline(sc.config, Mode.SHADOW, sc.trace, every=200).precompute()
    one = machine_bytes(tl.state_at(2000)[0])
    ledger = MachineLedger(int(one * 2.5))  # room for two such machines
    sessions = [Session(sc, Mode.SHADOW, lambda scenario, mode: tl, ledger) for _ in range(3)]
    for k, s in enumerate(sessions):
        s.goto(2000 + k)
    assert ledger.total() <= ledger.budget and ledger.released == 1
    oldest = sessions[0]
    assert oldest.held_bytes == 0 and oldest._machine is None  # the least recently used went
    assert all(s.held_bytes > 0 for s in sessions[1:])
    ref = sc.machine(Mode.SHADOW)
    ref.run_bulk(sc.trace, 0, 2000)
    assert fingerprint(oldest.machine) == fingerprint(ref)  # back, the same machine
    oldest.forward()  # and it moves on from there as it would have
    ref.execute(sc.trace[2000], 2000)
    assert fingerprint(oldest.machine) == fingerprint(ref) and oldest.step == 2001
    assert ledger.total() <= ledger.budget  # its return let the next least recently used go
    # a session busy moving (its lock held by its own run, here another thread) is passed over
    import threading
    busy = next(s for s in sessions if s is not oldest and s.held_bytes)
    held, go = threading.Event(), threading.Event()

    def moving():
        with busy._lock:
            held.set()
            go.wait(10)
    t = threading.Thread(target=moving)
    t.start()
    held.wait(10)
    before, released = busy.held_bytes, ledger.released
    other = next(s for s in sessions if s is not oldest and s is not busy)
    assert busy.last_used < oldest.last_used  # the busy one is the least recently used …
    other.goto(2600)  # over the budget again
    go.set()
    t.join()
    # … and is passed over: the next one goes instead
    assert busy.held_bytes == before > 0 and oldest.held_bytes == 0 and ledger.released == released + 1
    assert ledger.total() <= ledger.budget


def test_replicas_on_one_machine_divide_the_server_budgets_between_them():
    """``serve --replicas N`` sets VISUALIZER_REPLICAS=N in each replica: each one's server-wide
    budgets (checkpoints, live machines, worker processes) are the machine's divided by N, so N
    replicas hold what one would. A bad value is 1."""
    import os
    import subprocess
    import sys

    from visualizer.host import SHARE_ENV, host_share
    assert host_share({}) == 1 and host_share({SHARE_ENV: "3"}) == 3
    for bad in ("0", "-2", "two", "65", "1.5", ""):
        assert host_share({SHARE_ENV: bad}) == 1, bad
    probe = ("from visualizer.app import session as s; from visualizer import executor; "
             "print(s.SERVER_MACHINE_BYTES, s.SERVER_CHECKPOINT_BYTES, s.MACHINES.budget, s.LEDGER.budget, "
             "executor.default().max_workers)")
    got = {}
    for share in ("1", "2"):
        out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                             env={**os.environ, SHARE_ENV: share}).stdout.split()
        got[share] = [int(x) for x in out]
    assert got["1"][:4] == [256 << 20, 512 << 20, 256 << 20, 512 << 20]
    assert got["2"][:4] == [128 << 20, 256 << 20, 128 << 20, 256 << 20]
    assert got["1"][4] >= 2 and got["2"][4] == max(1, got["1"][4] // 2)
