"""The Compare page: modes, causes of cycles, counters, the explanation, workloads, sweeps."""
from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "cause.walk": ("page-walk references", "Speicherzugriffe der Seitentabellendurchläufe"),
    "cause.vmm-walk": ("VMM: software walks of the guest tables", "VMM: Software-Durchläufe der Gast-Seitentabellen"),
    "cause.vm-exit:hidden-fault": ("VM exits: hidden page faults", "VM-Exits: versteckte Seitenfehler"),
    "cause.vm-exit:guest-fault": ("VM exits: guest faults reflected",
                                  "VM-Exits: weitergereichte Gast-Seitenfehler"),
    "cause.vm-exit:pt-write": ("VM exits: guest page-table writes",
                               "VM-Exits: Schreibzugriffe auf Gast-Seitentabellen"),
    "cause.vm-exit:invlpg": ("VM exits: INVLPG", "VM-Exits: INVLPG"),
    "cause.vm-exit:cr3-load": ("VM exits: CR3 loads (context switches)",
                               "VM-Exits: CR3-Ladevorgänge (Kontextwechsel)"),
    "cause.vm-exit:ept-violation": ("VM exits: EPT violations", "VM-Exits: EPT-Verletzungen"),
    "cause.vm-exit:ept-violation.amd": ("VM exits: nested page faults (#NPF)",
                                        "VM-Exits: verschachtelte Seitenfehler (#NPF)"),
    "cause.guest-fault": ("guest page faults (handler)", "Gast-Seitenfehler (Behandlung)"),
    "cause.guest": ("guest kernel: zeroing, copying, reading back its pages", "Gastkernel: Seiten nullen, kopieren, zurücklesen"),
    "cause.pmap": ("VMM: backing, copies, swap-in, decompression", "VMM: Hinterlegen, Kopien, Einlagern, Entpacken"),
    "cause.vm-switch": ("VM switches", "VM-Wechsel"),
    "cause.tlb": ("TLB hits", "TLB-Treffer"),
    "row.operations": ("operations", "Operationen"),
    "row.accesses": ("accesses", "Zugriffe"),
    "row.tlb_hits": ("TLB hits", "TLB-Treffer"),
    "row.tlb_misses": ("TLB misses", "TLB-Fehltreffer"),
    "row.walk_refs": ("walk references (CPU)", "Zugriffe der Seitentabellendurchläufe (CPU)"),
    "row.vmm_walk_refs": ("VMM's software walk references", "Zugriffe des VMM beim Durchlauf in Software"),
    "row.refs_per_miss": ("references per TLB miss", "Zugriffe je TLB-Fehltreffer"),
    "row.vm_exits": ("VM exits", "VM-Exits"),
    "row.guest_faults": ("guest page faults", "Gast-Seitenfehler"),
    "row.cycles": ("cycles", "Takte"),
    "row.cycles_per_access": ("cycles per access", "Takte je Zugriff"),
    "row.overhead": ("overhead over native", "Mehraufwand gegenüber nativ"),
    "row.frames": ("machine pages in use", "belegte Maschinenseiten"),
    "col.metric": ("counter", "Zähler"),
    "col.mode": ("mode", "Modus"),
    "col.cycles": ("cycles", "Takte"),
    "col.cycles_per_access": ("cycles per access", "Takte je Zugriff"),
    "col.operation": ("operation", "Operation"),
    "col.cumulative": ("cumulative cycles", "Takte (kumuliert)"),
    "col.share": ("share", "Anteil"),
    "why.tie": ("Shadow and nested paging cost exactly the same on this trace ({cycles} cycles).",
                "Schatten- und verschachtelte Seitentabellen kosten bei diesem Trace genau gleich viel "
                "({cycles} Takte)."),
    "why.head": ("**{Winner}** wins: {loser} costs **{margin} more** ({loser_cpa} against {winner_cpa} "
                 "cycles per access).",
                 "**{Winner}** gewinnt: {loser} kostet **{margin} mehr** ({loser_cpa} gegen {winner_cpa} "
                 "Takte je Zugriff)."),
    "why.loser_extra": ("{Loser} pays extra for {items}.", "{Loser} zahlt zusätzlich für {items}."),
    "why.winner_extra": ("{Winner} pays more only for {items} — less than it saves.",
                         "{Winner} zahlt nur für {items} mehr — weniger, als es spart."),
    "why.item": ("{cause} (+{cycles} cycles{count})", "{cause} (+{cycles} Takte{count})"),
    "why.count.exits": (", {n} exits", ", {n} Exits"),
    "why.count.refs": (", {n} references", ", {n} Zugriffe"),
    "why.count.faults": (", {n} faults", ", {n} Fehler"),
    "why.walks": ("CPU walk references per TLB miss in this run, every walk counted: native {native}, shadow "
                  "{shadow}, nested {nested}. One walk reads at most 4 entries natively and in shadow mode (the "
                  "shadow maps gVA → MA directly) and at most 24 in nested mode (each guest-table reference is "
                  "itself translated through the nested tables); MMU caches and 2 MiB pages make walks shorter.",
                  "Zugriffe der CPU je TLB-Fehltreffer in diesem Lauf, jeder Durchlauf gezählt: nativ {native}, "
                  "Schatten {shadow}, verschachtelt {nested}. Ein Durchlauf liest nativ und im Schattenmodus "
                  "höchstens 4 Einträge (die Schattentabelle bildet gVA direkt auf MA ab), verschachtelt höchstens "
                  "24 (jeder Zugriff auf eine Gast-Seitentabelle wird selbst durch die verschachtelten "
                  "Seitentabellen übersetzt); MMU-Caches und 2-MiB-Seiten verkürzen die Durchläufe."),
    "why.walks.retries": ("The mean {where} is higher than one walk reads: a walk that meets a fault (a hidden "
                          "page fault, a guest #PF, an EPT violation) is made again once the fault is handled, and "
                          "every walk counts.",
                          "Das Mittel {where} liegt über dem, was ein Durchlauf liest: Ein Durchlauf, der auf einen "
                          "Fehler trifft (versteckter Seitenfehler, #PF im Gast, EPT-Verletzung), wird nach dessen "
                          "Behandlung wiederholt, und jeder Durchlauf zählt."),
    "why.walks.retries.amd": ("The mean {where} is higher than one walk reads: a walk that meets a fault (a "
                              "hidden page fault, a guest #PF, a nested page fault) is made again once the fault is "
                              "handled, and every walk counts.",
                              "Das Mittel {where} liegt über dem, was ein Durchlauf liest: Ein Durchlauf, der auf "
                              "einen Fehler trifft (versteckter Seitenfehler, #PF im Gast, verschachtelter "
                              "Seitenfehler), wird nach dessen Behandlung wiederholt, und jeder Durchlauf zählt."),
    "why.walks.where.native": ("natively", "nativ"),
    "why.walks.where.shadow": ("in shadow mode", "im Schattenmodus"),
    "why.walks.where.nested": ("in nested mode", "im verschachtelten Modus"),
    "why.rule.nested": ("Rule of thumb: shadow paging pays on page-table updates and context switches (VM "
                        "exits); nested paging pays on TLB misses. This trace has more of the former.",
                        "Faustregel: Schattenseitentabellen zahlen bei Seitentabellen-Änderungen und "
                        "Kontextwechseln (VM-Exits), verschachtelte Seitentabellen bei TLB-Fehltreffern. "
                        "In diesem Trace überwiegt das Erste."),
    "why.rule.shadow": ("Rule of thumb: shadow paging pays on page-table updates and context switches (VM "
                        "exits); nested paging pays on TLB misses. This trace has more of the latter.",
                        "Faustregel: Schattenseitentabellen zahlen bei Seitentabellen-Änderungen und "
                        "Kontextwechseln (VM-Exits), verschachtelte Seitentabellen bei TLB-Fehltreffern. "
                        "In diesem Trace überwiegt das Zweite."),
    "why.native": ("Native (no virtualization) needs {native_cpa} cycles per access: shadow adds "
                   "{shadow_over}, nested {nested_over}.",
                   "Nativ (ohne Virtualisierung) braucht {native_cpa} Takte je Zugriff: Schatten kostet "
                   "{shadow_over} mehr, verschachtelt {nested_over} mehr."),
    "why.and": ("and", "und"),
    "cmp.title": ("Shadow vs nested paging on one trace",
                  "Schatten- gegen verschachtelte Seitentabellen an einem Trace"),
    "cmp.intro": ("The same trace of memory accesses runs three times on identical machines: natively (no "
                  "virtualization — the baseline), with **shadow page tables** (software: the VMM keeps gVA → MA "
                  "tables and intercepts context switches and the guest's writes to the page-table pages its "
                  "shadows mirror) and with **nested page tables** (hardware: no such exits, but a TLB miss walks "
                  "two dimensions — up to 24 references without MMU caches). The machine starts as today's: MMU "
                  "caches on and guest memory backed with 2 MiB pages, as ESXi does by default; the *bare "
                  "machine* shows what those buy. Costs come from the cost model (see *Costs*).",
                  "Derselbe Trace von Speicherzugriffen läuft dreimal auf gleichen Maschinen: nativ (ohne "
                  "Virtualisierung — die Basis), mit **Schattenseitentabellen** (Software: der VMM pflegt Tabellen "
                  "gVA → MA und fängt Kontextwechsel sowie Schreibzugriffe des Gasts auf die von Schatten "
                  "gespiegelten Seitentabellenseiten ab) und mit **verschachtelten Seitentabellen** (Hardware: "
                  "keine solchen Exits, aber ein TLB-Fehltreffer läuft durch zwei Dimensionen — ohne MMU-Caches "
                  "bis zu 24 Zugriffe). Die Maschine ist zu Beginn eine heutige: MMU-Caches an und der "
                  "Gastspeicher mit 2-MiB-Seiten hinterlegt, wie ESXi es standardmäßig tut; die "
                  "*Minimalmaschine* zeigt, was beides bringt. Die Kosten stammen aus dem Kostenmodell (siehe "
                  "*Kosten*)."),
    "cmp.workload": ("Workload", "Last"),
    "cmp.source": ("Trace from", "Trace aus"),
    "cmp.source.generator": ("a workload generator", "einem Lastgenerator"),
    "cmp.source.program": ("a real program (Valgrind)", "einem echten Programm (Valgrind)"),
    "cmp.source.scenario": ("the active scenario ({name})", "dem aktiven Szenario ({name})"),
    "cmp.scenario.caption": ("Scenario **{name}** as chosen on the home page: {ops} operations on its own "
                             "machine. {description}",
                             "Szenario **{name}**, auf der Startseite gewählt: {ops} Operationen auf seiner "
                             "eigenen Maschine. {description}"),
    "cmp.scenario.empty": ("Scenario {name} has no trace to compare.",
                           "Szenario {name} hat keinen Trace zum Vergleichen."),
    "cmp.source.upload": ("an uploaded file", "einer hochgeladenen Datei"),
    "cmp.kind": ("Generator", "Generator"),
    "cmp.seed": ("Seed", "Startwert (Seed)"),
    "cmp.program": ("Program", "Programm"),
    "cmp.program.caption": ("`{name}.c` ({ops} operations), recorded with `valgrind --tool=lackey "
                            "--trace-mem=yes`: instruction fetches run as exec, loads as read, stores as "
                            "write — one process in one VM. Its source is in `visualizer/traces/`.",
                            "`{name}.c` ({ops} Operationen), aufgezeichnet mit `valgrind --tool=lackey "
                            "--trace-mem=yes`: Befehlsholen als exec, Laden als read, Speichern als write — "
                            "ein Prozess in einer VM. Der Quelltext liegt in `visualizer/traces/`."),
    "cmp.upload": ("CSV trace, Valgrind lackey trace or scenario file (TOML)",
                   "CSV-Trace, Valgrind-lackey-Trace oder Szenariodatei (TOML)"),
    "cmp.upload.caps": ("At most {mib} MiB per file — gzip it: a real program's 3.8 million accesses are 2.4 MB "
                        "gzipped — and {rows} operations. CSV: `vm,process,op,address[,value]` with op one of "
                        "read, write, exec, map, unmap, protect, invlpg, switch, swap_out; addresses below "
                        "0x800000000000. VMs and processes are created on first mention.",
                        "Höchstens {mib} MiB je Datei — mit gzip gepackt sind die 3,8 Millionen Zugriffe eines "
                        "echten Programms 2,4 MB — und {rows} Operationen. CSV: `vm,process,op,address[,value]`, "
                        "op aus read, write, exec, map, unmap, protect, invlpg, switch, swap_out; Adressen unter "
                        "0x800000000000. VMs und Prozesse entstehen bei der ersten Nennung."),
    "cmp.upload.bigger": ("Larger traces run on the command line, in bounded memory (up to "
                          "{rows} operations): `python -m visualizer compare --trace FILE`.",
                          "Größere Traces laufen auf der Kommandozeile, mit begrenztem Speicher (bis "
                          "{rows} Operationen): `python -m visualizer compare --trace DATEI`."),
    "cmp.upload.long": ("A long trace: the server keeps it as uploaded, and each run reads it again in a worker "
                        "process.",
                        "Ein langer Trace: Der Server behält ihn wie hochgeladen, jeder Lauf liest ihn in einem "
                        "Arbeitsprozess neu."),
    "cmp.record.title": ("Record your own program", "Eigenes Programm aufzeichnen"),
    "cmp.record.body": (
        "Valgrind's lackey tool writes every memory access of a Linux program (x86-64 or ARM64; install "
        "`valgrind` with your package manager, e.g. `sudo apt-get install valgrind`):\n\n"
        "```bash\npython -m visualizer record -- ls -l\n```\n\n"
        "writes `ls.lackey.gz`: the same as\n\n"
        "```bash\nvalgrind --tool=lackey --trace-mem=yes \\\n    --log-file=ls.lackey ls -l\ngzip ls.lackey\n```\n\n"
        "Upload it here (up to {mib} MiB), or compare it on the command line, at any length:\n\n"
        "```bash\npython -m visualizer compare --trace ls.lackey.gz\n```\n\n"
        "Instruction fetches run as exec, loads as read, stores as write; the program is one process in one VM. "
        "Under lackey a program runs far slower than natively (it writes a line for every access): gzip of a 17 KB "
        "file makes about 3.8 million accesses and takes a few seconds.",
        "Das Valgrind-Werkzeug lackey schreibt jeden Speicherzugriff eines Linux-Programms auf (x86-64 oder ARM64; "
        "`valgrind` mit dem Paketmanager installieren, z. B. `sudo apt-get install valgrind`):\n\n"
        "```bash\npython -m visualizer record -- ls -l\n```\n\n"
        "schreibt `ls.lackey.gz`, genau wie\n\n"
        "```bash\nvalgrind --tool=lackey --trace-mem=yes \\\n    --log-file=ls.lackey ls -l\ngzip ls.lackey\n```\n\n"
        "Laden Sie die Datei hier hoch (bis {mib} MiB) oder vergleichen Sie sie auf der Kommandozeile, in jeder "
        "Länge:\n\n"
        "```bash\npython -m visualizer compare --trace ls.lackey.gz\n```\n\n"
        "Befehlsholen läuft als exec, Laden als read, Speichern als write; das Programm ist ein Prozess in einer VM. "
        "Unter lackey läuft ein Programm weit langsamer als sonst (es schreibt für jeden Zugriff eine Zeile): gzip "
        "einer 17-KB-Datei ergibt etwa 3,8 Millionen Zugriffe und dauert einige Sekunden."),
    "cmp.upload.error": ("Upload rejected — {error}", "Datei abgelehnt — {error}"),
    "cmp.upload.kept": ("Still comparing the previous trace: {name}.",
                        "Verglichen wird weiter der vorige Trace: {name}."),
    "cmp.upload.none": ("Upload a file to compare its trace.",
                        "Laden Sie eine Datei hoch, um ihren Trace zu vergleichen."),
    "cmp.upload.loaded": ("Loaded {name}: {fmt}, {ops} operations.",
                          "Geladen: {name}: {fmt}, {ops} Operationen."),
    "cmp.machine": ("Machine", "Maschine"),
    "cmp.tlb_entries": ("TLB entries", "TLB-Einträge"),
    "cmp.tlb_ways": ("TLB ways", "TLB-Assoziativität (Wege)"),
    "cmp.pcid": ("PCID tags", "PCID-Tags"),
    "cmp.pcid.help": ("The TLB's entries carry the process's PCID: they survive context switches.",
                      "Die TLB-Einträge tragen die PCID des Prozesses: Sie überstehen Kontextwechsel."),
    "cmp.vpid": ("VPID tags", "VPID-Tags"),
    "cmp.vpid.help": ("The TLB's entries carry the virtual CPU's VPID: they survive VM exits, entries and "
                      "switches.",
                      "Die TLB-Einträge tragen die VPID der virtuellen CPU: Sie überstehen VM-Exits, "
                      "Wiedereintritte und VM-Wechsel."),
    "cmp.vpid.amd": ("ASID tags", "ASID-Tags"),
    "cmp.vpid.help.amd": ("The TLB's entries carry the guest's ASID (address space identifier): they survive "
                          "#VMEXIT, VMRUN and switches between VMs.",
                          "Die TLB-Einträge tragen die ASID (Address Space Identifier) des Gasts: Sie überstehen "
                          "#VMEXIT, VMRUN und VM-Wechsel."),
    "cmp.design": ("MMU design", "MMU-Bauart"),
    "cmp.design.intel": ("Intel (VT-x, EPT)", "Intel (VT-x mit EPT)"),
    "cmp.design.amd": ("AMD (SVM, NPT)", "AMD (SVM mit NPT)"),
    "cmp.design.help": ("Whose MMU caches the machine has, and their names. Intel: paging-structure caches of "
                        "combined mappings (a PDE-cache hit leaves 1 + 4 references of a nested walk) and "
                        "guest-physical mappings (SDM Vol. 3C §29.4). AMD: a page-walk cache of guest and nested "
                        "entries by physical address and a nested TLB (Bhargava et al., ASPLOS'08).",
                        "Wessen MMU-Caches die Maschine hat, und wie sie heißen. Intel: Paging-Structure-Caches "
                        "mit kombinierten Zuordnungen (ein Treffer im PDE-Cache lässt von einem verschachtelten "
                        "Durchlauf 1 + 4 Zugriffe übrig) und Guest-Physical-Zuordnungen (SDM Band 3C §29.4). AMD: "
                        "ein Page-Walk-Cache für Einträge des Gasts und der verschachtelten Tabellen nach "
                        "physischer Adresse und ein verschachtelter TLB (Bhargava u. a., ASPLOS'08)."),
    "cmp.preset": ("Start from", "Ausgangspunkt"),
    "cmp.preset.today": ("today's machine", "heutige Maschine"),
    "cmp.preset.bare": ("bare machine", "Minimalmaschine"),
    "cmp.preset.help": ("Today's machine: the MMU caches of the chosen design on and, in nested mode, guest "
                        "memory backed with 2 MiB machine pages (ESXi's default under a hardware MMU). Bare "
                        "machine: no MMU caches, 4 KiB backing — every cold nested walk reads 24 entries. The "
                        "switches below change either.",
                        "Heutige Maschine: die MMU-Caches der gewählten Bauart an und, mit verschachtelten "
                        "Seitentabellen, der Gastspeicher mit 2-MiB-Maschinenseiten hinterlegt (ESXis Standard mit "
                        "Hardware-MMU). Minimalmaschine: keine MMU-Caches, 4-KiB-Hinterlegung — jeder kalte "
                        "verschachtelte Durchlauf liest 24 Einträge. Die Schalter darunter ändern beide."),
    "cmp.preset.custom": ("Your own mix of the switches below (neither today's nor the bare machine).",
                          "Eigene Mischung der Schalter unten (weder heutige noch Minimalmaschine)."),
    "cmp.summary.caches": ("{whose} MMU caches: {caches}", "MMU-Caches ({whose}): {caches}"),
    "cmp.summary.no_caches": ("no MMU caches", "keine MMU-Caches"),
    "cmp.summary.backing_2m": ("nested mode: 2 MiB backing", "verschachtelt: 2-MiB-Hinterlegung"),
    "cmp.summary.backing_4k": ("4 KiB backing", "4-KiB-Hinterlegung"),
    "dsgn.whose.intel": ("Intel's", "Intel"),
    "dsgn.whose.amd": ("AMD's", "AMD"),
    "dsgn.who.intel": ("Intel's design", "Intels Bauart"),
    "dsgn.who.amd": ("AMD's design", "AMDs Bauart"),
    "dsgn.none": ("no MMU caches", "keine MMU-Caches"),
    "dsgn.intel": ("Intel's MMU caches", "MMU-Caches nach Intel"),
    "dsgn.amd": ("AMD's MMU caches", "MMU-Caches nach AMD"),
    "sweep.design": ("MMU design", "MMU-Bauart"),
    "sweep.col.cpa": ("{mode}: cycles per access", "{mode}: Takte je Zugriff"),
    "sweep.col.refs": ("{mode}: references per TLB miss", "{mode}: Zugriffe je TLB-Fehltreffer"),
    "cmp.sweep.design.intro": ("Points: the same trace without MMU caches, with Intel's (paging-structure caches "
                               "and guest-physical mappings) and with AMD's (page-walk cache and nested TLB); "
                               "large pages, TLB and costs as chosen above.",
                               "Punkte: derselbe Trace ohne MMU-Caches, mit denen nach Intel (Paging-Structure-"
                               "Caches und Guest-Physical-Zuordnungen) und mit denen nach AMD (Page-Walk-Cache "
                               "und verschachtelter TLB); große Seiten, TLB und Kosten wie oben gewählt."),
    "cmp.sweep.design": ("On this trace a nested TLB miss walks **{intel_refs}** references on average with Intel's "
                         "MMU caches and **{amd_refs}** with AMD's ({intel_cpa} and {amd_cpa} cycles per access).",
                         "Auf diesem Trace liest ein verschachtelter TLB-Fehltreffer im Mittel **{intel_refs}** "
                         "Einträge mit den MMU-Caches nach Intel und **{amd_refs}** mit denen nach AMD ({intel_cpa} "
                         "und {amd_cpa} Takte je Zugriff)."),
    "cmp.sweep.design.cheaper": ("Nested mode runs **{margin}** cheaper with {cheaper} than with {dearer}.",
                                 "Der verschachtelte Modus läuft mit {cheaper} **{margin}** günstiger als mit "
                                 "{dearer}."),
    "cmp.sweep.design.same": ("Nested mode costs the same with either design.",
                              "Der verschachtelte Modus kostet mit beiden Bauarten gleich viel."),
    "cmp.sweep.design.none": ("Without MMU caches: {refs} references per miss, {cpa} cycles per access.",
                              "Ohne MMU-Caches: {refs} Zugriffe je Fehltreffer, {cpa} Takte je Zugriff."),
    "cmp.root_cache": ("Cached shadow roots per VM", "Zwischengespeicherte Schattenwurzeln je VM"),
    "cmp.machine.from_scenario": ("Machine from the scenario file: {vms}. The machine settings and costs above "
                                  "apply on top (2 MiB backing gives each VM's memory whole 2 MiB blocks).",
                                  "Maschine aus der Szenariodatei: {vms}. Die Maschineneinstellungen und Kosten "
                                  "oben gelten zusätzlich (die 2-MiB-Hinterlegung gibt dem Speicher jeder VM "
                                  "ganze 2-MiB-Blöcke)."),
    "cmp.machine.default": ("Default machine: {vms} (created on first mention, memory sized to the trace).",
                            "Standardmaschine: {vms} (bei erster Nennung angelegt, Speicher passend zum "
                            "Trace)."),
    "cmp.costs.summary": ("Costs: walk reference {walk_ref} cycles, VM exit {exit} cycles (round trip "
                          "{vm_exit} + handler {vmm_handler}).",
                          "Kosten: Zugriff beim Seitentabellendurchlauf {walk_ref} Takte, VM-Exit {exit} Takte (Hin und zurück "
                          "{vm_exit} + Behandlung {vmm_handler})."),
    "cmp.costs.edit": ("Edit the cost model", "Kostenmodell bearbeiten"),
    "cmp.running": ("Running {what} …", "Läuft: {what} …"),
    "cmp.ran": ("{ops} operations × 3 modes simulated in {seconds} s.",
                "{ops} Operationen × 3 Modi in {seconds} s simuliert."),
    "cmp.results.cpa": ("Cycles per access", "Takte je Zugriff"),
    "cmp.metric.baseline": ("the baseline", "die Basis"),
    "cmp.metric.delta": ("{over} over native", "{over} über nativ"),
    "cmp.tab.causes": ("Cycles by cause", "Takte nach Ursache"),
    "cmp.tab.curve": ("Over the trace", "Im Verlauf des Traces"),
    "cmp.tab.counters": ("Counters", "Zähler"),
    "cmp.tab.sweep": ("Sweep", "Parameterreihe"),
    "cmp.tab.cli": ("Command line", "Kommandozeile"),
    "cmp.causes.caption": ("Cycles per access, stacked by what they were spent on.",
                           "Takte je Zugriff, gestapelt nach ihrem Zweck."),
    "cmp.curve.caption": ("Cumulative cycles along the trace. A steep start is warm-up (demand paging, "
                          "shadow fills, EPT backing); the slope afterwards is the steady-state cost.",
                          "Kumulierte Takte entlang des Traces. Ein steiler Anfang ist Aufwärmen (Demand "
                          "Paging, Schatteneinträge, EPT-Hinterlegung); die Steigung danach sind die Kosten "
                          "im eingeschwungenen Zustand."),
    "cmp.cli.caption.generator": ("Reproduce this comparison from the command line: the scenario file holds "
                                  "the machine, these settings and the workload generator with its seed; the"
                                  " counters match this page's.",
                                  "Diesen Vergleich auf der Kommandozeile nachvollziehen: Die Szenariodatei "
                                  "enthält die Maschine, diese Einstellungen und den Lastgenerator mit "
                                  "Startwert; die Zähler stimmen mit dieser Seite überein."),
    "cmp.cli.caption.trace": ("Reproduce this comparison from the command line: the scenario file holds the "
                              "machine and these settings, the trace comes from {trace}; the counters match "
                              "this page's.",
                              "Diesen Vergleich auf der Kommandozeile nachvollziehen: Die Szenariodatei "
                              "enthält die Maschine und diese Einstellungen, der Trace kommt aus {trace}; die"
                              " Zähler stimmen mit dieser Seite überein."),
    "cmp.cli.download": ("Download comparison.toml", "comparison.toml herunterladen"),
    "cmp.cli.download_trace": ("Download the trace: {file}", "Trace herunterladen: {file}"),
    "cmp.error": ("Cannot run this comparison — {error}", "Vergleich nicht möglich — {error}"),
    "cmp.sweep.intro": ("Vary one parameter and watch cycles per access in each mode: where the lines cross,"
                        " the winner changes. Workload parameters vary the *mix* workload (a hot/cold "
                        "working set with page-table updates and context switches); TLB size and walk cost "
                        "run the current trace.",
                        "Einen Parameter variieren und die Takte je Zugriff in jedem Modus beobachten: wo "
                        "sich die Linien kreuzen, wechselt der Gewinner. Last-Parameter variieren die "
                        "*mix*-Last (heiße/kalte Seiten mit Seitentabellen-Änderungen und Kontextwechseln); "
                        "TLB-Größe und Kosten je Zugriff beim Seitentabellendurchlauf nutzen den aktuellen Trace."),
    "cmp.sweep.param": ("Vary", "Variieren"),
    "cmp.sweep.values": ("Values (comma-separated)", "Werte (durch Kommas getrennt)"),
    "cmp.sweep.accesses": ("Accesses per point", "Zugriffe je Punkt"),
    "cmp.sweep.run": ("Run sweep", "Reihe berechnen"),
    "cmp.sweep.bad_values": ("Values: '{text}' — give 1 to 20 numbers ≥ 0 separated by commas.",
                             "Werte: '{text}' — 1 bis 20 Zahlen ≥ 0, durch Kommas getrennt."),
    "cmp.sweep.bad_tlb": ("TLB entries must be whole numbers from 1 to 65,536.",
                          "TLB-Einträge müssen ganze Zahlen von 1 bis 65.536 sein."),
    "cmp.sweep.none": ("No crossover in this range: {winner} wins at every point.",
                       "Kein Schnittpunkt in diesem Bereich: {winner} gewinnt überall."),
    "cmp.sweep.cross": ("Crossover near {param} ≈ {x}: below it {before} wins, above it {after}.",
                        "Schnittpunkt bei {param} ≈ {x}: darunter gewinnt {before}, darüber {after}."),
    "cmp.sweep.ran": ("{points} points × {modes} modes × {accesses} accesses in {seconds} s.",
                      "{points} Punkte × {modes} Modi × {accesses} Zugriffe in {seconds} s."),
    "cmp.sweep.stale": ("Settings changed since this sweep ran — run it again to update.",
                        "Einstellungen seit dieser Reihe geändert — erneut berechnen zum Aktualisieren."),
    "sweep.update_rate": ("page-table updates per 1,000 accesses",
                          "Seitentabellen-Änderungen je 1.000 Zugriffe"),
    "sweep.switch_rate": ("context switches per 1,000 accesses", "Kontextwechsel je 1.000 Zugriffe"),
    "sweep.pages": ("working-set size (pages per process)", "Arbeitsmenge (Seiten je Prozess)"),
    "sweep.tlb_entries": ("TLB entries", "TLB-Einträge"),
    "sweep.walk_ref": ("cycles per walk reference", "Takte je Zugriff beim Seitentabellendurchlauf"),
    "gen.sequential": ("sequential scan", "sequenzieller Durchlauf"),
    "gen.uniform": ("uniform random", "gleichverteilt zufällig"),
    "gen.zipf": ("hot/cold working set (Zipf)", "heiße/kalte Arbeitsmenge (Zipf)"),
    "gen.tlb_thrash": ("TLB thrashing", "TLB-Überlastung (Thrashing)"),
    "gen.pt_churn": ("page-table churn (map/unmap/protect, copy-on-write)",
                     "Seitentabellen-Umbau (map/unmap/protect, Copy-on-Write)"),
    "gen.context_switch": ("context-switch heavy", "viele Kontextwechsel"),
    "gen.mix": ("mix (rates of updates and switches)", "Mischung (Raten für Änderungen und Wechsel)"),
    "gen.program": ("real program (lackey)", "echtes Programm (lackey)"),
    "gdesc.sequential": ("Scans pages in order: many accesses per page, TLB-friendly.",
                         "Durchläuft Seiten der Reihe nach: viele Zugriffe je Seite, TLB-freundlich."),
    "gdesc.uniform": ("Uniformly random pages: TLB misses once the pages exceed the TLB's reach.",
                      "Gleichverteilt zufällige Seiten: TLB-Fehltreffer, sobald die Seiten die Reichweite des"
                      " TLB übersteigen."),
    "gdesc.zipf": ("A few hot pages take most accesses, a long cold tail the rest.",
                   "Wenige heiße Seiten erhalten die meisten Zugriffe, ein langer kalter Rest den Rest."),
    "gdesc.tlb_thrash": ("A cyclic walk over more pages than the TLB holds and no page-table activity: every"
                         " access misses — nested paging's worst case.",
                         "Ein zyklischer Durchlauf über mehr Seiten, als der TLB fasst, ohne "
                         "Seitentabellen-Änderungen: jeder Zugriff verfehlt den TLB — der schlimmste Fall "
                         "für verschachtelte Seitentabellen."),
    "gdesc.pt_churn": ("Bursts of map/unmap and fork with copy-on-write: with shadow page tables the guest's "
                       "writes to mirrored (write-protected) page-table pages exit — shadow paging's worst case.",
                       "Schübe von map/unmap und fork mit Copy-on-Write: mit Schattenseitentabellen führen die "
                       "Schreibzugriffe des Gasts auf gespiegelte (schreibgeschützte) Seitentabellenseiten zum "
                       "Exit — der schlimmste Fall für Schattenseitentabellen."),
    "gdesc.context_switch": ("N processes take turns: every switch loads CR3, which exits with shadow page "
                             "tables.",
                             "N Prozesse wechseln sich ab: jeder Wechsel lädt CR3, was mit "
                             "Schattenseitentabellen zu einem Exit führt."),
    "gdesc.mix": ("A hot/cold working set with page-table updates and context switches at chosen rates.",
                  "Eine heiße/kalte Arbeitsmenge mit Seitentabellen-Änderungen und Kontextwechseln in "
                  "wählbaren Raten."),
    "param.accesses": ("accesses", "Zugriffe"),
    "param.pages": ("pages (working set)", "Seiten (Arbeitsmenge)"),
    "param.stride": ("stride (bytes)", "Schrittweite (Bytes)"),
    "param.write_ratio": ("write ratio", "Schreibanteil"),
    "param.exponent": ("Zipf exponent (0 = uniform)", "Zipf-Exponent (0 = gleichverteilt)"),
    "param.burst_every": ("accesses between bursts", "Zugriffe zwischen Schüben"),
    "param.burst_pages": ("pages per burst", "Seiten je Schub"),
    "param.cow_ratio": ("copy-on-write share of bursts", "Anteil Copy-on-Write-Schübe"),
    "param.processes": ("processes", "Prozesse"),
    "param.quantum": ("quantum (accesses per time slice)", "Zeitscheibe (Zugriffe)"),
    "param.update_rate": ("page-table updates per 1,000 accesses",
                          "Seitentabellen-Änderungen je 1.000 Zugriffe"),
    "param.switch_rate": ("context switches per 1,000 accesses", "Kontextwechsel je 1.000 Zugriffe"),
    "param.bad": ("Parameters: {error}", "Parameter: {error}"),
    "cmp.machine_memory": ("machine memory", "Maschinenspeicher"),
    # -- deep links into the page -----------------------------------------------------------------
    "cmp.link.bad": ("The link's “{name}={value}” was not used: {name} takes {expected}.",
                     "„{name}={value}“ aus dem Link wurde nicht übernommen: {name} erwartet {expected}."),
    "cmp.link.one_of": ("one of {options}", "einen der Werte {options}"),
    "cmp.link.range": ("a number from {lo} to {hi}", "eine Zahl von {lo} bis {hi}"),
    "cmp.link.bool": ("1 or 0 (on or off)", "1 oder 0 (an oder aus)"),
    "cmp.upload.evicted": (
        "The server no longer holds your uploaded trace “{name}”: uploads of all sessions share {mib} MiB, and the "
        "oldest go first. Upload it again to compare it.",
        "Der Server hält Ihren hochgeladenen Trace „{name}“ nicht mehr: Die Uploads aller Sitzungen teilen sich "
        "{mib} MiB, die ältesten werden zuerst verworfen. Laden Sie ihn erneut hoch, um ihn zu vergleichen."),
}
