"""English and German text of the comparison and cost pages.

German follows the source text's own terms: Schattenseitentabellen (shadow page tables),
verschachtelte Seitentabellen (nested page tables), Maschinenseiten, physische Seiten.
"""
from __future__ import annotations

LANGS = ("en", "de")

STRINGS: dict[str, dict[str, str]] = {
    # -- modes, causes, counters --------------------------------------------------------------
    "mode.native": {"en": "native", "de": "nativ"},
    "mode.shadow": {"en": "shadow", "de": "Schatten"},
    "mode.nested": {"en": "nested", "de": "verschachtelt"},
    "mode.long.native": {"en": "native (no virtualization)", "de": "nativ (ohne Virtualisierung)"},
    "mode.long.shadow": {"en": "shadow page tables (software)", "de": "Schattenseitentabellen (Software)"},
    "mode.long.nested": {"en": "nested page tables (hardware)", "de": "verschachtelte Seitentabellen (Hardware)"},
    "cause.walk": {"en": "page-walk references", "de": "Speicherzugriffe der Seitentabellendurchläufe"},
    "cause.vm-exit:hidden-fault": {"en": "VM exits: hidden page faults", "de": "VM-Exits: versteckte Seitenfehler"},
    "cause.vm-exit:guest-fault": {"en": "VM exits: guest faults reflected",
                                  "de": "VM-Exits: weitergereichte Gast-Seitenfehler"},
    "cause.vm-exit:pt-write": {"en": "VM exits: guest page-table writes",
                               "de": "VM-Exits: Schreibzugriffe auf Gast-Seitentabellen"},
    "cause.vm-exit:invlpg": {"en": "VM exits: INVLPG", "de": "VM-Exits: INVLPG"},
    "cause.vm-exit:cr3-load": {"en": "VM exits: CR3 loads (context switches)",
                               "de": "VM-Exits: CR3-Ladevorgänge (Kontextwechsel)"},
    "cause.vm-exit:ept-violation": {"en": "VM exits: EPT violations", "de": "VM-Exits: EPT-Verletzungen"},
    "cause.guest-fault": {"en": "guest page faults (handler)", "de": "Gast-Seitenfehler (Behandlung)"},
    "cause.guest": {"en": "guest kernel: zeroing pages", "de": "Gastkernel: Seiten nullen"},
    "cause.pmap": {"en": "VMM: backing, copies, swap-in", "de": "VMM: Hinterlegen, Kopien, Einlagern"},
    "cause.vm-switch": {"en": "VM switches", "de": "VM-Wechsel"},
    "cause.tlb": {"en": "TLB hits", "de": "TLB-Treffer"},
    "row.operations": {"en": "operations", "de": "Operationen"},
    "row.accesses": {"en": "accesses", "de": "Zugriffe"},
    "row.tlb_hits": {"en": "TLB hits", "de": "TLB-Treffer"},
    "row.tlb_misses": {"en": "TLB misses", "de": "TLB-Fehlgriffe"},
    "row.walk_refs": {"en": "walk references", "de": "Zugriffe der Seitentabellendurchläufe"},
    "row.refs_per_miss": {"en": "references per TLB miss", "de": "Zugriffe je TLB-Fehlgriff"},
    "row.vm_exits": {"en": "VM exits", "de": "VM-Exits"},
    "row.guest_faults": {"en": "guest page faults", "de": "Gast-Seitenfehler"},
    "row.cycles": {"en": "cycles", "de": "Takte"},
    "row.cycles_per_access": {"en": "cycles per access", "de": "Takte je Zugriff"},
    "row.overhead": {"en": "overhead over native", "de": "Mehraufwand gegenüber nativ"},
    "row.frames": {"en": "machine pages in use", "de": "belegte Maschinenseiten"},
    "col.metric": {"en": "counter", "de": "Zähler"},
    "col.mode": {"en": "mode", "de": "Modus"},
    "col.cause": {"en": "cause", "de": "Ursache"},
    "col.cycles": {"en": "cycles", "de": "Takte"},
    "col.cycles_per_access": {"en": "cycles per access", "de": "Takte je Zugriff"},
    "col.operation": {"en": "operation", "de": "Operation"},
    "col.cumulative": {"en": "cumulative cycles", "de": "Takte (kumuliert)"},
    "col.share": {"en": "share", "de": "Anteil"},

    # -- explanation ------------------------------------------------------------------------------
    "why.tie": {"en": "Shadow and nested paging cost exactly the same on this trace ({cycles} cycles).",
                "de": "Schatten- und verschachtelte Seitentabellen kosten auf dieser Spur genau gleich viel "
                      "({cycles} Takte)."},
    "why.head": {"en": "**{Winner}** wins: {loser} costs **{margin} more** ({loser_cpa} against {winner_cpa} "
                       "cycles per access).",
                 "de": "**{Winner}** gewinnt: {loser} kostet **{margin} mehr** ({loser_cpa} gegen {winner_cpa} "
                       "Takte je Zugriff)."},
    "why.loser_extra": {"en": "{Loser} pays extra for {items}.", "de": "{Loser} zahlt zusätzlich für {items}."},
    "why.winner_extra": {"en": "{Winner} pays more only for {items} — less than it saves.",
                         "de": "{Winner} zahlt nur für {items} mehr — weniger, als es spart."},
    "why.item": {"en": "{cause} (+{cycles} cycles{count})", "de": "{cause} (+{cycles} Takte{count})"},
    "why.count.exits": {"en": ", {n} exits", "de": ", {n} Exits"},
    "why.count.refs": {"en": ", {n} references", "de": ", {n} Zugriffe"},
    "why.count.faults": {"en": ", {n} faults", "de": ", {n} Fehler"},
    "why.walks": {"en": "Walk references per TLB miss, every walk counted (in shadow mode the VMM's software "
                        "walks on hidden faults too): shadow {shadow}, nested {nested}. Once its shadow entry "
                        "exists, a shadow-mode miss walks 4 entries (gVA → MA directly); a nested miss walks 24 "
                        "(every guest-table reference is itself translated through the nested tables).",
                  "de": "Zugriffe je TLB-Fehlgriff, alle Durchläufe gezählt (im Schattenmodus auch die des VMM "
                        "bei versteckten Seitenfehlern): Schatten {shadow}, verschachtelt {nested}. Ist der "
                        "Schatteneintrag vorhanden, liest ein Fehlgriff im Schattenmodus 4 Einträge (gVA direkt "
                        "→ MA); verschachtelt sind es 24 (jeder Zugriff auf die Gast-Seitentabellen wird selbst "
                        "durch die verschachtelten Seitentabellen übersetzt)."},
    "why.rule.nested": {"en": "Rule of thumb: shadow paging pays on page-table updates and context switches "
                              "(VM exits); nested paging pays on TLB misses. This trace has more of the former.",
                        "de": "Faustregel: Schattenseitentabellen zahlen bei Seitentabellen-Änderungen und "
                              "Kontextwechseln (VM-Exits), verschachtelte Seitentabellen bei TLB-Fehlgriffen. "
                              "Diese Spur hat mehr vom Ersten."},
    "why.rule.shadow": {"en": "Rule of thumb: shadow paging pays on page-table updates and context switches "
                              "(VM exits); nested paging pays on TLB misses. This trace has more of the latter.",
                        "de": "Faustregel: Schattenseitentabellen zahlen bei Seitentabellen-Änderungen und "
                              "Kontextwechseln (VM-Exits), verschachtelte Seitentabellen bei TLB-Fehlgriffen. "
                              "Diese Spur hat mehr vom Zweiten."},
    "why.native": {"en": "Native (no virtualization) needs {native_cpa} cycles per access: shadow adds "
                         "{shadow_over}, nested {nested_over}.",
                   "de": "Nativ (ohne Virtualisierung) braucht {native_cpa} Takte je Zugriff: Schatten kostet "
                         "{shadow_over} mehr, verschachtelt {nested_over} mehr."},
    "and": {"en": "and", "de": "und"},

    # -- compare page -----------------------------------------------------------------------------
    "cmp.title": {"en": "Shadow vs nested paging on one trace", "de": "Schatten- gegen verschachtelte "
                                                                       "Seitentabellen auf einer Spur"},
    "cmp.intro": {"en": "The same trace of memory accesses runs three times on identical machines: natively "
                        "(no virtualization — the baseline, a 4-reference walk per TLB miss), with **shadow page "
                        "tables** (software: the VMM keeps gVA → MA tables and must intercept every guest "
                        "page-table write and context switch) and with **nested page tables** (hardware: no "
                        "such exits, but a TLB miss walks two dimensions — up to 24 references). Costs come from "
                        "the cost model (see *Costs*).",
                  "de": "Dieselbe Spur von Speicherzugriffen läuft dreimal auf gleichen Maschinen: nativ (ohne "
                        "Virtualisierung — die Basis, 4 Zugriffe je TLB-Fehlgriff), mit "
                        "**Schattenseitentabellen** (Software: der VMM pflegt Tabellen gVA → MA und muss jede "
                        "Änderung der Gast-Seitentabellen und jeden Kontextwechsel abfangen) und mit "
                        "**verschachtelten Seitentabellen** (Hardware: keine solchen Exits, aber ein "
                        "TLB-Fehlgriff läuft durch zwei Dimensionen — bis zu 24 Zugriffe). Die Kosten stammen "
                        "aus dem Kostenmodell (siehe *Kosten*)."},
    "cmp.workload": {"en": "Workload", "de": "Last"},
    "cmp.source": {"en": "Trace from", "de": "Spur aus"},
    "cmp.source.generator": {"en": "a workload generator", "de": "einem Lastgenerator"},
    "cmp.source.program": {"en": "a real program (Valgrind)", "de": "einem echten Programm (Valgrind)"},
    "cmp.source.scenario": {"en": "the active scenario ({name})", "de": "dem aktiven Szenario ({name})"},
    "cmp.scenario.caption": {"en": "Scenario **{name}** as chosen on the home page: {ops} operations on its own "
                                   "machine. {description}",
                             "de": "Szenario **{name}**, auf der Startseite gewählt: {ops} Operationen auf seiner "
                                   "eigenen Maschine. {description}"},
    "cmp.scenario.empty": {"en": "Scenario {name} has no trace to compare.",
                           "de": "Szenario {name} hat keine Spur zum Vergleichen."},
    "cmp.source.upload": {"en": "an uploaded file", "de": "einer hochgeladenen Datei"},
    "cmp.kind": {"en": "Generator", "de": "Generator"},
    "cmp.seed": {"en": "Seed", "de": "Startwert (Seed)"},
    "cmp.program": {"en": "Program", "de": "Programm"},
    "cmp.program.caption": {"en": "`{name}.c` ({ops} operations), recorded with `valgrind --tool=lackey "
                                  "--trace-mem=yes`: instruction fetches run as exec, loads as read, stores as "
                                  "write — one process in one VM. Its source is in `visualizer/traces/`.",
                            "de": "`{name}.c` ({ops} Operationen), aufgezeichnet mit `valgrind --tool=lackey "
                                  "--trace-mem=yes`: Befehlsholen als exec, Laden als read, Speichern als write — "
                                  "ein Prozess in einer VM. Der Quelltext liegt in `visualizer/traces/`."},
    "cmp.upload": {"en": "CSV trace, Valgrind lackey trace or scenario file (TOML)",
                   "de": "CSV-Spur, Valgrind-lackey-Spur oder Szenariodatei (TOML)"},
    "cmp.upload.caps": {"en": "At most {mib} MiB of text (gzip accepted) and {rows} operations. CSV: "
                              "`vm,process,op,address[,value]` with op one of read, write, exec, map, unmap, "
                              "protect, invlpg, switch, swap_out; addresses below 0x800000000000. VMs and "
                              "processes are created on first mention.",
                        "de": "Höchstens {mib} MiB Text (auch gzip) und {rows} Operationen. CSV: "
                              "`vm,process,op,address[,value]`, op aus read, write, exec, map, unmap, protect, "
                              "invlpg, switch, swap_out; Adressen unter 0x800000000000. VMs und Prozesse "
                              "entstehen bei der ersten Nennung."},
    "cmp.upload.error": {"en": "Upload rejected — {error}", "de": "Datei abgelehnt — {error}"},
    "cmp.upload.kept": {"en": "Still comparing the previous trace: {name}.",
                        "de": "Verglichen wird weiter die vorige Spur: {name}."},
    "cmp.upload.none": {"en": "Upload a file to compare its trace.", "de": "Laden Sie eine Datei hoch, um "
                                                                           "ihre Spur zu vergleichen."},
    "cmp.upload.loaded": {"en": "Loaded {name}: {fmt}, {ops} operations.",
                          "de": "Geladen: {name}: {fmt}, {ops} Operationen."},
    "cmp.machine": {"en": "Machine", "de": "Maschine"},
    "cmp.tlb_entries": {"en": "TLB entries", "de": "TLB-Einträge"},
    "cmp.tlb_ways": {"en": "TLB ways", "de": "TLB-Assoziativität (Wege)"},
    "cmp.pcid": {"en": "PCID tags (TLB survives context switches)",
                 "de": "PCID-Tags (TLB übersteht Kontextwechsel)"},
    "cmp.vpid": {"en": "VPID tags (TLB survives VM switches)", "de": "VPID-Tags (TLB übersteht VM-Wechsel)"},
    "cmp.root_cache": {"en": "Cached shadow roots per VM", "de": "Zwischengespeicherte Schattenwurzeln je VM"},
    "cmp.machine.from_scenario": {"en": "Machine from the scenario file: {vms}. TLB and costs below apply on top.",
                                  "de": "Maschine aus der Szenariodatei: {vms}. TLB und Kosten unten gelten "
                                        "zusätzlich."},
    "cmp.machine.default": {"en": "Default machine: {vms} (created on first mention, memory sized to the trace).",
                            "de": "Standardmaschine: {vms} (bei erster Nennung angelegt, Speicher passend zur "
                                  "Spur)."},
    "cmp.costs.summary": {"en": "Costs: walk reference {walk_ref} cycles, VM exit {exit} cycles (round trip "
                                "{vm_exit} + handler {vmm_handler}).",
                          "de": "Kosten: Walk-Zugriff {walk_ref} Takte, VM-Exit {exit} Takte (Hin und zurück "
                                "{vm_exit} + Behandlung {vmm_handler})."},
    "cmp.costs.edit": {"en": "Edit the cost model", "de": "Kostenmodell bearbeiten"},
    "cmp.running": {"en": "Running {what} …", "de": "Läuft: {what} …"},
    "cmp.ran": {"en": "{ops} operations × 3 modes simulated in {seconds} s.",
                "de": "{ops} Operationen × 3 Modi in {seconds} s simuliert."},
    "cmp.results.cpa": {"en": "Cycles per access", "de": "Takte je Zugriff"},
    "cmp.metric.baseline": {"en": "the baseline", "de": "die Basis"},
    "cmp.metric.delta": {"en": "{over} over native", "de": "{over} über nativ"},
    "cmp.tab.causes": {"en": "Cycles by cause", "de": "Takte nach Ursache"},
    "cmp.tab.curve": {"en": "Over the trace", "de": "Im Verlauf der Spur"},
    "cmp.tab.counters": {"en": "Counters", "de": "Zähler"},
    "cmp.tab.sweep": {"en": "Sweep", "de": "Parameterreihe"},
    "cmp.tab.cli": {"en": "Command line", "de": "Kommandozeile"},
    "cmp.causes.caption": {"en": "Cycles per access, stacked by what they were spent on.",
                           "de": "Takte je Zugriff, gestapelt nach ihrem Zweck."},
    "cmp.curve.caption": {"en": "Cumulative cycles along the trace. A steep start is warm-up (demand paging, "
                                "shadow fills, EPT backing); the slope afterwards is the steady-state cost.",
                          "de": "Kumulierte Takte entlang der Spur. Ein steiler Anfang ist Aufwärmen "
                                "(Demand Paging, Schatteneinträge, EPT-Hinterlegung); die Steigung danach sind die "
                                "Kosten im eingeschwungenen Zustand."},
    "cmp.cli.caption.generator": {"en": "Reproduce this comparison from the command line: the scenario file holds the "
                                        "machine, these settings and the workload generator with its seed; the "
                                        "counters match this page's.",
                                  "de": "Diesen Vergleich auf der Kommandozeile nachvollziehen: Die Szenariodatei "
                                        "enthält die Maschine, diese Einstellungen und den Lastgenerator mit Startwert; "
                                        "die Zähler stimmen mit dieser Seite überein."},
    "cmp.cli.caption.trace": {"en": "Reproduce this comparison from the command line: the scenario file holds the "
                                    "machine and these settings, the trace comes from {trace}; the counters match "
                                    "this page's.",
                              "de": "Diesen Vergleich auf der Kommandozeile nachvollziehen: Die Szenariodatei enthält "
                                    "die Maschine und diese Einstellungen, die Spur kommt aus {trace}; die Zähler "
                                    "stimmen mit dieser Seite überein."},
    "cmp.cli.download": {"en": "Download comparison.toml", "de": "comparison.toml herunterladen"},
    "cmp.error": {"en": "Cannot run this comparison — {error}", "de": "Vergleich nicht möglich — {error}"},
    "cmp.sweep.intro": {"en": "Vary one parameter and watch cycles per access in each mode: where the lines "
                              "cross, the winner changes. Workload parameters vary the *mix* workload (a hot/cold "
                              "working set with page-table updates and context switches); TLB size and walk cost "
                              "run the current trace.",
                        "de": "Einen Parameter variieren und die Takte je Zugriff in jedem Modus beobachten: wo "
                              "sich die Linien kreuzen, wechselt der Gewinner. Last-Parameter variieren die "
                              "*mix*-Last (heiße/kalte Seiten mit Seitentabellen-Änderungen und Kontextwechseln); "
                              "TLB-Größe und Walk-Kosten nutzen die aktuelle Spur."},
    "cmp.sweep.param": {"en": "Vary", "de": "Variieren"},
    "cmp.sweep.values": {"en": "Values (comma-separated)", "de": "Werte (durch Kommas getrennt)"},
    "cmp.sweep.accesses": {"en": "Accesses per point", "de": "Zugriffe je Punkt"},
    "cmp.sweep.run": {"en": "Run sweep", "de": "Reihe berechnen"},
    "cmp.sweep.bad_values": {"en": "Values: '{text}' — give 1 to 20 numbers ≥ 0 separated by commas.",
                             "de": "Werte: '{text}' — 1 bis 20 Zahlen ≥ 0, durch Kommas getrennt."},
    "cmp.sweep.bad_tlb": {"en": "TLB entries must be whole numbers from 1 to 65,536.",
                          "de": "TLB-Einträge müssen ganze Zahlen von 1 bis 65.536 sein."},
    "cmp.sweep.none": {"en": "No crossover in this range: {winner} wins at every point.",
                       "de": "Kein Schnittpunkt in diesem Bereich: {winner} gewinnt überall."},
    "cmp.sweep.cross": {"en": "Crossover near {param} ≈ {x}: below it {before} wins, above it {after}.",
                        "de": "Schnittpunkt bei {param} ≈ {x}: darunter gewinnt {before}, darüber {after}."},
    "cmp.sweep.ran": {"en": "{points} points × {modes} modes × {accesses} accesses in {seconds} s.",
                      "de": "{points} Punkte × {modes} Modi × {accesses} Zugriffe in {seconds} s."},
    "cmp.sweep.stale": {"en": "Settings changed since this sweep ran — run it again to update.",
                        "de": "Einstellungen seit dieser Reihe geändert — erneut berechnen zum Aktualisieren."},
    "sweep.update_rate": {"en": "page-table updates per 1,000 accesses",
                          "de": "Seitentabellen-Änderungen je 1.000 Zugriffe"},
    "sweep.switch_rate": {"en": "context switches per 1,000 accesses", "de": "Kontextwechsel je 1.000 Zugriffe"},
    "sweep.pages": {"en": "working-set size (pages per process)", "de": "Arbeitsmenge (Seiten je Prozess)"},
    "sweep.tlb_entries": {"en": "TLB entries", "de": "TLB-Einträge"},
    "sweep.walk_ref": {"en": "cycles per walk reference", "de": "Takte je Walk-Zugriff"},

    # -- generators and their parameters ---------------------------------------------------------
    "gen.sequential": {"en": "sequential scan", "de": "sequenzieller Durchlauf"},
    "gen.uniform": {"en": "uniform random", "de": "gleichverteilt zufällig"},
    "gen.zipf": {"en": "hot/cold working set (Zipf)", "de": "heiße/kalte Arbeitsmenge (Zipf)"},
    "gen.tlb_thrash": {"en": "TLB thrashing", "de": "TLB-Überlastung (Thrashing)"},
    "gen.pt_churn": {"en": "page-table churn (map/unmap/protect, copy-on-write)",
                     "de": "Seitentabellen-Umbau (map/unmap/protect, Copy-on-Write)"},
    "gen.context_switch": {"en": "context-switch heavy", "de": "viele Kontextwechsel"},
    "gen.mix": {"en": "mix (rates of updates and switches)", "de": "Mischung (Raten für Änderungen und Wechsel)"},
    "gen.program": {"en": "real program (lackey)", "de": "echtes Programm (lackey)"},
    "gdesc.sequential": {"en": "Scans pages in order: many accesses per page, TLB-friendly.",
                         "de": "Durchläuft Seiten der Reihe nach: viele Zugriffe je Seite, TLB-freundlich."},
    "gdesc.uniform": {"en": "Uniformly random pages: TLB misses once the pages exceed the TLB's reach.",
                      "de": "Gleichverteilt zufällige Seiten: TLB-Fehlgriffe, sobald die Seiten die Reichweite "
                            "des TLB übersteigen."},
    "gdesc.zipf": {"en": "A few hot pages take most accesses, a long cold tail the rest.",
                   "de": "Wenige heiße Seiten erhalten die meisten Zugriffe, ein langer kalter Rest den Rest."},
    "gdesc.tlb_thrash": {"en": "A cyclic walk over more pages than the TLB holds and no page-table activity: "
                               "every access misses — nested paging's worst case.",
                         "de": "Ein zyklischer Durchlauf über mehr Seiten, als der TLB fasst, ohne "
                               "Seitentabellen-Änderungen: jeder Zugriff verfehlt den TLB — der schlimmste Fall "
                               "für verschachtelte Seitentabellen."},
    "gdesc.pt_churn": {"en": "Bursts of map/unmap and fork-like copy-on-write: every guest page-table write "
                             "exits with shadow page tables — shadow paging's worst case.",
                       "de": "Schübe von map/unmap und Copy-on-Write wie nach fork: jeder Schreibzugriff auf die "
                             "Gast-Seitentabellen führt mit Schattenseitentabellen zu einem Exit — der schlimmste "
                             "Fall für Schattenseitentabellen."},
    "gdesc.context_switch": {"en": "N processes take turns: every switch loads CR3, which exits with shadow page "
                                   "tables.",
                             "de": "N Prozesse wechseln sich ab: jeder Wechsel lädt CR3, was mit "
                                   "Schattenseitentabellen zu einem Exit führt."},
    "gdesc.mix": {"en": "A hot/cold working set with page-table updates and context switches at chosen rates.",
                  "de": "Eine heiße/kalte Arbeitsmenge mit Seitentabellen-Änderungen und Kontextwechseln in "
                        "wählbaren Raten."},
    "param.accesses": {"en": "accesses", "de": "Zugriffe"},
    "param.pages": {"en": "pages (working set)", "de": "Seiten (Arbeitsmenge)"},
    "param.stride": {"en": "stride (bytes)", "de": "Schrittweite (Bytes)"},
    "param.write_ratio": {"en": "write ratio", "de": "Schreibanteil"},
    "param.exponent": {"en": "Zipf exponent (0 = uniform)", "de": "Zipf-Exponent (0 = gleichverteilt)"},
    "param.burst_every": {"en": "accesses between bursts", "de": "Zugriffe zwischen Schüben"},
    "param.burst_pages": {"en": "pages per burst", "de": "Seiten je Schub"},
    "param.cow_ratio": {"en": "copy-on-write share of bursts", "de": "Anteil Copy-on-Write-Schübe"},
    "param.processes": {"en": "processes", "de": "Prozesse"},
    "param.quantum": {"en": "quantum (accesses per time slice)", "de": "Zeitscheibe (Zugriffe)"},
    "param.update_rate": {"en": "page-table updates per 1,000 accesses",
                          "de": "Seitentabellen-Änderungen je 1.000 Zugriffe"},
    "param.switch_rate": {"en": "context switches per 1,000 accesses", "de": "Kontextwechsel je 1.000 Zugriffe"},
    "param.bad": {"en": "Parameters: {error}", "de": "Parameter: {error}"},

    # -- costs page ---------------------------------------------------------------------------
    "cost.title": {"en": "The cost model", "de": "Das Kostenmodell"},
    "cost.intro": {"en": "Every event the engine records has a price in CPU cycles (at about 3 GHz). Change any "
                         "of them here; the comparison uses them at once. Each value shows its default and where "
                         "it comes from; values marked *estimate* are this project's estimates, not "
                         "measurements.",
                   "de": "Jedes Ereignis, das die Engine aufzeichnet, hat einen Preis in CPU-Takten (bei etwa "
                         "3 GHz). Hier lässt sich jeder ändern; der Vergleich verwendet sie sofort. Zu jedem Wert "
                         "stehen Standardwert und Quelle; mit *Schätzung* markierte Werte sind Schätzungen dieses "
                         "Projekts, keine Messungen."},
    "cost.presets": {"en": "Presets", "de": "Voreinstellungen"},
    "cost.preset.walk": {"en": "Where walk entries are found (cycles per reference)",
                         "de": "Wo Walk-Einträge gefunden werden (Takte je Zugriff)"},
    "cost.preset.exit": {"en": "CPU generation (VM exit round trip)", "de": "CPU-Generation (VM-Exit hin und zurück)"},
    "cost.preset.custom": {"en": "custom", "de": "eigener Wert"},
    "cost.preset.newer CPU": {"en": "newer CPU", "de": "neuere CPU"},
    "cost.preset.older CPU (Core 2)": {"en": "older CPU (Core 2)", "de": "ältere CPU (Core 2)"},
    "cost.table": {"en": "All costs", "de": "Alle Kosten"},
    "cost.default": {"en": "default {value}", "de": "Standard {value}"},
    "cost.estimate": {"en": "estimate", "de": "Schätzung"},
    "cost.changed": {"en": "changed", "de": "geändert"},
    "cost.reset": {"en": "Reset to defaults", "de": "Standardwerte"},
    "cost.derived": {"en": "What that makes", "de": "Was daraus folgt"},
    "cost.d.native_miss": {"en": "TLB miss, native or shadow (shadow filled): 4 references", "de":
                           "TLB-Fehlgriff, nativ oder Schatten (Eintrag vorhanden): 4 Zugriffe"},
    "cost.d.nested_miss": {"en": "TLB miss, nested (cold 2D walk): 24 references",
                           "de": "TLB-Fehlgriff, verschachtelt (kalter 2D-Walk): 24 Zugriffe"},
    "cost.d.exit": {"en": "VMM-handled VM exit (round trip + handler)",
                    "de": "Vom VMM behandelter VM-Exit (hin und zurück + Behandlung)"},
    "cost.d.hidden": {"en": "hidden page fault, shadow: exit + the VMM's 4-reference guest walk",
                      "de": "versteckter Seitenfehler, Schatten: Exit + 4 Zugriffe des VMM auf die "
                            "Gast-Seitentabellen"},
    "cost.d.pt_write": {"en": "guest PTE write, shadow: exit + emulation / nested: a plain store",
                        "de": "Schreiben eines Gast-Seitentabelleneintrags, Schatten: Exit + Emulation / "
                              "verschachtelt: ein gewöhnlicher Speicherbefehl"},
    "cost.d.breakeven": {"en": "break-even: one VM exit costs as much as the extra walking of this many nested "
                               "TLB misses",
                         "de": "Gleichstand: ein VM-Exit kostet so viel wie der zusätzliche Durchlauf von so "
                               "vielen verschachtelten TLB-Fehlgriffen"},
    "cost.pwc": {"en": "Page-walk caches", "de": "Page-Walk-Caches"},
    "cost.pwc.off": {"en": "Not modelled: every walk reference goes to the memory hierarchy at the cost above. "
                           "Real CPUs cache upper-level entries (about 1.5 references per walk natively and 4.4 "
                           "virtualized with caches, \"Every Walk's a Hit\", ASPLOS'22); to approximate that, "
                           "lower the cost per walk reference (the L1/L2 presets).",
                     "de": "Nicht modelliert: jeder Walk-Zugriff geht zum oben angegebenen Preis an die "
                           "Speicherhierarchie. Echte CPUs speichern Einträge der oberen Ebenen zwischen (etwa "
                           "1,5 Zugriffe je Walk nativ und 4,4 virtualisiert mit Caches, „Every Walk's a Hit“, "
                           "ASPLOS'22); näherungsweise: die Kosten je Walk-Zugriff senken (Voreinstellungen "
                           "L1/L2)."},
}

COST_DE: dict[str, tuple[str, str]] = {
    "tlb_hit": ("TLB-Treffer", "Überlappt mit dem L1-Cache-Zugriff."),
    "walk_ref": ("Ein Speicherzugriff des Page-Walks",
                 "Ladelatenzen Intel Nehalem: L1 4, L2 10, L3 40, DRAM ~200 Takte."),
    "vm_exit": ("VM-Exit + Wiedereintritt, Hardware-Rundlauf",
                "RDTSC-Messungen (yulyugin/vmlatency): Core2 ~1.681; Westmere ~713; Coffee Lake ~535; "
                "Skylake-SP ~634."),
    "vmm_handler": ("Arbeit des VMM je Exit (über den Rundlauf hinaus)",
                    "KVM-Exit auf einem Xeon der Nehalem-Zeit, direkte Kosten ~2.000 Takte insgesamt (SplitX); "
                    "indirekte Kosten können 10× so hoch sein."),
    "guest_fault": ("Seitenfehler-Behandlung im Gast (Eintritt, Suche, Rückkehr)",
                    "Schätzung: Ausnahmezustellung plus kurze Behandlung."),
    "page_zero": ("Eine 4-KiB-Seite nullen", "Schätzung: 4 KiB Speicherbefehle plus Cache-Fehlzugriffe."),
    "page_copy": ("Eine 4-KiB-Seite kopieren (Copy-on-Write)", "Schätzung: 4 KiB Lade- und Speicherbefehle."),
    "decompress": ("Eine Seite aus dem Kompressions-Cache entpacken", "vSphere-Dokumentation: etwa 20 µs."),
    "swap_in": ("Eine Seite von der Platte einlagern", "vSphere-Dokumentation: Millisekunden; 1 ms bei 3 GHz."),
    "vm_switch": ("CPU auf eine andere VM umschalten (World Switch)",
                  "Schätzung: zwei Exit-/Eintritts-Rundläufe plus Umschalten des VMM-Zustands."),
}
"""German labels and sources of the costs in ``costs.COSTS`` (English comes from there)."""


def tr(lang: str, key: str, **fmt) -> str:
    """The text for ``key`` in ``lang`` (English where German is missing), formatted with ``fmt``."""
    entry = STRINGS[key]
    text = entry.get(lang) or entry["en"]
    return text.format(**fmt) if fmt else text


def number(n: float, lang: str, decimals: int = 0) -> str:
    """1,234,567.8 in English, 1.234.567,8 in German."""
    s = f"{n:,.{decimals}f}"
    if lang == "de":
        s = s.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return s


def percent(f: float, lang: str) -> str:
    """A fraction as a percentage: +25% / +25 %."""
    s = number(f * 100, lang, 0 if abs(f) >= 0.1 else 1)
    sign = "+" if f > 0 else ""
    return f"{sign}{s} %" if lang == "de" else f"{sign}{s}%"
