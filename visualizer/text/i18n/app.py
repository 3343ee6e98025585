"""Strings of the app as a whole: title, modes, navigation, the home page, the About box."""
from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "app.title": ("ESXi memory virtualization, step by step",
                  "ESXi-Arbeitsspeichervirtualisierung, Schritt für Schritt"),
    "app.language": ("Language", "Sprache"),
    "app.mode": ("Mode", "Modus"),
    "a11y.skip_to_step": ("Skip to the step controls", "Zu den Schritt-Knöpfen springen"),
    "a11y.diagram": ("diagram of {n} pages: the arrow keys go from page to page and read out each one's "
                     "details; a tap on a page shows them too",
                     "Diagramm mit {n} Seiten: die Pfeiltasten gehen von Seite zu Seite und lesen die Angaben "
                     "der Seite vor; ein Tippen auf eine Seite zeigt sie auch"),
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
        "Information”), the AMD64 APM Vol. 2 (§15.16, “TLB Control”; §15.25, “Nested Paging”), KVM's shadow-MMU "
        "documentation (`mmu.rst`, `paging_tmpl.h`), Linux's memory management (`mm/memory.c`, "
        "`mm/huge_memory.c`), QEMU's x86 MMU, the vSphere resource-management documentation and the papers named "
        "below.",
        "Was dieses Werkzeug zeigt, ist, was seine Engine tut. Wo die Engine von echten Maschinen abweicht, sagt "
        "es diese Seite — damit Lehrende genau sagen können, wo das Modell vereinfacht. Quellen: das Intel SDM "
        "(Band 3 §4.10, Paging-Structure-Caches und TLB-Invalidierung; Band 3C §29.4, „Caching Translation "
        "Information“), das AMD64 APM Band 2 (§15.16, „TLB Control“; §15.25, „Nested Paging“), die Dokumentation der "
        "Schatten-MMU von KVM (`mmu.rst`, `paging_tmpl.h`), die Speicherverwaltung von Linux (`mm/memory.c`, "
        "`mm/huge_memory.c`), die x86-MMU von QEMU, die vSphere-Dokumentation zur Ressourcenverwaltung und die "
        "unten genannten Veröffentlichungen."),
    "model.exact": ("Modelled as hardware does it", "So modelliert, wie es die Hardware tut"),
    "model.exact_list": (
        "- **Page tables and walks:** x86-64 4-level tables in real memory images; one walker for guest, shadow "
        "and EPT tables; accessed/dirty bits set as QEMU sets them; rights combined over the levels. Checked "
        "against the unicorn emulator (QEMU's MMU).\n"
        "- **The two-dimensional walk:** every guest-table address and the final guest-physical address go "
        "through the EPT, in order — 24 references for a cold 4 × 4-level walk, 19 with a 2 MiB guest page or a 2"
        " MiB EPT backing, 15 with both.\n"
        "- **MMU caches, Intel's and AMD's** (`[mmu] design`): Intel's PML4E, PDPTE and PDE caches, found by the "
        "linear address and tagged by PCID and VPID, hold *combined* mappings under EPT — the host-physical "
        "address of the next guest table — so a PDE-cache hit leaves 1 + 4 = 5 of the 24 references (SDM Vol. 3A "
        "§4.10.3, Vol. 3C §29.4); its *guest-physical* mappings, tagged by the EPT root (gPA → MA translations "
        "and EPT paging-structure caches), survive exits, CR3 loads and INVLPG. AMD's design (Bhargava et al., "
        "ASPLOS'08; AMD64 APM Vol. 2): a page-walk cache of guest and nested entries found by their physical "
        "address, and a nested TLB of gPA → MA translations, told with AMD's names (ASID, nested page fault, "
        "VMRUN's TLB control, INVLPGA). Every reference a cache saves is an event and a coloured cell of the walk"
        " grid.\n"
        "- **What invalidates the caches:** a page fault drops the TLB entries and the PML4E/PDPTE/PDE-cache "
        "entries that would translate its address (SDM Vol. 3A §4.10.4.1), so its retry walks from the top; an "
        "EPT violation drops the guest-physical mappings of its gPA and the combined mappings of its linear "
        "address (Vol. 3C §29.4.3.1); the CPU's INVLPG drops the current PCID's entry for its address and the "
        "current PCID's paging-structure-cache entries (in shadow mode INVLPG exits, and the VMM's INVVPID drops "
        "the address under every PCID); INVEPT drops the mappings of one EPT root or of all.\n"
        "- **TLB tags:** VPID per VM, PCID per address space. Without PCID a CR3 load flushes the address space; "
        "**without VPID every VM exit and every VM entry flushes the TLB** (SDM Vol. 3C §29.4.3.1), so in shadow "
        "mode each hidden fault, page-table-write, CR3 or INVLPG exit also costs the TLB (scenario `no-vpid`).\n"
        "- **Shadow paging:** hidden versus true guest faults; only the guest page-table pages that a shadow page"
        " mirrors are write-protected, so only writes to those exit; CR3 loads and INVLPG exit; clean pages stay "
        "read-only in the shadow until the first write (KVM `protect_clean_gpte`); a pmap change drops the shadow"
        " entries found through a reverse map.\n"
        "- **Nested paging:** a guest page fault reaches the guest without an exit; an EPT violation exits and "
        "names the table that missed. Removing or downgrading a nested entry, or giving it another machine page "
        "(sharing, swapping out, copy-on-write), is made visible with **INVEPT** — single-context for the VM, or "
        "all-context as KVM's remote flush (`[nested] invept = \"all\"`); x86 cannot invalidate combined mappings "
        "by guest-physical address. Backing, swap-in and unsharing the last sharer only add rights and need none.\n"
        "- **Guest OS:** demand paging, fork with copy-on-write (Linux `copy_present_pte`, `do_wp_page`), exit; "
        "an unmapped frame is freed only after the INVLPG. Fork keeps a 2 MiB page whole and write-protected in "
        "both processes, the child's entries old (accessed flag clear: `copy_huge_pmd`, `pte_mkold`); a write to "
        "it makes it writable again whole where no other process maps it, else splits it and copies the 4 KiB "
        "page written (`do_huge_pmd_wp_page`).\n"
        "- **Counters:** `walk_refs` counts the CPU page walker's references; the VMM's software reads of guest "
        "tables on a shadow-mode exit are `vmm_walk_refs`, costed apart.",
        "- **Seitentabellen und Durchläufe:** x86-64-Tabellen mit 4 Ebenen in echten Speicherabbildern; ein "
        "Durchlaufalgorithmus für Gast-, Schatten- und EPT-Tabellen; Accessed-/Dirty-Bits wie in QEMU; Rechte "
        "über die Ebenen kombiniert. Geprüft gegen den Emulator unicorn (die MMU von QEMU).\n"
        "- **Der zweidimensionale Durchlauf:** jede Adresse einer Gasttabelle und die endgültige physische "
        "Gastadresse laufen der Reihe nach durch die EPT — 24 Zugriffe bei einem kalten Durchlauf mit 4 × 4 "
        "Ebenen, 19 mit einer 2-MiB-Seite des Gasts oder einer 2-MiB-Hinterlegung in der EPT, 15 mit beidem.\n"
        "- **MMU-Caches von Intel und von AMD** (`[mmu] design`): Die PML4E-, PDPTE- und PDE-Caches von Intel, "
        "gefunden über die lineare Adresse und markiert mit PCID und VPID, halten unter EPT *kombinierte* "
        "Zuordnungen — die hostphysische Adresse der nächsten Tabelle des Gasts —, also lässt ein Treffer im "
        "PDE-Cache 1 + 4 = 5 der 24 Zugriffe übrig (SDM Band 3A §4.10.3, Band 3C §29.4); seine "
        "*Guest-Physical*-Zuordnungen, markiert mit der EPT-Wurzel (Übersetzungen gPA → MA und "
        "Paging-Structure-Caches des EPT), überstehen VM-Exits, CR3-Laden und INVLPG. Der Entwurf von AMD "
        "(Bhargava u. a., ASPLOS'08; AMD64 APM Band 2): ein Page-Walk-Cache mit Einträgen des Gasts und der "
        "verschachtelten Tabellen, gefunden über ihre physische Adresse, und ein verschachtelter TLB mit "
        "Übersetzungen gPA → MA, erzählt mit den Namen von AMD (ASID, verschachtelter Seitenfehler, TLB-Control "
        "bei VMRUN, INVLPGA). Jeder ersparte Zugriff ist ein Ereignis und eine farbige Zelle im Durchlaufraster.\n"
        "- **Was die Caches ungültig macht:** Ein Seitenfehler verwirft die TLB-Einträge und die Einträge der "
        "PML4E-/PDPTE-/PDE-Caches, die seine Adresse übersetzen würden (SDM Band 3A §4.10.4.1), daher beginnt "
        "seine Wiederholung den Durchlauf oben; eine EPT-Verletzung verwirft die Guest-Physical-Zuordnungen ihrer"
        " gPA und die kombinierten Zuordnungen ihrer linearen Adresse (Band 3C §29.4.3.1); INVLPG verwirft den "
        "Eintrag der aktuellen PCID für seine Adresse und die Einträge der aktuellen PCID in den "
        "Paging-Structure-Caches (mit Schattenseitentabellen führt INVLPG zum Exit, und das INVVPID des VMM "
        "verwirft die Adresse unter jeder PCID); INVEPT verwirft die Zuordnungen einer EPT-Wurzel oder aller.\n"
        "- **TLB-Markierungen:** VPID je VM, PCID je Adressraum. Ohne PCID leert das Laden von CR3 den "
        "Adressraum; **ohne VPID leert jeder VM-Exit und jeder Wiedereintritt den TLB** (SDM Band 3C §29.4.3.1), "
        "daher kostet mit Schattenseitentabellen jeder Exit — versteckter Seitenfehler, Schreiben in eine "
        "Seitentabelle, CR3, INVLPG — auch den TLB (Szenario `no-vpid`).\n"
        "- **Schattenseitentabellen:** versteckte gegenüber echten Seitenfehlern des Gasts; schreibgeschützt sind"
        " nur die Seitentabellenseiten des Gasts, die eine Schattenseite spiegelt, daher führen nur "
        "Schreibzugriffe auf diese zum Exit; CR3-Laden und INVLPG führen zum Exit; saubere Seiten bleiben im "
        "Schatten bis zum ersten Schreiben schreibgeschützt (KVM `protect_clean_gpte`); eine pmap-Änderung "
        "verwirft die über eine Rückwärtszuordnung gefundenen Schatteneinträge.\n"
        "- **Verschachtelte Seitentabellen:** ein Seitenfehler des Gasts erreicht den Gast ohne Exit; eine "
        "EPT-Verletzung führt zum Exit und nennt die Tabelle, der der Eintrag fehlt. Wird ein verschachtelter "
        "Eintrag entfernt, eingeschränkt oder auf eine andere Maschinenseite gelegt (gemeinsame Nutzung, "
        "Auslagern, Copy-on-Write), macht der VMM das mit **INVEPT** sichtbar — Single-Context für die VM oder "
        "All-Context wie der Remote-Flush von KVM (`[nested] invept = \"all\"`); x86 kann kombinierte Zuordnungen "
        "nicht nach physischer Gastadresse ungültig machen. Hinterlegen, Einlagern und das Aufheben der "
        "gemeinsamen Nutzung für den letzten Teilhaber erweitern nur Rechte und brauchen kein INVEPT.\n"
        "- **Gastbetriebssystem:** Demand Paging, fork mit Copy-on-Write (Linux `copy_present_pte`, "
        "`do_wp_page`), exit; ein Seitenrahmen wird erst nach dem INVLPG freigegeben. Fork lässt eine 2-MiB-Seite"
        " ganz und in beiden Prozessen schreibgeschützt, die Einträge des Kindes alt (Accessed-Bit gelöscht: "
        "`copy_huge_pmd`, `pte_mkold`); ein Schreibzugriff darauf macht sie als Ganzes wieder beschreibbar, wo "
        "kein anderer Prozess sie abbildet, sonst teilt er sie auf und kopiert die beschriebene 4-KiB-Seite "
        "(`do_huge_pmd_wp_page`).\n"
        "- **Zähler:** `walk_refs` zählt die Zugriffe beim Seitentabellendurchlauf der CPU; die Lesezugriffe des "
        "VMM auf Gasttabellen in Software bei einem Exit sind `vmm_walk_refs` und werden getrennt berechnet."),
    "model.simplified": ("Simplified, and how", "Vereinfacht, und wie"),
    "model.simplified_list": (
        "- **The MMU caches are off unless a scenario turns them on** (`[mmu] pwc`, `[mmu] nested_tlb`; built-in "
        "`mmu-caches`), and **their sizes are the model's choice** (CPUs do not document theirs): Intel 4 PML4E, "
        "16 PDPTE and 32 PDE entries, 64 guest-physical translations and 16 entries per EPT paging-structure "
        "cache; AMD 24 page-walk-cache entries and a 64-entry nested TLB; all LRU. Caches are filled only by "
        "walks that succeed. The AMD design keeps its nested tables in the EPT format (real nested page tables "
        "use the ordinary x86-64 format), and applies Intel's invalidation rules where the APM states none: a "
        "page fault drops the faulting page's TLB entry, a nested page fault also its gPA's nested-TLB entry; the"
        " page-walk cache, found by physical address, keeps its entries. “Every Walk's a Hit” (ASPLOS'22) reports"
        " about 1.5 references per walk natively and 4.4 virtualized — figures from simulation, not measurements "
        "of real CPUs; the Compare page's paper check sets the model's figures for the built-in workloads beside "
        "them.\n"
        "- **A TLB entry whose rights forbid an access sends the CPU on a new walk** (a write to a read-only or "
        "still clean entry): the SDM lets the CPU either fault straight from the entry or walk again (Vol. 3A §4.10.4.3); the"
        " model walks, and the walk finds the fault or sets the dirty flag.\n"
        "- **Large pages are 2 MiB only** (`[[vm]] large_pages`, `[nested] large_pages`): the guest maps a 2 MiB "
        "page on the first touch of an aligned region when an aligned free block exists (THP) and splits it on a "
        "partial unmap or protect, or on a write after fork while another process still maps it; the VMM backs a "
        "block with a 2 MiB machine page in nested mode only, and sharing or swapping a part splits it; shadow "
        "mode maps guest 2 MiB pages with 4 KiB entries. A split flushes the guest's address space (Linux flushes"
        " the whole 2 MiB range). The TLB keeps 4 KiB and 2 MiB entries in separate arrays (`[tlb] entries_2m`, "
        "`ways_2m`; 32 entries, 4-way by default); a 2 MiB entry is filled only where the translation is 2 MiB in"
        " every dimension (in nested mode a guest 2 MiB page on a 2 MiB EPT backing; in shadow mode never, as the"
        " shadow maps guest 2 MiB pages with 4 KiB entries). The diagram draws a 2 MiB page as one wide box "
        "labelled with its base and size (gVA and gPA rows; the machine row where the EPT backs it with a 2 MiB "
        "block). No 1 GiB pages.\n"
        "- **PCIDs are permanent per-process tags** (1…4095); Linux uses 6 dynamic ASIDs per CPU "
        "(`TLB_NR_DYN_ASIDS`). With PCID on, every CR3 load of a context switch behaves as if its no-flush bit 63"
        " were set: the TLB keeps the entries of every address space. Only the guest's own flush of an address "
        "space (after fork, exit or a split) reloads CR3 without that bit. **No INVPCID.**\n"
        "- **No global pages:** the guest has no kernel half mapped with G=1, and the guest kernel's own accesses"
        " to its tables bypass the TLB. (A real CR3 load without PCID keeps global entries, SDM §4.10.4.1.)\n"
        "- **One parent per shadow table:** every shadow table is reached from one shadow entry, so every shadow "
        "entry has one gVA, and the VMM invalidates just the gVAs of the entries it drops (INVVPID of one "
        "address; of the whole VPID when a shadow table goes). KVM shares a shadow page among all the entries "
        "that point at the same guest table, so after zaps found through its reverse map it flushes the whole "
        "VPID (`kvm_flush_remote_tlbs`).\n"
        "- **Shadow coherence by invalidation:** a guest page-table write drops the mirrored shadow entries, "
        "refilled by the next hidden fault, instead of updating them; KVM's *unsync* leaf tables (resynced on "
        "INVLPG or CR3 load) and its write-flooding heuristic are not modelled — real shadow paging exits less "
        "often.\n"
        "- **One CPU, one vCPU per VM:** no remote TLB shootdowns and no inter-processor interrupts — every flush"
        " concerns the one TLB; a VM switch is an explicit world switch; no interrupts, timers or I/O exits.\n"
        "- **Costs are constants per event:** a walk reference always costs the same; an exit costs a round trip "
        "plus an estimated handler (SplitX measured about 2,000 cycles for the bare round trip; handling can cost"
        " an order of magnitude more). Estimates are marked on the Costs page.\n"
        "- **Memory reclamation on a clock of operations:** where the VMs' memory exceeds what the machine has "
        "for them (`[reclaim]`, built-in `overcommit`), the host reclaims as ESXi's memory states say — but one "
        "operation is one tick of its clock and it makes a pass every `period` operations; **minFree is an "
        "eighth of the guests' memory by default** (ESXi's 899 MB of a 28 GB host, 3.1 %, is under a page "
        "here); free memory must rise a margin above a threshold before the host counts itself in the better "
        "state. The sharing scan hashes pages chosen at random (BLAKE2b, not ESXi's hash); balloon targets follow "
        "memory per share (no idle-memory tax, no working-set sampling) and the balloon's work is recorded "
        "without a world switch to its VM; the guest pages out the current process's oldest page whose accessed "
        "flag is clear, to swap space kept outside machine memory; compression uses zlib into 2 KiB slots. "
        "Background work (hashing, compressing, writing swap) costs no VM's cycles unless a VM waits for it. "
        "Elsewhere `share` and `swap_out` are scenario operations. Sharing between VMs is the classic case of "
        "the vSphere figure; **since 2015 ESXi salts page sharing to within one VM by default** "
        "(`Mem.ShareForceSalting=2`), as `[reclaim] tps_salting` does.\n"
        "- EPT accessed/dirty flags are off; reserved bits are not checked; an unaligned access acts on its "
        "aligned 8-byte word.",
        "- **Die MMU-Caches sind aus, solange ein Szenario sie nicht einschaltet** (`[mmu] pwc`, `[mmu] "
        "nested_tlb`; eingebautes Szenario `mmu-caches`), und **ihre Größen wählt das Modell** (CPUs nennen ihre "
        "nicht): Intel 4 PML4E-, 16 PDPTE- und 32 PDE-Einträge, 64 Guest-Physical-Übersetzungen und 16 Einträge "
        "je Paging-Structure-Cache des EPT; AMD 24 Einträge im Page-Walk-Cache und ein verschachtelter TLB mit 64"
        " Einträgen; alle mit LRU. Nur erfolgreiche Seitentabellendurchläufe füllen die Caches. Der AMD-Entwurf "
        "hält seine verschachtelten Tabellen im EPT-Format (echte verschachtelte Seitentabellen benutzen das "
        "gewöhnliche x86-64-Format) und wendet die Regeln von Intel an, wo das APM keine nennt: ein Seitenfehler "
        "verwirft den TLB-Eintrag der fehlerhaften Seite, ein verschachtelter Seitenfehler auch den Eintrag "
        "seiner gPA im verschachtelten TLB; der Page-Walk-Cache, der nach physischer Adresse sucht, behält seine "
        "Einträge. „Every Walk's a Hit“ (ASPLOS'22) nennt etwa 1,5 Zugriffe je Seitentabellendurchlauf nativ und "
        "4,4 virtualisiert — Werte aus Simulationen, keine Messungen an echten CPUs; der Literaturabgleich der "
        "Vergleichsseite stellt die Werte des Modells für die eingebauten Lasten daneben.\n"
        "- **Verbieten die Rechte eines TLB-Eintrags einen Zugriff, durchläuft die CPU die Tabellen neu** (ein "
        "Schreibzugriff auf einen schreibgeschützten oder noch sauberen Eintrag): Das SDM lässt die CPU entweder direkt aus dem "
        "Eintrag einen Seitenfehler melden oder die Tabellen erneut durchlaufen (Band 3A §4.10.4.3); das Modell "
        "durchläuft sie, und der Durchlauf findet den Fehler oder setzt das Dirty-Bit.\n"
        "- **Große Seiten nur mit 2 MiB** (`[[vm]] large_pages`, `[nested] large_pages`): der Gast bildet beim "
        "ersten Zugriff auf einen ausgerichteten Bereich eine 2-MiB-Seite ab, wenn ein freier ausgerichteter "
        "Block da ist (THP), und teilt sie bei teilweisem Unmap oder Protect auf oder bei einem Schreibzugriff "
        "nach fork, solange ein anderer Prozess sie noch abbildet; der VMM hinterlegt nur im verschachtelten "
        "Modus mit 2-MiB-Maschinenseiten, und Teilen oder Auslagern eines Teils teilt sie auf; "
        "Schattenseitentabellen bilden große Gastseiten mit 4-KiB-Einträgen ab. Ein Aufteilen leert den TLB des "
        "Adressraums (Linux leert den ganzen 2-MiB-Bereich). Der TLB hält 4-KiB- und 2-MiB-Einträge in getrennten"
        " Feldern (`[tlb] entries_2m`, `ways_2m`; voreingestellt 32 Einträge, 4-fach assoziativ); ein "
        "2-MiB-Eintrag entsteht nur, wo die Übersetzung in jeder Dimension 2 MiB groß ist (verschachtelt: eine "
        "große Gastseite auf einer 2-MiB-EPT-Hinterlegung; im Schattenmodus nie, da die Schattentabellen große "
        "Gastseiten mit 4-KiB-Einträgen abbilden). Das Diagramm zeichnet eine 2-MiB-Seite als einen breiten "
        "Kasten mit Basisadresse und Größe (gVA- und gPA-Zeile; die Maschinenzeile, wo die EPT sie mit einem "
        "2-MiB-Block hinterlegt). Keine 1-GiB-Seiten.\n"
        "- **PCIDs sind feste Markierungen je Prozess** (1…4095); Linux nutzt 6 dynamische ASIDs je CPU "
        "(`TLB_NR_DYN_ASIDS`). Mit PCID verhält sich jedes Laden von CR3 bei einem Kontextwechsel, als wäre sein "
        "No-Flush-Bit 63 gesetzt: der TLB behält die Einträge jedes Adressraums. Nur wenn der Gast selbst einen "
        "Adressraum leert (nach fork, exit oder einem Aufteilen), lädt er CR3 ohne dieses Bit. **Kein INVPCID.**\n"
        "- **Keine globalen Seiten:** der Gast hat keine mit G=1 abgebildete Kernel-Hälfte, und die Zugriffe des "
        "Gastkernels auf seine Tabellen umgehen den TLB. (Ein echtes CR3-Laden ohne PCID behält globale Einträge,"
        " SDM §4.10.4.1.)\n"
        "- **Ein Elterneintrag je Schattentabelle:** jede Schattentabelle wird von genau einem Schatteneintrag "
        "aus erreicht, daher hat jeder Schatteneintrag genau eine gVA, und der VMM macht nur die gVAs der "
        "Einträge ungültig, die er verwirft (INVVPID für eine Adresse; für die ganze VPID, wenn eine "
        "Schattentabelle wegfällt). KVM teilt eine Schattenseite zwischen allen Einträgen, die auf dieselbe "
        "Tabelle des Gasts zeigen, und leert daher nach Verwerfungen, die es über seine Rückwärtszuordnung "
        "findet, die ganze VPID (`kvm_flush_remote_tlbs`).\n"
        "- **Kohärenz der Schattenseitentabellen durch Verwerfen:** ein Schreibzugriff des Gasts auf eine "
        "Seitentabelle verwirft die gespiegelten Schatteneinträge, die der nächste versteckte Seitenfehler neu "
        "füllt, statt sie zu aktualisieren; die *unsync*-Blatt-Tabellen von KVM (abgeglichen bei INVLPG oder "
        "CR3-Laden) und seine Write-Flooding-Heuristik sind nicht modelliert — echte Schattenseitentabellen "
        "führen seltener zum Exit.\n"
        "- **Eine CPU, eine vCPU je VM:** keine TLB-Shootdowns auf anderen CPUs und keine "
        "Interprozessor-Interrupts — jedes Leeren betrifft den einen TLB; ein VM-Wechsel ist ein ausdrücklicher "
        "World Switch; keine Interrupts, Timer oder E/A-Exits.\n"
        "- **Kosten sind Konstanten je Ereignis:** ein Zugriff kostet immer gleich viel; ein Exit kostet einen "
        "Hin- und Rückweg plus eine geschätzte Behandlung (SplitX maß etwa 2.000 Takte für den reinen Hin- und "
        "Rückweg; die Behandlung kann eine Größenordnung mehr kosten). Schätzungen sind auf der Seite Kosten "
        "gekennzeichnet.\n"
        "- **Speicherrückgewinnung im Takt der Operationen:** wo der Speicher der VMs mehr ist, als die Maschine "
        "für sie hat (`[reclaim]`, eingebautes Szenario `overcommit`), gewinnt der Host Speicher nach den "
        "Speicherzuständen von ESXi zurück — aber eine Operation ist ein Takt seiner Uhr, und er macht alle "
        "`period` Operationen einen Durchgang; **minFree ist standardmäßig ein Achtel des Speichers der Gäste** "
        "(die 899 MB eines 28-GB-Hosts bei ESXi, 3,1 %, sind hier weniger als eine Seite); der freie Speicher muss "
        "eine Spanne über eine Schwelle steigen, bevor der Host sich im besseren Zustand sieht. Der Scan der "
        "gemeinsamen Nutzung hasht zufällig gewählte Seiten (BLAKE2b, nicht der Hash von ESXi); Balloon-Ziele "
        "folgen dem Speicher je Anteil (keine Leerlaufsteuer, kein Messen der Arbeitsmenge), und die Arbeit des "
        "Balloons wird ohne World Switch zu seiner VM aufgezeichnet; der Gast lagert die älteste Seite des "
        "laufenden Prozesses aus, deren Accessed-Bit gelöscht ist, in einen Auslagerungsbereich außerhalb des "
        "Maschinenspeichers; komprimiert wird mit zlib in Plätze zu 2 KiB. Hintergrundarbeit (hashen, "
        "komprimieren, Auslagerung schreiben) kostet keine VM Takte, außer eine VM wartet darauf. Anderswo sind "
        "`share` und `swap_out` Operationen des Szenarios. Die gemeinsame Nutzung über VMs hinweg ist der "
        "klassische Fall der vSphere-Abbildung; **seit 2015 beschränkt ESXi die gemeinsame Nutzung von Seiten "
        "standardmäßig auf eine VM** (`Mem.ShareForceSalting=2`), wie `[reclaim] tps_salting`.\n"
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
