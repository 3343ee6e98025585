"""Strings of the app as a whole: title, modes, navigation, the home page, the About box."""
from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "app.title": ("ESXi memory virtualization, step by step",
                  "ESXi-Arbeitsspeichervirtualisierung, Schritt für Schritt"),
    "app.language": ("Language", "Sprache"),
    "app.mode": ("Mode", "Modus"),
    "mode.shadow": ("shadow page tables (software)", "Schattenseitentabellen (softwarebasiert)"),
    "mode.nested": ("nested page tables (hardware-assisted)",
                    "verschachtelte Seitentabellen (hardwaregestützt)"),
    "mode.native": ("native (no virtualization)", "nativ (ohne Virtualisierung)"),
    "mode.short.shadow": ("shadow", "Schatten"),
    "mode.short.nested": ("nested", "verschachtelt"),
    "mode.short.native": ("native", "nativ"),
    "mode.both": ("both, one above the other", "beide übereinander"),
    "mode.short.both": ("both", "beide"),
    "home.intro": ("This tool runs a real translation engine — x86-64 page tables in memory images, the "
                   "VMM's pmap, shadow page tables, nested (EPT) tables and a tagged TLB — and draws the "
                   "memory-mapping figure of the vSphere documentation live. Each virtual machine sees a "
                   "contiguous, zero-based guest-physical memory; the VMM maps its **physical pages** to "
                   "scattered **machine pages**. Step through memory accesses and watch what the CPU, the "
                   "guest OS and the VMM do: TLB misses, page walks, hidden page faults, VM exits, shared, "
                   "unmapped and swapped pages.",
                   "Dieses Werkzeug führt eine echte Übersetzungs-Engine aus — x86-64-Seitentabellen in "
                   "Speicherabbildern, die pmap des VMM, Schattenseitentabellen, verschachtelte "
                   "(EPT-)Seitentabellen und einen markierten TLB — und zeichnet die Abbildung "
                   "„Arbeitsspeicherzuordnung bei ESXi“ der vSphere-Dokumentation live. Jede virtuelle "
                   "Maschine sieht einen zusammenhängenden, nullbasierten physischen Arbeitsspeicher; der "
                   "VMM ordnet ihre **physischen Seiten** verstreuten **Maschinenseiten** zu. Gehen Sie "
                   "Speicherzugriffe Schritt für Schritt durch und sehen Sie, was CPU, Gastbetriebssystem "
                   "und VMM tun: TLB-Fehltreffer, Seitentabellendurchläufe, versteckte Seitenfehler, "
                   "VM-Exits, gemeinsam genutzte, nicht zugeordnete und ausgelagerte Seiten."),
    "home.modes": ("**Shadow page tables** (software-based): the VMM combines the guest's mappings with its "
                   "own in shadow tables that the CPU walks — cheap TLB misses, but context switches exit to "
                   "the VMM, and so do the guest's writes to those of its page-table pages that the VMM "
                   "write-protects because shadow pages mirror them (KVM lets leaf tables go *unsync* to "
                   "avoid most of these). **Nested page tables** (hardware-assisted): "
                   "the CPU walks the guest's tables and the VMM's nested tables together — no exits for "
                   "page-table updates, but a TLB miss costs up to 24 memory references instead of 4.",
                   "**Schattenseitentabellen** (softwarebasiert): Der VMM kombiniert die Zuordnungen des "
                   "Gasts mit seinen eigenen in Schattenseitentabellen, die die CPU durchläuft — "
                   "TLB-Fehltreffer sind billig, aber Kontextwechsel führen zum VM-Exit, ebenso die "
                   "Schreibzugriffe des Gasts auf jene seiner Seitentabellenseiten, die der VMM schützt, weil "
                   "Schattenseiten sie spiegeln (KVM lässt Blatt-Tabellen *unsync* werden, um die meisten "
                   "davon zu vermeiden). **Verschachtelte Seitentabellen** "
                   "(hardwaregestützt): Die CPU durchläuft die Seitentabellen des Gasts und die "
                   "verschachtelten Seitentabellen des VMM gemeinsam — keine Exits bei Änderungen, aber ein "
                   "TLB-Fehltreffer kostet bis zu 24 statt 4 Speicherzugriffe."),
    "home.legend": ("How to read the diagram", "So lesen Sie das Diagramm"),
    "home.pick": ("Choose a scenario", "Szenario wählen"),
    "home.builtin": ("Built-in scenario", "Mitgeliefertes Szenario"),
    "home.upload": ("… or upload a scenario file (TOML)", "… oder eine Szenariodatei (TOML) hochladen"),
    "home.upload_help": ("The format is described in the README (section “Scenario format”).",
                         "Das Format beschreibt die README (Abschnitt „Scenario format“)."),
    "home.caps": ("Limits of a scenario: at most {kib} KiB of text, {gib} GiB of machine memory, {vms} VMs "
                  "(a 16-bit VPID each) and {procs} processes per VM (a 12-bit PCID each). An uploaded scenario "
                  "stays in this browser session only.",
                  "Grenzen eines Szenarios: höchstens {kib} KiB Text, {gib} GiB Maschinenspeicher, {vms} VMs "
                  "(je eine 16-Bit-VPID) und {procs} Prozesse je VM (je eine 12-Bit-PCID). Ein hochgeladenes "
                  "Szenario gibt es nur in dieser Browsersitzung."),
    "upload.button": ("Upload", "Hochladen"),
    "upload.note": ("{types} · at most {size}", "{types} · höchstens {size}"),
    "home.uploaded": ("Loaded scenario “{name}” from {file}.", "Szenario „{name}“ aus {file} geladen."),
    "home.upload_error": ("The file {file} was not loaded: {error}. The previous scenario “{name}” is still "
                          "active.",
                          "Die Datei {file} wurde nicht geladen: {error}. Das bisherige Szenario „{name}“ "
                          "bleibt aktiv."),
    "home.current": ("Active scenario: **{name}** — {vms} VM(s), {ops} operations, default mode {mode}.",
                     "Aktives Szenario: **{name}** — {vms} VM(s), {ops} Operationen, Standardmodus {mode}."),
    "home.pages": ("Pages", "Seiten der Anwendung"),
    "home.deeplink": ("Every view has a permanent link: the address bar carries `scenario`, `mode`, `step` "
                      "and `lang`, e.g. `?scenario=esxi-figure&mode=nested&step=7&lang=de` — put it on a "
                      "slide; `present=1` opens it in lecture mode.",
                      "Jede Ansicht hat einen dauerhaften Link: Die Adresszeile enthält `scenario`, `mode`, "
                      "`step` und `lang`, z. B. `?scenario=esxi-figure&mode=nested&step=7&lang=de` — für die"
                      " Folie; `present=1` öffnet sie im Vortragsmodus."),
    "home.lecture": ("**Presenting?** Lecture mode shows the diagram large for a 1280 × 720 projector, with "
                     "compact controls; a clicker's PageDown / PageUp step forward and back, m switches shadow → "
                     "nested → both, ↓ pages through a long narration.",
                     "**Sie tragen vor?** Der Vortragsmodus zeigt das Diagramm groß für einen Beamer mit 1280 × "
                     "720, mit kompakten Bedienelementen; Bild↓ / Bild↑ eines Presenters gehen vor und zurück, m "
                     "wechselt Schatten → verschachtelt → beide, ↓ blättert eine lange Erzählung weiter."),
    "home.lecture_link": ("Open the vSphere figure in lecture mode", "Die vSphere-Abbildung im Vortragsmodus öffnen"),
    "page.home": ("Home", "Start"),
    "page.step": ("Step through accesses — the live diagram",
                  "Zugriffe Schritt für Schritt — das Live-Diagramm"),
    "page.compare": ("Compare shadow and nested paging on one trace",
                     "Schatten- und verschachtelte Seitentabellen an einem Trace vergleichen"),
    "page.costs": ("The cost model", "Das Kostenmodell"),
    "page.lessons": ("Guided lessons, step by step", "Geführte Lektionen, Schritt für Schritt"),
    "page.practice": ("Practice: exercises with answers checked", "Übungen mit geprüften Antworten"),
    "page.glossary": ("Glossary: the why behind each event", "Glossar: das Warum hinter jedem Ereignis"),
    "page.about": ("About the model: where it is exact, where it simplifies", "Über das Modell: wo es genau ist, wo es vereinfacht"),
    "home.preview": ("The built-in scenario “esxi-figure” after {step} steps in shadow mode: VM 1 touches "
                     "pages a (= 0xa) and b, VM 2 pages b and c (= 0xc); page b has the same content in both"
                     " VMs, so the VMM shares one read-only machine page for it.",
                     "Das mitgelieferte Szenario „esxi-figure“ nach {step} Schritten im Schattenmodus: VM 1 "
                     "berührt die Seiten a (= 0xa) und b, VM 2 die Seiten b und c (= 0xc); Seite b hat in "
                     "beiden VMs denselben Inhalt, daher nutzt der VMM für sie eine gemeinsame, "
                     "schreibgeschützte Maschinenseite."),
    "home.what": ("What you see", "Was Sie sehen"),
    "mode.long.native": ("native (no virtualization)", "nativ (ohne Virtualisierung)"),
    "mode.long.shadow": ("shadow page tables (software)", "Schattenseitentabellen (Software)"),
    "mode.long.nested": ("nested page tables (hardware)", "verschachtelte Seitentabellen (Hardware)"),
    # -- navigation (the sidebar) and the browser tab --------------------------------------------
    "nav.home": ("Home", "Start"),
    "nav.step": ("Step through", "Schritt für Schritt"),
    "nav.compare": ("Compare", "Vergleich"),
    "nav.costs": ("Costs", "Kosten"),
    "nav.about": ("About the model", "Über das Modell"),
    "nav.lessons": ("Lessons", "Lektionen"),
    "nav.practice": ("Practice", "Übungen"),
    "nav.glossary": ("Glossary", "Glossar"),
    "app.tab": ("{page} · ESXi memory virtualization", "{page} · ESXi-Arbeitsspeichervirtualisierung"),
    # -- the About the model page -------------------------------------------------------------
    "model.title": ("About the model", "Über das Modell"),
    "model.intro": (
        "What this tool shows is what its engine does. Where the engine departs from real machines, this page says "
        "so, so that a teacher can tell the class exactly where the model simplifies. Sources: the Intel SDM "
        "(Vol. 3 §4.10, paging-structure caches and TLB invalidation; Vol. 3C §29.4, “Caching Translation "
        "Information”), KVM's shadow-MMU documentation (`mmu.rst`, `paging_tmpl.h`), QEMU's x86 MMU, the "
        "vSphere resource-management documentation and the papers named below.",
        "Was dieses Werkzeug zeigt, ist, was seine Engine tut. Wo die Engine von echten Maschinen abweicht, sagt "
        "es diese Seite — damit Lehrende genau sagen können, wo das Modell vereinfacht. Quellen: das Intel SDM "
        "(Band 3 §4.10, Paging-Structure-Caches und TLB-Invalidierung; Band 3C §29.4, „Caching Translation "
        "Information“), die Dokumentation der Schatten-MMU von KVM (`mmu.rst`, `paging_tmpl.h`), die x86-MMU von "
        "QEMU, die vSphere-Dokumentation zur Ressourcenverwaltung und die unten genannten Veröffentlichungen."),
    "model.exact": ("Modelled as hardware does it", "So modelliert, wie es die Hardware tut"),
    "model.exact_list": (
        "- **Page tables and walks:** x86-64 4-level tables in real memory images; one walker for guest, shadow and "
        "EPT tables; accessed/dirty bits set as QEMU sets them; rights combined over the levels. Checked against "
        "the unicorn emulator (QEMU's MMU).\n"
        "- **The two-dimensional walk:** every guest-table address and the final guest-physical address go through "
        "the EPT, in order — 24 references for a cold 4 × 4-level walk.\n"
        "- **TLB tags:** VPID per VM, PCID per address space. Without PCID a CR3 load flushes the address space; "
        "**without VPID every VM exit and every VM entry flushes the TLB** (SDM Vol. 3C §29.4.3.1), so in shadow "
        "mode each hidden fault, page-table-write, CR3 or INVLPG exit also costs the TLB (scenario `no-vpid`). "
        "INVLPG drops the current PCID's entry.\n"
        "- **Shadow paging:** hidden versus true guest faults; only the guest page-table pages that a shadow page "
        "mirrors are write-protected, so only writes to those exit; CR3 loads and INVLPG exit; clean pages stay "
        "read-only in the shadow until the first write (KVM `protect_clean_gpte`); a pmap change drops the shadow "
        "entries found through a reverse map, and the VMM invalidates exactly their addresses (INVVPID).\n"
        "- **Nested paging:** a guest page fault reaches the guest without an exit; an EPT violation exits and "
        "names the table that missed. Removing or downgrading a nested entry, or giving it another machine page "
        "(sharing, swapping out, copy-on-write), is made visible with **INVEPT** — single-context for the VM, or "
        "all-context as KVM's remote flush (`[nested] invept = \"all\"`); x86 cannot invalidate combined "
        "mappings by guest-physical address. Backing, swap-in and unsharing the last sharer only add rights and "
        "need none.\n"
        "- **Guest OS:** demand paging, fork with copy-on-write (Linux `copy_present_pte`, `do_wp_page`), exit; "
        "an unmapped frame is freed only after the INVLPG.\n"
        "- **Counters:** `walk_refs` counts the CPU page walker's references; the VMM's software reads of guest "
        "tables on a shadow-mode exit are `vmm_walk_refs`, costed apart.",
        "- **Seitentabellen und Durchläufe:** x86-64-Tabellen mit 4 Ebenen in echten Speicherabbildern; ein "
        "Durchlaufalgorithmus für Gast-, Schatten- und EPT-Tabellen; Accessed-/Dirty-Bits wie in QEMU; Rechte über "
        "die Ebenen kombiniert. Geprüft gegen den Emulator unicorn (die MMU von QEMU).\n"
        "- **Der zweidimensionale Durchlauf:** jede Adresse einer Gasttabelle und die endgültige physische "
        "Gastadresse laufen der Reihe nach durch die EPT — 24 Zugriffe bei einem kalten Durchlauf mit 4 × 4 "
        "Ebenen.\n"
        "- **TLB-Markierungen:** VPID je VM, PCID je Adressraum. Ohne PCID leert das Laden von CR3 den Adressraum; "
        "**ohne VPID leert jeder VM-Exit und jeder Wiedereintritt den TLB** (SDM Band 3C §29.4.3.1), daher kostet "
        "mit Schattenseitentabellen jeder Exit — versteckter Seitenfehler, Schreiben in eine Seitentabelle, CR3, "
        "INVLPG — auch den TLB (Szenario `no-vpid`). INVLPG verwirft den Eintrag der aktuellen PCID.\n"
        "- **Schattenseitentabellen:** versteckte gegenüber echten Seitenfehlern des Gasts; schreibgeschützt sind "
        "nur die Seitentabellenseiten des Gasts, die eine Schattenseite spiegelt, daher führen nur Schreibzugriffe "
        "auf diese zum Exit; CR3-Laden und INVLPG führen zum Exit; saubere Seiten bleiben im Schatten bis zum ersten "
        "Schreiben schreibgeschützt (KVM `protect_clean_gpte`); eine pmap-Änderung verwirft die über eine "
        "Rückwärtszuordnung gefundenen Schatteneinträge, und der VMM macht genau deren Adressen ungültig (INVVPID).\n"
        "- **Verschachtelte Seitentabellen:** ein Seitenfehler des Gasts erreicht den Gast ohne Exit; eine "
        "EPT-Verletzung führt zum Exit und nennt die Tabelle, der der Eintrag fehlt. Wird ein verschachtelter "
        "Eintrag entfernt, eingeschränkt oder auf eine andere Maschinenseite gelegt (gemeinsame Nutzung, "
        "Auslagern, Copy-on-Write), macht der VMM das mit **INVEPT** sichtbar — Single-Context für die VM oder "
        "All-Context wie der Remote-Flush von KVM (`[nested] invept = \"all\"`); x86 kann kombinierte "
        "Zuordnungen nicht nach physischer Gastadresse ungültig machen. Hinterlegen, Einlagern und das Aufheben "
        "der gemeinsamen Nutzung für den letzten Teilhaber erweitern nur Rechte und brauchen kein INVEPT.\n"
        "- **Gastbetriebssystem:** Demand Paging, fork mit Copy-on-Write (Linux `copy_present_pte`, "
        "`do_wp_page`), exit; ein Seitenrahmen wird erst nach dem INVLPG freigegeben.\n"
        "- **Zähler:** `walk_refs` zählt die Zugriffe beim Seitentabellendurchlauf der CPU; die Lesezugriffe des VMM "
        "auf Gasttabellen in Software bei einem Exit sind `vmm_walk_refs` und werden getrennt berechnet."),
    "model.simplified": ("Simplified, and how", "Vereinfacht, und wie"),
    "model.simplified_list": (
        "- **MMU caches are Intel-style and small, and off unless a scenario turns them on** (`[mmu] pwc`, "
        "`[mmu] nested_tlb`; built-in `mmu-caches`): PML4E/PDPTE/PDE caches (4/16/32 entries, keyed by the linear "
        "address and tagged by PCID/VPID, SDM §4.10.3) and a 64-entry nested TLB of gPA → MA translations. AMD's "
        "2D page-walk cache (Bhargava et al.) caches by physical address instead; EPT-side paging-structure "
        "caches are not modelled, and caches are filled only by a walk that succeeds. Every reference a cache "
        "saves is an event and a coloured cell of the walk grid. Real CPUs reach about 1.5 references per walk "
        "natively and 4.4 virtualized (“Every Walk's a Hit”, ASPLOS'22); the Compare page's paper check sets the "
        "model's figures for the built-in workloads beside these.\n"
        "- **Large pages are 2 MiB only** (`[[vm]] large_pages`, `[nested] large_pages`): the guest maps a 2 MiB "
        "page on the first touch of an aligned region when an aligned free block exists (THP) and splits it on a "
        "partial unmap, protect, copy-on-write or fork; the VMM backs a block with a 2 MiB machine page in nested "
        "mode only, and sharing or swapping a part splits it; shadow mode maps guest 2 MiB pages with 4 KiB "
        "entries. A split flushes the guest's address space (Linux flushes the whole 2 MiB range). The TLB keeps "
        "4 KiB and 2 MiB entries in separate arrays (`[tlb] entries_2m`, `ways_2m`; 32 entries, 4-way by "
        "default); a 2 MiB entry is filled only where the translation is 2 MiB in every dimension (in nested "
        "mode a guest 2 MiB page on a 2 MiB EPT backing; in shadow mode never, as the shadow maps guest 2 MiB "
        "pages with 4 KiB entries). The diagram draws a 2 MiB page as one wide box labelled with its base and size "
        "(gVA and gPA rows; the machine row where the EPT backs it with a 2 MiB block). No 1 GiB pages.\n"
        "- **PCIDs are permanent per-process tags** (1…4095); Linux uses 6 dynamic ASIDs per CPU "
        "(`TLB_NR_DYN_ASIDS`). With PCID on, a context switch keeps the TLB entries (as a CR3 write with the "
        "no-flush bit does).\n"
        "- **No global pages:** the guest has no kernel half mapped with G=1, and the guest kernel's own accesses "
        "to its tables bypass the TLB. (A real CR3 load without PCID keeps global entries, SDM §4.10.4.1.)\n"
        "- **Shadow coherence by invalidation:** a guest page-table write drops the mirrored shadow entries, refilled "
        "by the next hidden fault, instead of updating them; KVM's *unsync* leaf tables (resynced on INVLPG or CR3 "
        "load) and its write-flooding heuristic are not modelled — real shadow paging exits less often.\n"
        "- **One CPU, one vCPU per VM;** a VM switch is an explicit world switch; no interrupts, timers or I/O exits.\n"
        "- **Costs are constants per event:** a walk reference always costs the same; an exit costs a round trip "
        "plus an estimated handler (SplitX measured about 2,000 cycles for the bare round trip; handling can cost "
        "an order of magnitude more). Estimates are marked on the Costs page.\n"
        "- **Memory reclamation is explicit:** `share` and `swap_out` are scenario operations, not the reaction to "
        "memory pressure; no ballooning, compression cache or sharing scan rate. Sharing between VMs is the "
        "classic case of the vSphere figure; **since 2015 ESXi salts page sharing to within one VM by default** "
        "(`Mem.ShareForceSalting=2`).\n"
        "- EPT accessed/dirty flags are off; reserved bits are not checked; an unaligned access acts on its "
        "aligned 8-byte word.",
        "- **MMU-Caches nach Intel-Art, klein und aus, solange ein Szenario sie nicht einschaltet** "
        "(`[mmu] pwc`, `[mmu] nested_tlb`; eingebautes Szenario `mmu-caches`): PML4E-/PDPTE-/PDE-Caches (4/16/32 "
        "Einträge, nach linearer Adresse, markiert mit PCID/VPID, SDM §4.10.3) und ein verschachtelter TLB mit 64 "
        "Übersetzungen gPA → MA. AMDs 2D-Page-Walk-Cache (Bhargava u. a.) speichert stattdessen nach physischer "
        "Adresse; Caches für die EPT-Tabellen selbst sind nicht modelliert, und nur ein erfolgreicher Seitentabellendurchlauf füllt "
        "die Caches. Jeder ersparte Zugriff ist ein Ereignis und eine farbige Zelle im Durchlaufraster. Echte CPUs "
        "kommen auf etwa 1,5 Zugriffe je Seitentabellendurchlauf nativ und 4,4 virtualisiert („Every Walk's a Hit“, ASPLOS'22); der "
        "Literaturabgleich der Vergleichsseite stellt die Werte des Modells für die eingebauten Lasten daneben.\n"
        "- **Große Seiten nur mit 2 MiB** (`[[vm]] large_pages`, `[nested] large_pages`): der Gast bildet beim "
        "ersten Zugriff auf einen ausgerichteten Bereich eine 2-MiB-Seite ab, wenn ein freier ausgerichteter Block "
        "da ist (THP), und teilt sie bei teilweisem Unmap, Protect, Copy-on-Write oder Fork; der VMM hinterlegt nur "
        "im verschachtelten Modus mit 2-MiB-Maschinenseiten, und Teilen oder Auslagern eines Teils teilt sie auf; "
        "Schattenseitentabellen bilden große Gastseiten mit 4-KiB-Einträgen ab. Ein Aufteilen leert den TLB des "
        "Adressraums (Linux leert den ganzen 2-MiB-Bereich). Der TLB hält 4-KiB- und 2-MiB-Einträge in getrennten "
        "Feldern (`[tlb] entries_2m`, `ways_2m`; voreingestellt 32 Einträge, 4-fach assoziativ); ein 2-MiB-Eintrag "
        "entsteht nur, wo die Übersetzung in jeder Dimension 2 MiB groß ist (verschachtelt: eine große Gastseite "
        "auf einer 2-MiB-EPT-Hinterlegung; im Schattenmodus nie, da die Schattentabellen große Gastseiten mit "
        "4-KiB-Einträgen abbilden). Das Diagramm zeichnet eine 2-MiB-Seite als einen breiten Kasten mit Basisadresse "
        "und Größe (gVA- und gPA-Zeile; die Maschinenzeile, wo die EPT sie mit einem 2-MiB-Block hinterlegt). "
        "Keine 1-GiB-Seiten.\n"
        "- **PCIDs sind feste Markierungen je Prozess** (1…4095); Linux nutzt 6 dynamische ASIDs je CPU "
        "(`TLB_NR_DYN_ASIDS`). Mit PCID behält ein Kontextwechsel die TLB-Einträge (wie ein CR3-Schreiben mit "
        "gesetztem No-Flush-Bit).\n"
        "- **Keine globalen Seiten:** der Gast hat keine mit G=1 abgebildete Kernel-Hälfte, und die Zugriffe des "
        "Gastkernels auf seine Tabellen umgehen den TLB. (Ein echtes CR3-Laden ohne PCID behält globale Einträge, "
        "SDM §4.10.4.1.)\n"
        "- **Kohärenz der Schattenseitentabellen durch Verwerfen:** ein Schreibzugriff des Gasts auf eine "
        "Seitentabelle verwirft die gespiegelten Schatteneinträge, die der nächste versteckte Seitenfehler neu "
        "füllt, statt sie zu aktualisieren; die *unsync*-Blatt-Tabellen von KVM (abgeglichen bei INVLPG oder "
        "CR3-Laden) und seine Write-Flooding-Heuristik sind nicht modelliert — echte Schattenseitentabellen führen "
        "seltener zum Exit.\n"
        "- **Eine CPU, eine vCPU je VM;** ein VM-Wechsel ist ein ausdrücklicher World Switch; keine Interrupts, "
        "Timer oder E/A-Exits.\n"
        "- **Kosten sind Konstanten je Ereignis:** ein Zugriff kostet immer gleich viel; ein Exit kostet einen "
        "Hin- und Rückweg plus eine geschätzte Behandlung (SplitX maß etwa 2.000 Takte für den reinen Hin- und "
        "Rückweg; die Behandlung kann eine Größenordnung mehr kosten). Schätzungen sind auf der Seite Kosten "
        "gekennzeichnet.\n"
        "- **Speicherrückgewinnung ist ausdrücklich:** `share` und `swap_out` sind Operationen des Szenarios, keine "
        "Reaktion auf Speicherdruck; kein Ballooning, kein Kompressions-Cache, keine Scanrate für die gemeinsame "
        "Nutzung. Die gemeinsame Nutzung über VMs hinweg ist der klassische Fall der vSphere-Abbildung; **seit 2015 "
        "beschränkt ESXi die gemeinsame Nutzung von Seiten standardmäßig auf eine VM** "
        "(`Mem.ShareForceSalting=2`).\n"
        "- EPT-Accessed-/Dirty-Flags sind aus; reservierte Bits werden nicht geprüft; ein nicht ausgerichteter "
        "Zugriff wirkt auf sein ausgerichtetes 8-Byte-Wort."),
    "model.streamlit": ("Texts the app cannot translate", "Texte, die die App nicht übersetzen kann"),
    # -- the About box (the app menu) ---------------------------------------------------------
    "about.text": ("**ESXi memory virtualization, step by step** — a teaching tool: a real translation engine "
                   "draws the memory-mapping figure of the vSphere documentation live.",
                   "**ESXi-Arbeitsspeichervirtualisierung, Schritt für Schritt** — ein Lehrwerkzeug: Eine "
                   "echte Übersetzungs-Engine zeichnet die Abbildung zur Arbeitsspeicherzuordnung aus der "
                   "vSphere-Dokumentation live."),
    "about.untranslated": ("Streamlit draws these texts itself and offers no way to translate them; they stay "
                           "English in the German interface:",
                           "Diese Texte zeichnet Streamlit selbst und bietet keine Möglichkeit, sie zu übersetzen; "
                           "sie bleiben in der deutschen Oberfläche englisch:"),
}

UNTRANSLATED_STREAMLIT_TEXTS: tuple[tuple[str, str], ...] = (
    ("The file uploader's “Drag and drop a file here” (while a file is dragged over it) and its own refusals "
     "(“… files are not allowed.”, “File must be … or smaller.”).",
     "Im Datei-Upload „Drag and drop a file here“ (während eine Datei darübergezogen wird) und seine eigenen "
     "Ablehnungen („… files are not allowed.“, „File must be … or smaller.“)."),
    ("The multiple-choice lists' “Select all” and “No results”.",
     "In Mehrfachauswahl-Listen „Select all“ und „No results“."),
    ("The app menu (“System”, “Light”, “Dark”, “Print”, “Record screen”, “About”).",
     "Das App-Menü („System“, „Light“, „Dark“, „Print“, „Record screen“, „About“)."),
    ("The status while the app works (“Running…”, “Stop”) and the connection messages.",
     "Der Status, während die App rechnet („Running…“, „Stop“), und die Verbindungsmeldungen."),
    ("The tables' toolbar (“Download as CSV”, “Search”, “Fullscreen”) and the hints “Press Enter to apply” "
     "and “Press Enter to submit form”.",
     "Die Werkzeugleiste der Tabellen („Download as CSV“, „Search“, „Fullscreen“) und die Hinweise „Press "
     "Enter to apply“ und „Press Enter to submit form“."),
    ("The charts' menu (“Save as SVG”, “Save as PNG”, “View Source”, “Open in Vega Editor”).",
     "Das Menü der Diagramme („Save as SVG“, „Save as PNG“, „View Source“, „Open in Vega Editor“)."),
)
"""What Streamlit draws itself and cannot be translated: (English, German) sentences, for the About box."""
