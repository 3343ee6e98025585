"""English and German strings for the renderers and pages.

German follows the terms of the vSphere documentation's German original (the seed): VMware's
*machine pages* are **Maschinenseiten**, the guest's *physical pages* are **physische Seiten**,
*shadow page tables* are **Schattenseitentabellen**, *nested page tables* are **verschachtelte
Seitentabellen**; the page states are *gemeinsam genutzte*, *nicht zugeordnete* and
*ausgelagerte* Seiten.

``t(key, lang, **values)`` returns the string for ``key`` in ``lang`` ("en" or "de"), formatted
with ``values``. An unknown language falls back to English; an unknown key is a programming
error and raises ``KeyError``.
"""
from __future__ import annotations

LANGS = ("en", "de")
LANG_NAMES = {"en": "English", "de": "Deutsch"}

STRINGS: dict[str, tuple[str, str]] = {
    # -- app ----------------------------------------------------------------------------------
    "app.title": ("ESXi memory virtualization, step by step",
                  "ESXi-Arbeitsspeichervirtualisierung, Schritt für Schritt"),
    "app.language": ("Language", "Sprache"),
    "app.mode": ("Mode", "Modus"),
    "mode.shadow": ("shadow page tables (software)", "Schattenseitentabellen (softwarebasiert)"),
    "mode.nested": ("nested page tables (hardware-assisted)", "verschachtelte Seitentabellen (hardwaregestützt)"),
    "mode.native": ("native (no virtualization)", "nativ (ohne Virtualisierung)"),
    "mode.short.shadow": ("shadow", "Schatten"),
    "mode.short.nested": ("nested", "verschachtelt"),
    "mode.short.native": ("native", "nativ"),
    "home.intro": (
        "This tool runs a real translation engine — x86-64 page tables in memory images, the VMM's "
        "pmap, shadow page tables, nested (EPT) tables and a tagged TLB — and draws the memory-mapping "
        "figure of the vSphere documentation live. Each virtual machine sees a contiguous, zero-based "
        "guest-physical memory; the VMM maps its **physical pages** to scattered **machine pages**. "
        "Step through memory accesses and watch what the CPU, the guest OS and the VMM do: TLB misses, "
        "page walks, hidden page faults, VM exits, shared, unmapped and swapped pages.",
        "Dieses Werkzeug führt eine echte Übersetzungs-Engine aus — x86-64-Seitentabellen in "
        "Speicherabbildern, die pmap des VMM, Schattenseitentabellen, verschachtelte (EPT-)Seitentabellen "
        "und einen markierten TLB — und zeichnet die Abbildung „Arbeitsspeicherzuordnung bei ESXi“ der "
        "vSphere-Dokumentation live. Jede virtuelle Maschine sieht einen zusammenhängenden, nullbasierten "
        "physischen Arbeitsspeicher; der VMM ordnet ihre **physischen Seiten** verstreuten "
        "**Maschinenseiten** zu. Gehen Sie Speicherzugriffe Schritt für Schritt durch und sehen Sie, was "
        "CPU, Gastbetriebssystem und VMM tun: TLB-Fehlgriffe, Seitentabellendurchläufe, versteckte "
        "Seitenfehler, VM-Exits, gemeinsam genutzte, nicht zugeordnete und ausgelagerte Seiten."),
    "home.modes": (
        "**Shadow page tables** (software-based): the VMM combines the guest's mappings with its own in "
        "shadow tables that the CPU walks — cheap TLB misses, but every guest page-table update and "
        "context switch exits to the VMM. **Nested page tables** (hardware-assisted): the CPU walks the "
        "guest's tables and the VMM's nested tables together — no exits for page-table updates, but a "
        "TLB miss costs up to 24 memory references instead of 4.",
        "**Schattenseitentabellen** (softwarebasiert): Der VMM kombiniert die Zuordnungen des Gasts mit "
        "seinen eigenen in Schattenseitentabellen, die die CPU durchläuft — TLB-Fehlgriffe sind billig, "
        "aber jede Änderung der Gastseitentabellen und jeder Kontextwechsel führt zu einem VM-Exit. "
        "**Verschachtelte Seitentabellen** (hardwaregestützt): Die CPU durchläuft die Seitentabellen des "
        "Gasts und die verschachtelten Seitentabellen des VMM gemeinsam — keine Exits bei Änderungen, "
        "aber ein TLB-Fehlgriff kostet bis zu 24 statt 4 Speicherzugriffe."),
    "home.legend": ("How to read the diagram", "So lesen Sie das Diagramm"),
    "home.pick": ("Choose a scenario", "Szenario wählen"),
    "home.builtin": ("Built-in scenario", "Mitgeliefertes Szenario"),
    "home.upload": ("… or upload a scenario file (TOML)", "… oder eine Szenariodatei (TOML) hochladen"),
    "home.upload_help": ("The format is described in the README (section “Scenario format”).",
                         "Das Format beschreibt die README (Abschnitt „Scenario format“)."),
    "home.uploaded": ("Loaded scenario “{name}” from {file}.", "Szenario „{name}“ aus {file} geladen."),
    "home.upload_error": ("The file {file} was not loaded: {error}. The previous scenario “{name}” is still active.",
                          "Die Datei {file} wurde nicht geladen: {error}. Das bisherige Szenario „{name}“ bleibt aktiv."),
    "home.current": ("Active scenario: **{name}** — {vms} VM(s), {ops} operations, default mode {mode}.",
                     "Aktives Szenario: **{name}** — {vms} VM(s), {ops} Operationen, Standardmodus {mode}."),
    "home.pages": ("Pages", "Seiten der Anwendung"),
    "home.deeplink": (
        "Every view has a permanent link: the address bar carries `scenario`, `mode`, `step` and `lang`, "
        "e.g. `?scenario=esxi-figure&mode=nested&step=7&lang=de` — put it on a slide.",
        "Jede Ansicht hat einen dauerhaften Link: Die Adresszeile enthält `scenario`, `mode`, `step` und "
        "`lang`, z. B. `?scenario=esxi-figure&mode=nested&step=7&lang=de` — für die Folie."),
    "page.home": ("Home", "Start"),
    "page.step": ("Step through accesses — the live diagram", "Zugriffe Schritt für Schritt — das Live-Diagramm"),
    "page.compare": ("Compare shadow and nested paging on one trace", "Schatten- und verschachtelte Seitentabellen auf einer Spur vergleichen"),
    "page.costs": ("The cost model", "Das Kostenmodell"),
    "home.preview": ("The built-in scenario “esxi-figure” after {step} steps in shadow mode: VM 1 touches pages a "
                     "(= 0xa) and b, VM 2 pages b and c (= 0xc); page b has the same content in both VMs, so the "
                     "VMM shares one read-only machine page for it.",
                     "Das mitgelieferte Szenario „esxi-figure“ nach {step} Schritten im Schattenmodus: VM 1 "
                     "berührt die Seiten a (= 0xa) und b, VM 2 die Seiten b und c (= 0xc); Seite b hat in beiden "
                     "VMs denselben Inhalt, daher nutzt der VMM für sie eine gemeinsame, schreibgeschützte "
                     "Maschinenseite."),
    "home.what": ("What you see", "Was Sie sehen"),
    # -- deep links and bad input --------------------------------------------------------------
    "err.scenario": ("Unknown scenario “{value}” in the link; showing “{fallback}”. Built-ins: {names}.",
                     "Unbekanntes Szenario „{value}“ im Link; gezeigt wird „{fallback}“. Mitgeliefert: {names}."),
    "err.mode": ("Unknown mode “{value}” in the link (shadow or nested); showing {fallback}.",
                 "Unbekannter Modus „{value}“ im Link (shadow oder nested); gezeigt wird {fallback}."),
    "err.step": ("Step “{value}” in the link is not a whole number from 0 to {last}; showing step {fallback}.",
                 "Schritt „{value}“ im Link ist keine ganze Zahl von 0 bis {last}; gezeigt wird Schritt {fallback}."),
    "err.lang": ("Unknown language “{value}” in the link (en or de); showing English.",
                 "Unbekannte Sprache „{value}“ im Link (en oder de); gezeigt wird Englisch."),
    "err.gva": ("“{value}” is not a guest-virtual address: write a hex address below 0x800000000000, e.g. 0x400000.",
                "„{value}“ ist keine virtuelle Gastadresse: bitte eine Hex-Adresse unter 0x800000000000 angeben, z. B. 0x400000."),
    "err.value": ("“{value}” is not a 64-bit value: write a hex number such as 0x2a.",
                  "„{value}“ ist kein 64-Bit-Wert: bitte eine Hex-Zahl wie 0x2a angeben."),
    "err.engine": ("The operation could not run: {error}", "Die Operation konnte nicht ausgeführt werden: {error}"),
    "err.out_of_memory": ("The machine ran out of machine pages at this step: {error}. Use a scenario with more "
                          "machine memory.",
                          "Der Maschine gingen in diesem Schritt die Maschinenseiten aus: {error}. Bitte ein "
                          "Szenario mit mehr Maschinenspeicher verwenden."),
    # -- step page -----------------------------------------------------------------------------
    "step.title": ("Step through memory accesses", "Speicherzugriffe Schritt für Schritt"),
    "step.forward": ("Step", "Schritt"),
    "step.back": ("Back", "Zurück"),
    "step.reset": ("Reset", "Anfang"),
    "step.speed_value": ("{n} step/s|{n} steps/s", "{n} Schritt/s|{n} Schritte/s"),
    "step.zoom": ("Zoom", "Zoom"),
    "step.jump": ("Go to step", "Gehe zu Schritt"),
    "step.jump_go": ("Go", "Los"),
    "step.autoplay": ("Autoplay", "Automatisch abspielen"),
    "step.speed": ("Steps per second", "Schritte pro Sekunde"),
    "step.position": ("Step {step} of {total}", "Schritt {step} von {total}"),
    "step.boot": ("the machine has booted; no operation has run yet. Press “Step”.",
                  "die Maschine ist gestartet; noch keine Operation ausgeführt. „Schritt“ drücken."),
    "step.end": ("End of the trace.", "Ende der Spur."),
    "step.result": ("{tlb} · {cycles} cycles · {refs} · {exits}", "{tlb} · {cycles} Takte · {refs} · {exits}"),
    "step.refs": ("one walk reference|{n} walk references", "ein Seitentabellenzugriff|{n} Seitentabellenzugriffe"),
    "step.exits": ("one VM exit|{n} VM exits", "ein VM-Exit|{n} VM-Exits"),
    "step.read": ("read", "lesen"),
    "step.write": ("write", "schreiben"),
    "step.narration": ("What happened", "Was geschah"),
    "step.walk": ("Page-walk references", "Seitentabellenzugriffe"),
    "step.no_walk": ("This step walked no page tables.", "In diesem Schritt wurden keine Seitentabellen durchlaufen."),
    "step.tlb": ("TLB contents", "TLB-Inhalt"),
    "step.details": ("Details", "Einzelheiten"),
    "step.tlb_empty": ("The TLB is empty.", "Der TLB ist leer."),
    "step.counters": ("Counters so far", "Zähler bis hier"),
    "step.events": ("All events of this step", "Alle Ereignisse dieses Schritts"),
    "step.access_now": ("Access now", "Jetzt zugreifen"),
    "step.access_help": ("Adds an access after the current step and runs it.",
                         "Fügt nach dem aktuellen Schritt einen Zugriff ein und führt ihn aus."),
    "step.vm": ("VM", "VM"),
    "step.process": ("Process", "Prozess"),
    "step.gva": ("Guest-virtual address (hex)", "Virtuelle Gastadresse (hex)"),
    "step.kind": ("Access", "Zugriff"),
    "step.value": ("Value to write (hex)", "Zu schreibender Wert (hex)"),
    "step.run_access": ("Run this access", "Zugriff ausführen"),
    "step.added": ("Added as operation {n}: {op}", "Als Operation {n} eingefügt: {op}"),
    "step.exports": ("Export", "Export"),
    "step.export_dot": ("Diagram (DOT)", "Diagramm (DOT)"),
    "step.export_svg": ("Diagram (SVG)", "Diagramm (SVG)"),
    "step.export_png": ("Diagram (PNG)", "Diagramm (PNG)"),
    "step.export_csv": ("Event log (CSV)", "Ereignisprotokoll (CSV)"),
    "step.export_csv_help": ("Every event of steps 1 to {step}{capped}.", "Alle Ereignisse der Schritte 1 bis {step}{capped}."),
    "step.export_capped": (" (the last {n} steps)", " (die letzten {n} Schritte)"),
    "step.no_layout": ("Graphviz is not installed on this server: the app draws the diagram itself. "
                       "PNG export needs Graphviz (`dot`).",
                       "Graphviz ist auf diesem Server nicht installiert: Die Anwendung zeichnet das Diagramm "
                       "selbst. Der PNG-Export braucht Graphviz (`dot`)."),
    "step.drawn_by": ("SVG drawn by {engine}", "SVG gezeichnet von {engine}"),
    "step.fit": ("Fit to width", "An Breite anpassen"),
    "step.hidden_pages": ("{n} more pages are not drawn (the diagram shows at most {cap} per row).",
                          "{n} weitere Seiten sind nicht gezeichnet (höchstens {cap} pro Zeile)."),
    "tlb.hit": ("TLB hit", "TLB-Treffer"),
    "tlb.miss": ("TLB miss", "TLB-Fehlgriff"),
    "tlb.none": ("no memory access", "kein Speicherzugriff"),
    # -- diagram ---------------------------------------------------------------------------------
    "dia.gva_row": ("guest\nvirtual", "virtueller\nGast-\nspeicher"),
    "dia.gpa_row": ("guest\nphysical", "physischer\nGast-\nspeicher"),
    "dia.ma_row": ("machine\nmemory", "Maschinen-\nspeicher"),
    "dia.ma_caption": ("{used} of {total} machine pages in use; free ones are not drawn (· marks a gap)",
                       "{used} von {total} Maschinenseiten belegt; freie sind nicht gezeichnet (· markiert eine Lücke)"),
    "dia.process": ("process {name}", "Prozess {name}"),
    "dia.no_pages": ("no pages mapped yet", "noch keine Seiten zugeordnet"),
    "dia.more": ("+{n} more", "+{n} weitere"),
    "dia.gap": ("{n} pages", "{n} Seiten"),
    "dia.shared": ("shared", "gemeinsam"),
    "dia.shared_n": ("shared ×{n}", "gemeinsam ×{n}"),
    "dia.swapped": ("swapped", "ausgelagert"),
    "dia.unmapped": ("unmapped", "nicht zugeordnet"),
    "dia.spt": ("SPT", "SPT"),
    "dia.ept": ("EPT", "EPT"),
    "dia.title.shadow": ("Shadow mode: the CPU walks the VMM's shadow page tables (dashed arrows)",
                         "Schattenmodus: Die CPU durchläuft die Schattenseitentabellen des VMM (gestrichelte Pfeile)"),
    "dia.title.nested": ("Nested mode: the CPU walks the guest tables and the nested tables (gPA → MA)",
                         "Verschachtelter Modus: Die CPU durchläuft Gast- und verschachtelte Seitentabellen (gPA → MA)"),
    "dia.title.native": ("Native: no VMM — guest-physical is machine memory",
                         "Nativ: kein VMM — physischer Gastspeicher ist Maschinenspeicher"),
    # legend
    "leg.gva": ("guest-virtual page", "virtuelle Gastseite"),
    "leg.gpa": ("physical page (guest-physical)", "physische Seite (des Gasts)"),
    "leg.ma": ("machine page", "Maschinenseite"),
    "leg.gpt": ("guest page-table page", "Seitentabellenseite des Gasts"),
    "leg.gpt_wp": ("guest page table, write-protected by the VMM", "Gastseitentabelle, vom VMM schreibgeschützt"),
    "leg.shared": ("shared page (copy-on-write)", "gemeinsam genutzte Seite (Copy-on-Write)"),
    "leg.swapped": ("swapped-out page", "ausgelagerte Seite"),
    "leg.unmapped": ("unmapped page (never touched)", "nicht zugeordnete Seite (nie berührt)"),
    "leg.spt": ("shadow page-table page", "Seite einer Schattenseitentabelle"),
    "leg.ept": ("nested page-table page (EPT)", "Seite einer verschachtelten Seitentabelle (EPT)"),
    "leg.guest_map": ("guest OS page tables: gVA → gPA", "Seitentabellen des Gastbetriebssystems: gVA → gPA"),
    "leg.vmm_map": ("VMM mapping (pmap): gPA → MA", "Zuordnung durch den VMM (pmap): gPA → MA"),
    "leg.vmm_map_nested": ("nested page tables (EPT): gPA → MA", "verschachtelte Seitentabellen (EPT): gPA → MA"),
    "leg.vmm_map_both": ("VMM mapping gPA → MA: the pmap (shadow mode), the nested tables (nested mode)",
                         "Zuordnung durch den VMM gPA → MA: pmap (Schattenmodus), verschachtelte Seitentabellen (verschachtelter Modus)"),
    "leg.shadow_map": ("shadow page-table entry: gVA → MA", "Eintrag der Schattenseitentabelle: gVA → MA"),
    "leg.current": ("the current access", "der aktuelle Zugriff"),
    "leg.walked": ("table walked in this step", "in diesem Schritt durchlaufene Tabelle"),
    # -- tables ----------------------------------------------------------------------------------
    "col.n": ("#", "#"),
    "col.attempt": ("try", "Versuch"),
    "col.walker": ("walker", "Durchläufer"),
    "col.stage": ("tables", "Tabellen"),
    "col.level": ("level", "Ebene"),
    "col.table": ("table address", "Tabellenadresse"),
    "col.index": ("index", "Index"),
    "col.entry": ("entry", "Eintrag"),
    "col.bits": ("decoded", "dekodiert"),
    "col.for": ("translating", "übersetzt"),
    "col.set": ("set", "Satz"),
    "col.vm": ("VM", "VM"),
    "col.process": ("process", "Prozess"),
    "col.gva": ("gVA page", "gVA-Seite"),
    "col.gpa": ("gPA page", "gPA-Seite"),
    "col.ma": ("MA page", "MA-Seite"),
    "col.rights": ("rights", "Rechte"),
    "col.lru": ("age", "Alter"),
    "col.event": ("event", "Ereignis"),
    "col.detail": ("detail", "Einzelheiten"),
    "col.cost": ("cycles", "Takte"),
    "col.cause": ("cause", "Ursache"),
    "cnt.vm": ("VM", "VM"),
    "cnt.total": ("total", "gesamt"),
    "cnt.accesses": ("accesses", "Zugriffe"),
    "cnt.tlb_hits": ("TLB hits", "TLB-Treffer"),
    "cnt.tlb_misses": ("TLB misses", "TLB-Fehlgriffe"),
    "cnt.hit_rate": ("hit rate", "Trefferquote"),
    "cnt.walk_refs": ("walk references", "Tabellenzugriffe"),
    "cnt.vm_exits": ("VM exits", "VM-Exits"),
    "cnt.guest_faults": ("guest page faults", "Seitenfehler im Gast"),
    "cnt.cycles": ("cycles", "Takte"),
    "cnt.cycles_per_access": ("cycles/access", "Takte/Zugriff"),
    "stage.guest": ("guest", "Gast"),
    "stage.nested": ("nested (EPT)", "verschachtelt (EPT)"),
    "stage.shadow": ("shadow", "Schatten"),
    "walker.cpu": ("CPU", "CPU"),
    "walker.vmm": ("VMM (software)", "VMM (Software)"),
    "level.4": ("PML4", "PML4"),
    "level.3": ("PDPT", "PDPT"),
    "level.2": ("PD", "PD"),
    "level.1": ("PT", "PT"),
    # -- narration (visualizer.render.narrate) ---------------------------------------------------
    "nar.boot": ("The machine has booted: each process has an empty top-level page table (PML4) in its VM's "
                 "guest-physical memory, backed by a machine page.",
                 "Die Maschine ist gestartet: Jeder Prozess hat eine leere oberste Seitentabelle (PML4) im "
                 "physischen Speicher seiner VM, hinterlegt mit einer Maschinenseite."),
    "nar.vm_enter": ("{vm} starts running on the CPU", "{vm} läuft auf der CPU an"),
    "nar.vm_switch": ("the CPU switches from {old} to {new} (world switch)", "die CPU wechselt von {old} zu {new} (World Switch)"),
    "nar.tlb_hit": ("TLB hit for gVA page 0x{gva:x}", "TLB-Treffer für gVA-Seite 0x{gva:x}"),
    "nar.tlb_miss": ("TLB miss for gVA page 0x{gva:x}", "TLB-Fehlgriff für gVA-Seite 0x{gva:x}"),
    "nar.retry_hit": ("the retry hits the TLB", "der neue Versuch trifft im TLB"),
    "nar.retry_miss": ("the retry misses the TLB", "der neue Versuch verfehlt den TLB"),
    "nar.walk_shadow": ("the CPU walks the shadow page tables (1 reference)|the CPU walks the shadow page tables ({n} references)",
                        "die CPU durchläuft die Schattenseitentabellen (1 Zugriff)|die CPU durchläuft die "
                        "Schattenseitentabellen ({n} Zugriffe)"),
    "nar.walk_native": ("the CPU walks the guest page tables (1 reference)|the CPU walks the guest page tables ({n} references)",
                        "die CPU durchläuft die Seitentabellen des Gasts (1 Zugriff)|die CPU durchläuft die "
                        "Seitentabellen des Gasts ({n} Zugriffe)"),
    "nar.walk_2d": ("the CPU walks the guest tables and the nested tables in two dimensions ({n} references: "
                    "{g} guest, {e} nested)",
                    "die CPU durchläuft Gast- und verschachtelte Seitentabellen zweidimensional ({n} Zugriffe: "
                    "{g} Gast, {e} verschachtelt)"),
    "nar.walk_vmm": ("the VMM walks the guest page tables in software (1 reference)|the VMM walks the guest page "
                     "tables in software ({n} references)",
                     "der VMM durchläuft die Seitentabellen des Gasts in Software (1 Zugriff)|der VMM durchläuft "
                     "die Seitentabellen des Gasts in Software ({n} Zugriffe)"),
    "nar.walk_missing": ("{walk} and finds no entry at the {level} level", "{walk} und findet auf Ebene {level} keinen Eintrag"),
    "nar.walk_denied": ("{walk}; the entry does not allow this access", "{walk}; der Eintrag erlaubt diesen Zugriff nicht"),
    "nar.exit_hidden": ("hidden page fault: exit to the VMM (the guest never sees it)",
                        "versteckter Seitenfehler: VM-Exit zum VMM (der Gast bemerkt ihn nicht)"),
    "nar.exit_guest": ("exit to the VMM: the guest's own tables lack the mapping — a true guest page fault",
                       "VM-Exit zum VMM: den Seitentabellen des Gasts fehlt die Zuordnung — ein echter Seitenfehler des Gasts"),
    "nar.exit_cr3": ("the CR3 load exits to the VMM", "das Laden von CR3 führt zum VM-Exit"),
    "nar.exit_invlpg": ("INVLPG exits to the VMM, which drops the shadow entry",
                        "INVLPG führt zum VM-Exit; der VMM verwirft den Schatteneintrag"),
    "nar.exit_ptw": ("the guest writes a page table that the VMM write-protects (gPA 0x{gpa:x}): exit, the VMM "
                     "emulates the write",
                     "der Gast schreibt in eine vom VMM schreibgeschützte Seitentabelle (gPA 0x{gpa:x}): VM-Exit, "
                     "der VMM emuliert den Schreibzugriff"),
    "nar.exit_ept": ("EPT violation at gPA 0x{gpa:x}: exit to the VMM", "EPT-Verletzung bei gPA 0x{gpa:x}: VM-Exit zum VMM"),
    "nar.guest_pf": ("the #PF goes to the guest's page-fault handler ({kind})",
                     "der #PF geht an die Seitenfehlerbehandlung des Gasts ({kind})"),
    "nar.guest_pf_reflect": ("the VMM reflects the #PF into the guest's page-fault handler ({kind})",
                             "der VMM leitet den #PF an die Seitenfehlerbehandlung des Gasts weiter ({kind})"),
    "nar.guest_work": ("the guest {parts}", "der Gast {parts}"),
    "nar.gw_tables": ("allocates a page table|allocates {n} page tables",
                      "legt eine Seitentabelle an|legt {n} Seitentabellen an"),
    "nar.gw_frame": ("allocates the frame gPA 0x{gpa:x}", "belegt den Seitenrahmen gPA 0x{gpa:x}"),
    "nar.gw_tables_frame": ("allocates a page table and the frame gPA 0x{gpa:x}|allocates {n} page tables and the "
                            "frame gPA 0x{gpa:x}",
                            "legt eine Seitentabelle und den Seitenrahmen gPA 0x{gpa:x} an|legt {n} Seitentabellen "
                            "und den Seitenrahmen gPA 0x{gpa:x} an"),
    "nar.gw_zero": ("zeroes it|zeroes {n} pages", "nullt sie|nullt {n} Seiten"),
    "nar.gw_ptes": ("writes a page-table entry|writes {n} page-table entries",
                    "schreibt einen Seitentabelleneintrag|schreibt {n} Seitentabelleneinträge"),
    "nar.gw_free": ("frees gPA 0x{gpa:x}", "gibt gPA 0x{gpa:x} frei"),
    "nar.gw_cr3": ("loads CR3 to switch to process {proc}", "lädt CR3 und wechselt zu Prozess {proc}"),
    "nar.gw_invlpg": ("invalidates the TLB entry (INVLPG {detail})", "macht den TLB-Eintrag ungültig (INVLPG {detail})"),
    "nar.gw_nothing": ("has nothing to do ({detail})", "hat nichts zu tun ({detail})"),
    "nar.gw_segv": ("refuses the access ({detail}): the process gets a segmentation fault",
                    "verweigert den Zugriff ({detail}): der Prozess erhält einen Speicherzugriffsfehler"),
    "nar.gw_oom": ("has no free guest-physical page left", "hat keine freie physische Seite mehr"),
    "nar.and": (" and ", " und "),
    "nar.during_back": ("its first touch of a guest-physical page exits, and the VMM backs it with a machine page|"
                        "its {n} first touches of guest-physical pages exit, and the VMM backs each with a machine page",
                        "sein erster Zugriff auf eine physische Seite führt zum Exit, und der VMM hinterlegt sie mit "
                        "einer Maschinenseite|seine {n} ersten Zugriffe auf physische Seiten führen zum Exit, und der "
                        "VMM hinterlegt jede mit einer Maschinenseite"),
    "nar.during_ptw": ("its write to a write-protected page table exits and the VMM emulates it|"
                       "its {n} writes to write-protected page tables exit and the VMM emulates each",
                       "sein Schreibzugriff auf eine schreibgeschützte Seitentabelle führt zum Exit, der VMM "
                       "emuliert ihn|seine {n} Schreibzugriffe auf schreibgeschützte Seitentabellen führen zum "
                       "Exit, der VMM emuliert jeden"),
    "nar.back": ("the VMM backs gPA 0x{gpa:x} with machine page 0x{ma:x}", "der VMM hinterlegt gPA 0x{gpa:x} mit der Maschinenseite 0x{ma:x}"),
    "nar.share": ("{vm} gPA 0x{gpa:x} now maps the shared, read-only machine page 0x{ma:x}",
                  "{vm} gPA 0x{gpa:x} zeigt jetzt auf die gemeinsam genutzte, schreibgeschützte Maschinenseite 0x{ma:x}"),
    "nar.cow": ("copy-on-write: {vm} gPA 0x{gpa:x} gets a private copy at machine page 0x{ma:x}",
                "Copy-on-Write: {vm} gPA 0x{gpa:x} erhält eine private Kopie in Maschinenseite 0x{ma:x}"),
    "nar.unshare": ("the last sharer, {vm} gPA 0x{gpa:x}, keeps machine page 0x{ma:x} as its own",
                    "der letzte Teilhaber, {vm} gPA 0x{gpa:x}, behält die Maschinenseite 0x{ma:x} für sich"),
    "nar.swap_out": ("the VMM swaps out {vm} gPA 0x{gpa:x}; machine page 0x{ma:x} is freed",
                     "der VMM lagert {vm} gPA 0x{gpa:x} aus; die Maschinenseite 0x{ma:x} wird frei"),
    "nar.swap_in": ("swap-in from disk: gPA 0x{gpa:x} gets machine page 0x{ma:x} (milliseconds)",
                    "Einlagern von der Platte: gPA 0x{gpa:x} erhält die Maschinenseite 0x{ma:x} (Millisekunden)"),
    "nar.ept_write": ("the VMM writes the nested (EPT) entry", "der VMM schreibt den verschachtelten (EPT-)Eintrag"),
    "nar.ept_clear": ("the VMM clears the nested (EPT) entry", "der VMM löscht den verschachtelten (EPT-)Eintrag"),
    "nar.shadow_fill": ("the VMM fills the shadow entry gVA 0x{gva:x} → MA 0x{ma:x}{ro}",
                        "der VMM füllt den Schatteneintrag gVA 0x{gva:x} → MA 0x{ma:x}{ro}"),
    "nar.shadow_fill_ro": (" (read-only for now)", " (vorerst schreibgeschützt)"),
    "nar.shadow_tables": (", building a shadow table on the way|, building {n} shadow tables on the way",
                          " und legt dabei eine Schattentabelle an| und legt dabei {n} Schattentabellen an"),
    "nar.shadow_zap": ("the VMM drops the shadow entry for gVA 0x{gva:x} ({reason})",
                       "der VMM verwirft den Schatteneintrag für gVA 0x{gva:x} ({reason})"),
    "nar.shadow_root_cached": ("the VMM finds this address space's shadow root in its cache",
                               "der VMM findet die Schattenwurzel dieses Adressraums in seinem Cache"),
    "nar.shadow_root_new": ("the VMM builds a new shadow root for this address space",
                            "der VMM legt eine neue Schattenwurzel für diesen Adressraum an"),
    "nar.tlb_fill": ("the TLB caches gVA page 0x{gva:x} → MA 0x{ma:x}", "der TLB speichert gVA-Seite 0x{gva:x} → MA 0x{ma:x}"),
    "nar.tlb_flush": ("TLB flush ({reason}): one entry dropped|TLB flush ({reason}): {n} entries dropped",
                      "TLB-Leerung ({reason}): ein Eintrag verworfen|TLB-Leerung ({reason}): {n} Einträge verworfen"),
    "nar.read": ("the read returns 0x{value:x} from MA 0x{ma:x}", "das Lesen liefert 0x{value:x} aus MA 0x{ma:x}"),
    "nar.write": ("the write stores 0x{value:x} at MA 0x{ma:x}", "das Schreiben legt 0x{value:x} an MA 0x{ma:x} ab"),
    "nar.exec": ("the instruction fetch reads MA 0x{ma:x}", "der Befehlsabruf liest MA 0x{ma:x}"),
    "nar.note": ("{text}", "{text}"),
    "fault.not-present": ("not present", "nicht vorhanden"),
    "fault.write-protect": ("write to a read-only page", "Schreiben auf eine schreibgeschützte Seite"),
    "fault.no-exec": ("no execute permission", "keine Ausführungsberechtigung"),
    "fault.user": ("supervisor-only page", "nur für den Kernel"),
}


def t(key: str, lang: str = "en", /, **values) -> str:
    """The string ``key`` in ``lang``, formatted with ``values``."""
    en, de = STRINGS[key]
    s = de if lang == "de" else en
    return s.format(**values) if values else s


def tn(key: str, n: int, lang: str = "en", /, **values) -> str:
    """A string with a singular and a plural form ("one|other"), chosen by ``n``."""
    one, _, other = t(key, lang).partition("|")
    values.setdefault("n", n)  # a caller may pass how n is shown, e.g. n="0.5"
    return (one if n == 1 or not other else other).format(**values)


def normalize_lang(value) -> str | None:
    """'en'/'de' (any case, surrounding spaces allowed) → the code; anything else → None."""
    if not isinstance(value, str):
        return None
    v = value.strip().lower()
    return v if v in LANGS else None


def number(n: int | float, lang: str = "en") -> str:
    """A number with thousands separators in the language's style (1,234 / 1.234)."""
    if isinstance(n, float) and not n.is_integer():
        s = f"{n:,.1f}"
    else:
        s = f"{int(n):,}"
    if lang == "de":
        s = s.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return s
