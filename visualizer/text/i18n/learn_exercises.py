"""Strings of learning mode: exercises (see :mod:`visualizer.learn.exercises`) and the Practice page."""
from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    # kinds, modes, fields
    "ex.kind.translate": ("Translate a gVA", "Eine gVA übersetzen"),
    "ex.kind.walk-refs": ("References of a TLB miss", "Zugriffe eines TLB-Fehltreffers"),
    "ex.kind.exits": ("VM exits of a trace", "VM-Exits eines Traces"),
    "ex.kind.tlb": ("TLB hit or miss", "TLB-Treffer oder TLB-Fehltreffer"),
    "ex.kind.cheaper": ("Which mode is cheaper?", "Welcher Modus ist günstiger?"),
    "ex.kind.reclaim": ("Reclaiming memory", "Speicher zurückgewinnen"),
    "ex.mode.shadow": ("shadow page tables", "Schattenseitentabellen"),
    "ex.mode.nested": ("nested paging", "verschachtelten Seitentabellen"),
    "ex.choice.shadow": ("shadow page tables", "Schattenseitentabellen"),
    "ex.choice.nested": ("nested paging", "verschachtelte Seitentabellen"),
    "ex.mode.both": ("both modes", "beiden Modi"),
    "ex.field.gpa": ("guest-physical address (gPA)", "gastphysische Adresse (gPA)"),
    "ex.field.ma": ("machine address (MA)", "Maschinenadresse (MA)"),
    "ex.field.tlb": ("TLB hit or miss", "TLB-Treffer oder TLB-Fehltreffer"),
    "ex.field.walk_refs": ("page-walk references", "Zugriffe beim Seitentabellendurchlauf"),
    "ex.field.vm_exits_by_reason": ("VM exits", "VM-Exits"),
    "ex.field.cheaper": ("the cheaper mode", "der günstigere Modus"),
    "ex.field.reclaim": ("what the host does", "was der Host tut"),
    "ex.field_in_mode": ("{field} with {mode}", "{field} mit {mode}"),
    "ex.exit.hidden-fault": ("hidden page fault", "versteckter Seitenfehler"),
    "ex.exit.guest-fault": ("true guest page fault", "echter Seitenfehler des Gasts"),
    "ex.exit.pt-write": ("write to a write-protected guest page table",
                         "Schreiben in schreibgeschützte Seitentabelle des Gasts"),
    "ex.exit.cr3-load": ("CR3 load", "CR3-Laden"),
    "ex.exit.invlpg": ("INVLPG", "INVLPG"),
    "ex.exit.ept-violation": ("EPT violation", "EPT-Verletzung"),
    "ex.none": ("none", "keine"),
    "ex.on": ("on", "an"),
    "ex.off": ("off", "aus"),
    # questions
    "ex.q.translate": ("VM1/p1 runs the trace below with {mode}. At step {step} it reads gVA 0x{gva:x}. The guest's "
                       "page tables and the VMM's pmap, as they are before that step, are given (an entry's frame "
                       "address is its bits 12–51). Which gPA and which MA does the access use?",
                       "VM1/p1 führt den Trace unten mit {mode} aus. In Schritt {step} liest es die gVA 0x{gva:x}. "
                       "Gegeben sind die Seitentabellen des Gasts und die pmap des VMM, wie sie vor diesem Schritt "
                       "sind (die Rahmenadresse eines Eintrags steht in seinen Bits 12–51). Welche gPA und welche MA "
                       "verwendet der Zugriff?"),
    "ex.q.walk-refs": ("At step {step} the access misses the TLB in both modes and meets no fault. How many "
                       "references does the CPU's page walker make for it with shadow page tables, and how many "
                       "with nested paging?",
                       "In Schritt {step} verfehlt der Zugriff in beiden Modi den TLB (ein TLB-Fehltreffer) und "
                       "löst keinen Fehler aus. Wie viele Zugriffe macht der Seitentabellendurchlauf der CPU dafür "
                       "mit Schattenseitentabellen, und wie viele mit verschachtelten Seitentabellen?"),
    "ex.q.exits": ("Which VM exits occur when this trace runs with shadow page tables, and which with nested "
                   "paging? Name every reason that occurs at least once.",
                   "Welche VM-Exits treten auf, wenn dieser Trace mit Schattenseitentabellen läuft, und welche mit "
                   "verschachtelten Seitentabellen? Nennen Sie jeden Grund, der mindestens einmal vorkommt."),
    "ex.q.tlb": ("The trace below runs with {mode}; VPID is {vpid}, PCID is {pcid}. Step {step} reads page "
                 "0x{gva:x} of VM1/p1 again: does it hit the TLB or miss?",
                 "Der Trace unten läuft mit {mode}; VPID ist {vpid}, PCID ist {pcid}. Schritt {step} liest "
                 "Seite 0x{gva:x} von VM1/p1 noch einmal: TLB-Treffer oder TLB-Fehltreffer?"),
    "ex.q.cheaper": ("Which mode runs this workload in fewer cycles: shadow page tables or nested paging? Think "
                     "about what each mode pays for.",
                     "Welcher Modus braucht für diese Last weniger Takte: Schattenseitentabellen oder "
                     "verschachtelte Seitentabellen? Überlegen Sie, wofür jeder Modus bezahlt."),
    "ex.q.reclaim": ("Two VMs run on a host that has {pool} machine pages for its guests; minFree is {min_free} "
                     "pages. After step {k} of the trace below, {free} free. Step {step} {what}; after "
                     "it the host makes its first periodic pass: the sharing scan hashes every page of the VMs "
                     "(sharing is {salting}), then the host does what its memory state calls for. What does the "
                     "host do in step {step} — the most it does?",
                     "Zwei VMs laufen auf einem Host, der {pool} Maschinenseiten für seine Gäste hat; minFree ist "
                     "{min_free} Seiten. Nach Schritt {k} des Traces unten {free} frei. Schritt {step} "
                     "{what}; danach macht der Host seinen ersten periodischen Durchgang: Der Scan der gemeinsamen "
                     "Nutzung hasht jede Seite der VMs (gemeinsame Nutzung {salting}), dann tut der Host, was "
                     "sein Speicherzustand verlangt. Was tut der Host in Schritt {step} – das Meiste, was er tut?"),
    "ex.q.reclaim.free": ("1 page is|{n} pages are", "ist 1 Seite|sind {n} Seiten"),
    "ex.q.reclaim.read": ("reads a page that is in memory (nothing is allocated)",
                          "liest eine Seite, die im Speicher ist (nichts wird belegt)"),
    "ex.q.reclaim.write": ("writes a page VM1 has not touched before: its guest takes a free frame, which the VMM "
                           "must back with a machine page",
                           "schreibt eine Seite, die VM1 noch nicht berührt hat: Sein Gast nimmt einen freien "
                           "Seitenrahmen, den der VMM mit einer Maschinenseite hinterlegen muss"),
    "ex.q.reclaim.salted": ("salted: only within a VM, ESXi's default", "mit Salting: nur innerhalb einer VM, die "
                            "Voreinstellung von ESXi"),
    "ex.q.reclaim.unsalted": ("not salted: across VMs too, as before 2015", "ohne Salting: auch über VMs hinweg, "
                              "wie vor 2015"),
    # what a question gives
    "ex.g.rc_pages": ("The VMs' guest-physical pages in memory after step {k} (each data page's first non-zero "
                      "word; 0: all zero):",
                      "Die physischen Gastseiten der VMs im Speicher nach Schritt {k} (das erste Wort ungleich "
                      "null jeder Datenseite; 0: nur Nullen):"),
    "ex.g.rc_tables": ("{vm}: page tables at gPA {gpas} (never scanned)",
                       "{vm}: Seitentabellen bei gPA {gpas} (nie gescannt)"),
    "ex.g.trace": ("Trace (step, operation):", "Trace (Schritt, Operation):"),
    "ex.g.cr3": ("Guest CR3 of VM1/p1: gPA 0x{cr3:x}", "Gast-CR3 von VM1/p1: gPA 0x{cr3:x}"),
    "ex.g.tables": ("Guest page tables (present entries, [index] entry):",
                    "Seitentabellen des Gasts (gültige Einträge, [Index] Eintrag):"),
    "ex.g.pmap": ("The VMM's pmap of VM1 (gPPN → MPN):", "Die pmap des VMM für VM1 (gPPN → MPN):"),
    "ex.g.tlb_small": ("TLB: {n4} entries for 4 KiB pages and {n2} for 2 MiB pages, LRU; VPID and PCID on.",
                       "TLB: {n4} Einträge für 4-KiB-Seiten und {n2} für 2-MiB-Seiten, LRU; VPID und PCID an."),
    "ex.g.feature.none": ("4 KiB pages everywhere; no MMU caches.", "Überall 4-KiB-Seiten; keine MMU-Caches."),
    "ex.g.feature.guest2m": ("The guest maps 2 MiB pages; the VMM backs them with 4 KiB machine pages; no MMU "
                             "caches.",
                             "Der Gast bildet 2-MiB-Seiten ab; der VMM hinterlegt sie mit 4-KiB-Maschinenseiten; "
                             "keine MMU-Caches."),
    "ex.g.feature.ept2m": ("The guest maps 4 KiB pages; in nested mode the VMM backs guest memory with 2 MiB machine "
                           "pages (2 MiB EPT leaves); no MMU caches.",
                           "Der Gast bildet 4-KiB-Seiten ab; mit verschachtelten Seitentabellen hinterlegt der VMM "
                           "den Gastspeicher mit 2-MiB-Maschinenseiten (2-MiB-Blätter in der EPT); keine MMU-Caches."),
    "ex.g.feature.both2m": ("The guest maps 2 MiB pages, and in nested mode the VMM backs them with 2 MiB machine "
                            "pages; no MMU caches.",
                            "Der Gast bildet 2-MiB-Seiten ab, und mit verschachtelten Seitentabellen hinterlegt der "
                            "VMM sie mit 2-MiB-Maschinenseiten; keine MMU-Caches."),
    "ex.g.feature.pwc": ("4 KiB pages; Intel's paging-structure caches on (PML4E, PDPTE and PDE caches: under EPT "
                         "they hold combined mappings); no guest-physical mappings cached.",
                         "4-KiB-Seiten; die Paging-Structure-Caches nach Intel an (PML4E-, PDPTE- und PDE-Cache: "
                         "unter EPT halten sie kombinierte Zuordnungen); keine Guest-Physical-Zuordnungen im Cache."),
    "ex.g.feature.pwc+ntlb": ("4 KiB pages; Intel's paging-structure caches (PML4E, PDPTE, PDE) and its cached "
                              "guest-physical mappings (gPA → MA translations, EPT paging-structure caches) on.",
                              "4-KiB-Seiten; die Paging-Structure-Caches nach Intel (PML4E, PDPTE, PDE) und die "
                              "zwischengespeicherten Guest-Physical-Zuordnungen (Übersetzungen gPA → MA, "
                              "Paging-Structure-Caches des EPT) an."),
    "ex.g.tlb_tags": ("TLB: 64 entries, 4-way; VPID {vpid}, PCID {pcid}.",
                      "TLB: 64 Einträge, 4-fach assoziativ; VPID {vpid}, PCID {pcid}."),
    "ex.g.workload": ("Workload: {name} ({params}).", "Last: {name} ({params})."),
    "ex.g.short": ("The trace is short: the first touch of each page (a page fault, with shadow page tables also "
                   "exits to the VMM) counts too, not only the steady state.",
                   "Der Trace ist kurz: Auch die erste Berührung jeder Seite (ein Seitenfehler, mit "
                   "Schattenseitentabellen zusätzlich Exits zum VMM) zählt mit, nicht nur der eingeschwungene "
                   "Zustand."),
    "ex.g.today": ("Today's machine, as ESXi runs on it by default: Intel's MMU caches on (paging-structure "
                   "caches, guest-physical mappings); in nested mode the VMM backs guest memory with 2 MiB machine "
                   "pages where it can.",
                   "Die Maschine von heute, wie ESXi standardmäßig auf ihr läuft: die MMU-Caches nach Intel an "
                   "(Paging-Structure-Caches, Guest-Physical-Zuordnungen); mit verschachtelten Seitentabellen "
                   "hinterlegt der VMM den Gastspeicher, wo er kann, mit 2-MiB-Maschinenseiten."),
    "ex.g.bare": ("A bare machine: no MMU caches, and the VMM backs guest memory with 4 KiB pages only — against "
                  "today's machine it shows what the caches and large pages buy.",
                  "Eine nackte Maschine: keine MMU-Caches, und der VMM hinterlegt den Gastspeicher nur mit "
                  "4-KiB-Seiten — gegenüber der Maschine von heute zeigt sie, was Caches und große Seiten bringen."),
    "ex.g.machine": ("One VM, {ops} operations; TLB {entries} entries, 4-way, VPID and PCID on. A page-walk reference "
                     "costs {walk_ref} cycles; the other costs are the defaults (a VM exit: 600 cycles round trip "
                     "plus an estimated 1,400 for the VMM's handler).",
                     "Eine VM, {ops} Operationen; TLB mit {entries} Einträgen, 4-fach assoziativ, VPID und PCID an. "
                     "Ein Zugriff beim Seitentabellendurchlauf kostet {walk_ref} Takte; die übrigen Kosten sind die "
                     "Voreinstellungen (ein VM-Exit: 600 Takte Hin- und Rückweg plus geschätzte 1.400 für den "
                     "Handler des VMM)."),
    # explanations: translate
    "ex.e.translate.split": ("gVA 0x{gva:x} splits into the indices PML4 {i4}, PDPT {i3}, PD {i2}, PT {i1} "
                             "(9 bits each) and the offset 0x{off:x}.",
                             "Die gVA 0x{gva:x} zerfällt in die Indizes PML4 {i4}, PDPT {i3}, PD {i2}, PT {i1} "
                             "(je 9 Bit) und den Versatz 0x{off:x}."),
    "ex.e.translate.hop": ("{level} at gPA 0x{table:x}, entry {index} → 0x{entry:x}",
                           "{level} bei gPA 0x{table:x}, Eintrag {index} → 0x{entry:x}"),
    "ex.e.translate.path": ("CR3 points at gPA 0x{cr3:x}: {hops}; the frame plus the offset is gPA 0x{gpa:x}.",
                            "CR3 zeigt auf gPA 0x{cr3:x}: {hops}; Rahmen plus Versatz ergibt gPA 0x{gpa:x}."),
    "ex.e.translate.pmap": ("The pmap maps gPPN 0x{gppn:x} to MPN 0x{mpn:x}, so the access uses MA 0x{ma:x}.",
                            "Die pmap bildet gPPN 0x{gppn:x} auf MPN 0x{mpn:x} ab, also verwendet der Zugriff "
                            "MA 0x{ma:x}."),
    "ex.e.translate.shadow": ("With shadow page tables the CPU does not walk these tables on a TLB miss: it walks "
                              "the shadow entry (gVA → MA) that the VMM built from the same two maps — the same "
                              "answer.",
                              "Mit Schattenseitentabellen durchläuft die CPU bei einem TLB-Fehltreffer nicht diese "
                              "Tabellen, sondern den Schatteneintrag (gVA → MA), den der VMM aus denselben zwei "
                              "Abbildungen gebaut hat — dasselbe Ergebnis."),
    "ex.e.translate.nested": ("With nested paging the CPU composes the two maps itself: its 2D walk translates "
                              "every guest table's gPA and the final gPA through the EPT, which maps gPA → MA as the "
                              "pmap says.",
                              "Mit verschachtelten Seitentabellen setzt die CPU beide Abbildungen selbst zusammen: "
                              "ihr zweidimensionaler Durchlauf übersetzt die gPA jeder Gast-Tabelle und die "
                              "endgültige gPA über die EPT, die gPA → MA so abbildet wie die pmap."),
    # explanations: walk-refs
    "ex.e.walk.shadow": ("Shadow page tables: the CPU walks the shadow tables (gVA → MA) directly — 1 reference.|"
                         "Shadow page tables: the CPU walks the shadow tables (gVA → MA) directly — {n} references.",
                         "Schattenseitentabellen: die CPU durchläuft die Schattentabellen (gVA → MA) direkt — "
                         "1 Zugriff.|Schattenseitentabellen: die CPU durchläuft die Schattentabellen (gVA → MA) "
                         "direkt — {n} Zugriffe."),
    "ex.e.walk.nested": ("Nested paging: 1 reference (guest-table entries: {g}, EPT entries: {e}).|"
                         "Nested paging: {n} references (guest-table entries: {g}, EPT entries: {e}) — the nested "
                         "walks that translate each guest table's gPA and the data's gPA to an MA.",
                         "Verschachtelte Seitentabellen: 1 Zugriff (Einträge der Gast-Tabellen: {g}, "
                         "EPT-Einträge: {e}).|Verschachtelte Seitentabellen: {n} Zugriffe (Einträge der "
                         "Gast-Tabellen: {g}, EPT-Einträge: {e}) — die verschachtelten Durchläufe, die die gPA jeder "
                         "Gast-Tabelle und die gPA der Daten in eine MA übersetzen."),
    "ex.e.walk.formula": ("The guest walk reads {g} levels, so {gpas} gPAs (its {g} tables and the data) take {per} "
                          "EPT references each: {gpas} × {per} + {g} = {n}.",
                          "Der Durchlauf des Gasts liest {g} Ebenen, also brauchen {gpas} gPAs (seine {g} Tabellen "
                          "und die Daten) je {per} EPT-Zugriffe: {gpas} × {per} + {g} = {n}."),
    "ex.e.walk.caches": ("With {mode}: {hits}.", "Mit {mode}: {hits}."),
    "ex.e.walk.feature.none": ("With 4 KiB pages and no MMU caches a cold nested walk costs (4+1) × (4+1) − 1 = 24 "
                               "references against 4 for a shadow walk (Bhargava et al., ASPLOS'08).",
                               "Mit 4-KiB-Seiten und ohne MMU-Caches kostet ein kalter verschachtelter Durchlauf "
                               "(4+1) × (4+1) − 1 = 24 Zugriffe, ein Durchlauf der Schattentabellen 4 (Bhargava et "
                               "al., ASPLOS'08)."),
    "ex.e.walk.feature.guest2m": ("A guest 2 MiB page ends the guest walk at the PD (3 levels): 4 × 4 + 3 = 19 "
                                  "references. The shadow maps a guest 2 MiB page with 4 KiB entries, so "
                                  "the shadow walk still reads 4.",
                                  "Eine 2-MiB-Seite des Gasts beendet seinen Durchlauf beim PD (3 Ebenen): "
                                  "4 × 4 + 3 = 19 Zugriffe. Die Schattentabellen bilden eine "
                                  "2-MiB-Seite des Gasts mit 4-KiB-Einträgen ab, also liest ihr Durchlauf weiter 4."),
    "ex.e.walk.feature.ept2m": ("A 2 MiB EPT leaf ends every EPT walk at the EPT's PD (3 levels): 5 × 3 + 4 = 19 "
                                "references. Shadow page tables do not use the EPT: 4.",
                                "Ein 2-MiB-Blatt der EPT beendet jeden EPT-Durchlauf beim PD der EPT (3 Ebenen): "
                                "5 × 3 + 4 = 19 Zugriffe. Schattenseitentabellen verwenden die EPT nicht: 4."),
    "ex.e.walk.feature.both2m": ("2 MiB pages in both dimensions: 4 × 3 + 3 = 15 references. The shadow still maps "
                                 "4 KiB entries: 4.",
                                 "2-MiB-Seiten in beiden Dimensionen: 4 × 3 + 3 = 15 Zugriffe. Die "
                                 "Schattentabellen bilden weiter 4-KiB-Einträge ab: 4."),
    "ex.e.walk.feature.pwc": ("The paging-structure caches (Intel SDM Vol. 3A §4.10.3) kept the upper entries of "
                              "the neighbouring page's walk: a walk starts below the lowest level that hits. Under "
                              "EPT the PDE cache holds a combined mapping — the host-physical address of the guest's "
                              "page table (Vol. 3C §29.4.1) — so a hit leaves the guest PTE and the EPT walk of the "
                              "data's gPA: 1 + 4 = 5 references.",
                              "Die Paging-Structure-Caches (Intel SDM Band 3A §4.10.3) haben die oberen Einträge "
                              "aus dem Durchlauf der Nachbarseite behalten: ein Durchlauf beginnt unterhalb der "
                              "tiefsten Ebene, die trifft. Unter EPT hält der PDE-Cache eine kombinierte Zuordnung — "
                              "die hostphysische Adresse der Seitentabelle des Gasts (Band 3C §29.4.1) —, also bleiben "
                              "nach einem Treffer der PTE des Gasts und der EPT-Durchlauf der gPA der Daten: "
                              "1 + 4 = 5 Zugriffe."),
    "ex.e.walk.feature.pwc+ntlb": ("The paging-structure caches (Intel SDM Vol. 3A §4.10.3) kept the upper guest "
                                   "entries as combined mappings (the guest page table's host-physical address), and "
                                   "the cached guest-physical mappings (Vol. 3C §29.4.1) keep the gPA → MA "
                                   "translations of earlier walks: a gPA they hold needs no EPT walk.",
                                   "Die Paging-Structure-Caches (Intel SDM Band 3A §4.10.3) haben die oberen "
                                   "Einträge des Gasts als kombinierte Zuordnungen behalten (die hostphysische Adresse "
                                   "der Seitentabelle des Gasts), und die zwischengespeicherten "
                                   "Guest-Physical-Zuordnungen (Band 3C §29.4.1) halten die Übersetzungen gPA → MA "
                                   "früherer Durchläufe: eine gPA, die sie kennen, braucht keinen EPT-Durchlauf."),
    # explanations: exits
    "ex.e.exits.mode": ("With {mode}: {parts}.", "Mit {mode}: {parts}."),
    "ex.e.exits.none": ("With {mode}: no VM exit.", "Mit {mode}: kein VM-Exit."),
    "ex.e.exits.reason": ("{reason} × {count} ({where}) — {why}", "{reason}, {count}-mal ({where}) — {why}"),
    "ex.e.step": ("step {steps}", "Schritt {steps}"),
    "ex.e.rc.state": ("1 free page of minFree {min_free} is {pct} of minFree: the {state} state — {rule}.|{n} free "
                      "pages of minFree {min_free} are {pct} of minFree: the {state} state — {rule}.",
                      "1 freie Seite bei minFree {min_free} ist {pct} von minFree: der Zustand {state} – {rule}.|{n} "
                      "freie Seiten bei minFree {min_free} sind {pct} von minFree: der Zustand {state} – {rule}."),
    "ex.e.rc.rule.high": ("at or above 100%, the scan shares pages at its normal rate",
                          "ab 100 % nutzt der Scan Seiten in seinem normalen Takt gemeinsam"),
    "ex.e.rc.rule.clear": ("below 100%, the host shares pages actively (and breaks large pages)",
                           "unter 100 % nutzt der Host Seiten aktiv gemeinsam (und zerlegt große Seiten)"),
    "ex.e.rc.rule.soft": ("below 64%, the host balloons as well as shares",
                          "unter 64 % setzt der Host zusätzlich zur gemeinsamen Nutzung Ballooning ein"),
    "ex.e.rc.rule.hard": ("below 32%, the host compresses and swaps pages, and ballooning stops",
                          "unter 32 % komprimiert der Host Seiten und lagert sie aus, und das Ballooning endet"),
    "ex.e.rc.rule.low": ("below 16%, the host compresses and swaps, and a VM that allocates waits",
                         "unter 16 % komprimiert der Host und lagert aus, und eine VM, die Speicher belegt, wartet"),
    "ex.e.rc.salted": ("VM1 and VM2 hold pages with the same contents, but with salting each VM shares only "
                       "within itself.",
                       "VM1 und VM2 halten Seiten mit demselben Inhalt, aber mit Salting teilt jede VM nur "
                       "innerhalb ihrer selbst."),
    "ex.e.rc.unsalted": ("Without salting pages alike are shared across VMs too.",
                         "Ohne Salting werden gleiche Seiten auch über VMs hinweg gemeinsam genutzt."),
    "ex.e.steps": ("steps {steps}", "Schritte {steps}"),
    "ex.e.exits.nested_note": ("With nested paging the guest's own page faults, page-table writes, CR3 loads and "
                               "INVLPGs run without a VM exit; here only EPT violations exit.",
                               "Mit verschachtelten Seitentabellen laufen die Seitenfehler des Gasts, seine "
                               "Schreibzugriffe auf Seitentabellen, das Laden von CR3 und INVLPG ohne VM-Exit; hier "
                               "führen nur EPT-Verletzungen zum Exit."),
    "ex.why.hidden-fault": ("the shadow lacked what the guest tables and the pmap allow; the VMM fixes the shadow "
                            "(backing the page first where needed), and the guest never sees it",
                            "den Schattentabellen fehlte, was die Gast-Tabellen und die pmap erlauben; der VMM "
                            "ergänzt den Schatten (und hinterlegt die Seite vorher, wo nötig), der Gast merkt "
                            "nichts davon"),
    "ex.why.guest-fault": ("the guest's own tables lacked the mapping: a true #PF, which the VMM reflects into the "
                           "guest",
                           "den Tabellen des Gasts selbst fehlte die Abbildung: ein echter #PF, den der VMM an den "
                           "Gast weiterleitet"),
    "ex.why.pt-write": ("the guest wrote a page-table page that a shadow page mirrors; the VMM write-protects such "
                        "pages, emulates the write and drops the affected shadow entries",
                        "der Gast schrieb in eine Seitentabellenseite, die eine Schattenseite spiegelt; der VMM "
                        "schützt solche Seiten gegen Schreiben, emuliert den Schreibzugriff und verwirft die "
                        "betroffenen Schatteneinträge"),
    "ex.why.cr3-load": ("the guest loaded CR3 (a context switch); the VMM switches to that process's shadow root",
                        "der Gast lud CR3 (ein Kontextwechsel); der VMM wechselt zur Schattenwurzel dieses "
                        "Prozesses"),
    "ex.why.invlpg": ("the guest's INVLPG; the VMM drops the shadow entry of that page",
                      "das INVLPG des Gasts; der VMM verwirft den Schatteneintrag dieser Seite"),
    "ex.why.ept-violation": ("the gPA had no usable EPT entry (never touched, swapped out, or shared when written); "
                             "the VMM fixes its pmap and the EPT",
                             "die gPA hatte keinen brauchbaren EPT-Eintrag (nie berührt, ausgelagert oder beim "
                             "Schreiben gemeinsam genutzt); der VMM korrigiert seine pmap und die EPT"),
    # explanations: tlb
    "ex.e.tlb.filled": ("Step {step} filled the TLB entry for page 0x{gva:x} of VM1/p1.",
                        "Schritt {step} hat den TLB-Eintrag für Seite 0x{gva:x} von VM1/p1 gefüllt."),
    "ex.e.tlb.dropped": ("Step {step} dropped it: {reasons}.", "Schritt {step} hat ihn verworfen: {reasons}."),
    "ex.e.tlb.evicted": ("evicted to make room", "verdrängt, um Platz zu schaffen"),
    "ex.e.tlb.so_miss": ("So step {step} misses the TLB and walks again.",
                         "Also ist Schritt {step} ein TLB-Fehltreffer und durchläuft die Tabellen erneut."),
    "ex.e.tlb.kept": ("No step in between dropped it.", "Kein Schritt dazwischen hat ihn verworfen."),
    "ex.e.tlb.kept_vpid_switch": ("With VPID the TLB tags entries by VM: running VM2 and switching back flushes "
                                  "nothing.",
                                  "Mit VPID markiert der TLB Einträge nach VM: VM2 laufen zu lassen und "
                                  "zurückzuwechseln leert nichts."),
    "ex.e.tlb.kept_vpid_exits": ("The one VM exit in between flushes nothing with VPID.|"
                                 "The {n} VM exits in between flush nothing with VPID.",
                                 "Der eine VM-Exit dazwischen leert mit VPID nichts.|"
                                 "Die {n} VM-Exits dazwischen leeren mit VPID nichts."),
    "ex.e.tlb.kept_pcid": ("With PCID the TLB tags entries by address space: the CR3 loads of the switches keep "
                           "p1's entries.",
                           "Mit PCID markiert der TLB Einträge nach Adressraum: das Laden von CR3 bei den "
                           "Wechseln behält die Einträge von p1."),
    "ex.e.tlb.kept_invlpg": ("INVLPG of 0x{gva:x} dropped that page's entry only.",
                             "INVLPG für 0x{gva:x} hat nur den Eintrag dieser Seite verworfen."),
    "ex.e.tlb.so_hit": ("So step {step} hits the TLB.", "Also ist Schritt {step} ein TLB-Treffer."),
    "ex.e.tlb.rule_vpid_on": ("VPID on: entries carry their VM's tag, so VM exits, VM entries and VM switches keep "
                              "them.",
                              "VPID an: Einträge tragen die Markierung ihrer VM, daher bleiben sie bei VM-Exits, "
                              "Wiedereintritten und VM-Wechseln erhalten."),
    "ex.e.tlb.rule_vpid_off": ("VPID off: every VM exit and VM entry, and every VM switch, flushes the whole TLB "
                               "(Intel SDM Vol. 3C §29.4.3.1).",
                               "VPID aus: jeder VM-Exit und jeder Wiedereintritt sowie jeder VM-Wechsel leert den "
                               "ganzen TLB (Intel SDM Band 3C §29.4.3.1)."),
    "ex.e.tlb.rule_pcid_on": ("PCID on: entries carry their address space's tag, so a CR3 load keeps them.",
                              "PCID an: Einträge tragen die Markierung ihres Adressraums, daher bleiben sie beim "
                              "Laden von CR3 erhalten."),
    "ex.e.tlb.rule_pcid_off": ("PCID off: a CR3 load flushes the address space's entries (Intel SDM Vol. 3 "
                               "§4.10.4.1).",
                               "PCID aus: das Laden von CR3 leert die Einträge des Adressraums (Intel SDM Band 3 "
                               "§4.10.4.1)."),
    # explanations: cheaper
    "ex.e.cheaper.win": ("With {mode} it is cheaper: {c1} against {c2} cycles ({pct} fewer).",
                         "Mit {mode} ist es günstiger: {c1} gegen {c2} Takte ({pct} weniger)."),
    "ex.e.cheaper.mode": ("With {mode}: {cycles} cycles — {exits} VM exits cost {exit_cycles} cycles; the CPU's "
                          "page walks, {refs} references over {misses} TLB misses ({per} per miss), cost "
                          "{walk_cycles} cycles.",
                          "Mit {mode}: {cycles} Takte — {exits} VM-Exits kosten {exit_cycles} Takte; die "
                          "Seitentabellendurchläufe der CPU, {refs} Zugriffe bei {misses} TLB-Fehltreffern ({per} je "
                          "Fehltreffer), kosten {walk_cycles} Takte."),
    "ex.e.cheaper.mode_vmm": ("With {mode}: {cycles} cycles — {exits} VM exits cost {exit_cycles} cycles; page walks "
                              "cost {walk_cycles} cycles: the CPU's {refs} references over {misses} TLB misses ({per} "
                              "per miss) and the VMM's {vmm_refs} references reading the guest tables in software on "
                              "its exits.",
                              "Mit {mode}: {cycles} Takte — {exits} VM-Exits kosten {exit_cycles} Takte; "
                              "Seitentabellendurchläufe kosten {walk_cycles} Takte: die {refs} Zugriffe der CPU bei "
                              "{misses} TLB-Fehltreffern ({per} je Fehltreffer) und die {vmm_refs} Zugriffe, mit denen "
                              "der VMM bei seinen Exits die Tabellen des Gasts in Software liest."),
    "ex.e.cheaper.quiet": ("One miss met no fault: one walk of {most} references.|"
                           "{n} of the misses met no fault and walked once: {quiet_per} references on average (one "
                           "walk takes at most {most} here).",
                           "Ein TLB-Fehltreffer traf auf keinen Fehler: ein Durchlauf mit {most} Zugriffen.|"
                           "{n} der TLB-Fehltreffer trafen auf keinen Fehler und durchliefen die Tabellen einmal: im "
                           "Mittel {quiet_per} Zugriffe (ein Durchlauf hat hier höchstens {most})."),
    "ex.e.cheaper.faulted": ("One miss met a fault ({kinds}) and took {faulted_per} references: the walk that finds "
                             "the fault counts, and so does the walk of the access retried after the fix.|"
                             "The {n} misses that met a fault ({kinds}) took {faulted_per} references each on "
                             "average: the walk that finds the fault counts, and so does each walk of the access "
                             "retried after the fix — so a miss averages more than one walk.",
                             "Ein TLB-Fehltreffer traf auf einen Fehler ({kinds}) und brauchte {faulted_per} "
                             "Zugriffe: der Durchlauf, der den Fehler findet, zählt mit, ebenso der Durchlauf des "
                             "Zugriffs, der nach der Behebung wiederholt wird.|"
                             "Die {n} TLB-Fehltreffer, die auf einen Fehler trafen ({kinds}), brauchten im Mittel je "
                             "{faulted_per} Zugriffe: der Durchlauf, der den Fehler findet, zählt mit, ebenso jeder "
                             "Durchlauf des nach der Behebung wiederholten Zugriffs — daher kommt ein Fehltreffer im "
                             "Mittel auf mehr als einen Durchlauf."),
    "ex.e.cheaper.all_faulted": ("The one miss met a fault ({kinds}) and took {faulted_per} references: the walk "
                                 "that finds the fault counts, and so does the walk of the access retried after the "
                                 "fix.|"
                                 "All {n} misses met a fault ({kinds}) and took {faulted_per} references each on "
                                 "average: the walk that finds the fault counts, and so does each walk of the access "
                                 "retried after the fix.",
                                 "Der eine TLB-Fehltreffer traf auf einen Fehler ({kinds}) und brauchte {faulted_per} "
                                 "Zugriffe: der Durchlauf, der den Fehler findet, zählt mit, ebenso der Durchlauf des "
                                 "Zugriffs, der nach der Behebung wiederholt wird.|"
                                 "Alle {n} TLB-Fehltreffer trafen auf einen Fehler ({kinds}) und brauchten im Mittel "
                                 "je {faulted_per} Zugriffe: der Durchlauf, der den Fehler findet, zählt mit, ebenso "
                                 "jeder Durchlauf des nach der Behebung wiederholten Zugriffs."),
    "ex.e.cheaper.or": (" or ", " oder "),
    "ex.fault.guest-pf": ("a guest page fault", "ein Seitenfehler des Gasts"),
    "ex.fault.hidden-fault": ("a hidden page fault", "ein versteckter Seitenfehler"),
    "ex.fault.ept-violation": ("an EPT violation", "eine EPT-Verletzung"),
    "ex.fault.segv": ("an access the guest aborted", "ein vom Gast abgebrochener Zugriff"),
    "ex.e.cheaper.top.exits": ("The largest difference is in VM exits: with {mode} they cost {diff} cycles more.",
                               "Der größte Unterschied liegt bei den VM-Exits: mit {mode} kosten sie {diff} Takte "
                               "mehr."),
    "ex.e.cheaper.top.walks": ("The largest difference is in page walks: with {mode} they cost {diff} cycles more.",
                               "Der größte Unterschied liegt bei den Seitentabellendurchläufen: mit {mode} kosten "
                               "sie {diff} Takte mehr."),
    "ex.e.cheaper.top.other": ("The largest difference is in the rest (the guest kernel's work, backing pages, VM "
                               "switches): with {mode} it costs {diff} cycles more.",
                               "Der größte Unterschied liegt beim Rest (Arbeit des Gast-Kernels, Hinterlegen von "
                               "Seiten, VM-Wechsel): mit {mode} kostet er {diff} Takte mehr."),
    # the generated scenario's description (the step page shows it under the scenario's name)
    "ex.scn.description": ("Practice exercise {n} of seed {seed}, kind {kind} ({title}).",
                           "Übungsaufgabe {n} zu Seed {seed}, Art {kind} ({title})."),
    "ex.scn.step": ("Its question is about step {step}.", "Ihre Frage betrifft Schritt {step}."),
    "ex.scn.run": ("Its question is about the whole run: the answer is in the counters at its end.",
                   "Ihre Frage betrifft den ganzen Lauf: die Lösung steht in den Zählern an seinem Ende."),
    # the printable sheet and the command line
    "ex.sheet.title": ("Exercises on memory virtualization, seed {seed}",
                       "Übungen zur Speichervirtualisierung, Seed {seed}"),
    "ex.sheet.meta": ("One exercise, seed {seed}: the same seed gives the same exercise. Each answer is what the "
                      "engine records for the exercise's scenario.|{n} exercises, seed {seed}: the same seed gives "
                      "the same exercises. Each answer is what the engine records for the exercise's scenario.",
                      "Eine Aufgabe, Seed {seed}: derselbe Seed ergibt dieselbe Aufgabe. Jede Lösung ist das, was "
                      "die Engine für das Szenario der Aufgabe aufzeichnet.|{n} Aufgaben, Seed {seed}: derselbe Seed "
                      "ergibt dieselben Aufgaben. Jede Lösung ist das, was die Engine für das Szenario der Aufgabe "
                      "aufzeichnet."),
    "ex.sheet.steps": ("Steps are numbered from 1, as on the app's step page (step=N shows the machine after N "
                       "operations); the CSV of run --csv numbers them from 0, so step N is its row step = N − 1.",
                       "Schritte sind ab 1 gezählt, wie auf der Schrittseite der App (step=N zeigt die Maschine "
                       "nach N Operationen); die CSV von run --csv zählt ab 0, Schritt N ist also ihre Zeile "
                       "step = N − 1."),
    "ex.sheet.number": ("Exercise {n}", "Aufgabe {n}"),
    "ex.sheet.key": ("Answer key (seed {seed})", "Lösungen (Seed {seed})"),
    # the Practice page
    "ex.page.intro": ("Exercises generated from small scenarios the engine runs: each answer is the engine's own "
                      "record. The seed in the link gives a class the same set.",
                      "Aufgaben aus kleinen Szenarien, die die Engine ausführt: jede Lösung ist die Aufzeichnung der "
                      "Engine selbst. Der Seed im Link gibt einer ganzen Klasse dieselben Aufgaben."),
    "ex.page.seed": ("Seed", "Startwert (Seed)"),
    "ex.page.seed_help": ("The same seed gives the same exercises (put it in the link for a class).",
                          "Derselbe Seed ergibt dieselben Aufgaben (für eine Klasse in den Link schreiben)."),
    "ex.page.seed_is": ("seed {seed}", "Seed {seed}"),
    "ex.page.kinds": ("Kinds", "Aufgabenarten"),
    "ex.page.all_kinds": ("all kinds", "alle Arten"),
    "ex.page.count": ("How many", "Anzahl"),
    "ex.page.new_set": ("Next seed", "Nächster Seed"),
    "ex.page.new_set_help": ("A new set: the seed plus one.", "Neue Aufgaben: der Seed plus eins."),
    "ex.page.present": ("Present", "Präsentieren"),
    "ex.page.present_help": ("One question full-screen for a lecture: → or PageDown next, ← or PageUp back, r or "
                             "Enter reveals the answer.",
                             "Eine Frage im Vollbild für die Vorlesung: → oder Bild ab weiter, ← oder Bild auf "
                             "zurück, r oder Eingabe zeigt die Lösung."),
    "ex.page.position": ("Question {i} of {n}", "Frage {i} von {n}"),
    "ex.page.prev": ("Previous", "Zurück"),
    "ex.page.next": ("Next", "Weiter"),
    "ex.page.reveal": ("Reveal", "Lösung zeigen"),
    "ex.page.exit": ("Leave", "Beenden"),
    "ex.page.key_prev": ("← or PageUp", "← oder Bild auf"),
    "ex.page.key_next": ("→ or PageDown", "→ oder Bild ab"),
    "ex.page.key_reveal": ("r or Enter", "r oder Eingabe"),
    "ex.page.score": ("Score: {right} of 1 right|Score: {right} of {n} right",
                      "Punkte: {right} von 1 richtig|Punkte: {right} von {n} richtig"),
    "ex.page.score_none": ("Score: no answer checked yet", "Punkte: noch keine Antwort geprüft"),
    "ex.page.pick": ("pick every one that occurs", "jede auswählen, die vorkommt"),
    "ex.page.hex_hint": ("e.g. 0x1c238", "z. B. 0x1c238"),
    "ex.page.int_hint": ("a whole number", "eine ganze Zahl"),
    "ex.page.check": ("Check", "Prüfen"),
    "ex.page.right": ("Right.", "Richtig."),
    "ex.page.wrong": ("Not right: your answer to {fields}.", "Nicht richtig: Ihre Antwort zu {fields}."),
    "ex.page.wrong_many": ("Not right: your answers to {fields}.", "Nicht richtig: Ihre Antworten zu {fields}."),
    "ex.page.right_part": ("Right: your answer to {fields}.", "Richtig: Ihre Antwort zu {fields}."),
    "ex.page.right_part_many": ("Right: your answers to {fields}.", "Richtig: Ihre Antworten zu {fields}."),
    "ex.page.quoted": ("“{text}”", "„{text}“"),
    "ex.page.and": (" and ", " und "),
    "ex.page.wrong_kept": ("Not right.", "Nicht richtig."),
    "ex.page.wrong_toast": ("Not right: the verdict and the answer are below.",
                            "Nicht richtig: Ergebnis und Lösung stehen unten."),
    "ex.page.scored_once": ("Checked and scored: a question counts once, so this one cannot be checked again. Its "
                            "answer and explanation are below; Next or Next seed brings new questions.",
                            "Geprüft und gewertet: eine Frage zählt einmal, daher lässt sie sich nicht noch einmal "
                            "prüfen. Lösung und Erklärung stehen unten; „Weiter“ oder „Nächster Seed“ bringt neue "
                            "Fragen."),
    "ex.page.given_lost": ("Checked before this page was reloaded: the link kept the verdict, not the answer you "
                           "gave.",
                           "Vor dem Neuladen der Seite geprüft: der Link hat das Ergebnis behalten, nicht Ihre "
                           "Antwort."),
    "ex.page.empty": ("Nothing to check yet: give an answer first (a question is scored once).",
                      "Noch nichts zu prüfen: zuerst eine Antwort geben (eine Frage wird nur einmal gewertet)."),
    "ex.page.refused": ("This question was already checked and scored; the new answer was not counted.",
                        "Diese Frage war schon geprüft und gewertet; die neue Antwort zählt nicht."),
    "ex.page.kinds_help": ("Pick the kinds to practise; none picked means all kinds.",
                           "Die Aufgabenarten zum Üben wählen; keine gewählt heißt alle Arten."),
    "ex.page.answer": ("Answer:", "Lösung:"),
    "ex.page.scenario": ("The exercise's scenario", "Das Szenario der Aufgabe"),
    "ex.page.generated": ("This scenario was generated for the exercise. Open it on the step page at step {step} to "
                          "see the answer happen, download it, or run it on the command line:",
                          "Dieses Szenario wurde für die Aufgabe erzeugt. Öffnen Sie es auf der Seite „Schritt für "
                          "Schritt“ bei Schritt {step}, um die Lösung geschehen zu sehen, laden Sie es herunter "
                          "oder führen Sie es auf der Kommandozeile aus:"),
    "ex.page.csv_steps": ("The CSV's step column counts operations from 0, the step page and the exercises from 1: "
                          "step {step} here is the CSV's row step = {row}.",
                          "Die Spalte step der CSV zählt Operationen ab 0, die Schrittseite und die Aufgaben ab 1: "
                          "Schritt {step} hier ist die CSV-Zeile step = {row}."),
    "ex.page.open_step": ("Open it on the step page at step {step}", "Auf der Schrittseite bei Schritt {step} öffnen"),
    "ex.page.open_step.shadow": ("Open it with shadow page tables on the step page at step {step}",
                                 "Im Schattenmodus auf der Schrittseite bei Schritt {step} öffnen"),
    "ex.page.open_step.nested": ("Open it with nested paging on the step page at step {step}",
                                 "Im verschachtelten Modus auf der Schrittseite bei Schritt {step} öffnen"),
    "ex.page.see_it": ("See it happen on the step page (step {step})",
                       "Auf der Schrittseite geschehen sehen (Schritt {step})"),
    "ex.page.see_it.shadow": ("See it happen with shadow page tables on the step page (step {step})",
                              "Im Schattenmodus auf der Schrittseite geschehen sehen (Schritt {step})"),
    "ex.page.see_it.nested": ("See it happen with nested paging on the step page (step {step})",
                              "Im verschachtelten Modus auf der Schrittseite geschehen sehen (Schritt {step})"),
    "ex.page.download": ("Download the scenario (TOML)", "Szenario herunterladen (TOML)"),
    "ex.err.seed": ("The link's seed '{value}' is not a whole number from 0 to {max}; showing seed {fallback}.",
                    "Der Seed „{value}“ im Link ist keine ganze Zahl von 0 bis {max}; gezeigt wird Seed {fallback}."),
    "ex.err.kind": ("The link's kind '{value}' is not an exercise kind (kinds: {kinds}).",
                    "Die Art „{value}“ im Link ist keine Aufgabenart (Arten: {kinds})."),
    "ex.err.count": ("The link's count '{value}' is not a whole number from 1 to {max}; showing {fallback}.",
                     "Die Anzahl „{value}“ im Link ist keine ganze Zahl von 1 bis {max}; gezeigt werden {fallback}."),
    "ex.err.done": ("The link's answers '{value}' are not one letter per question — r right, w wrong, - not "
                    "answered — for at most {n} questions; the score starts empty.",
                    "Die Antworten „{value}“ im Link sind nicht ein Buchstabe je Frage — r richtig, w falsch, - "
                    "nicht beantwortet — für höchstens {n} Fragen; die Punkte beginnen leer."),
    "ex.err.q": ("The link's question '{value}' is not a number from 1 to {last}.",
                 "Die Frage „{value}“ im Link ist keine Zahl von 1 bis {last}."),
}
