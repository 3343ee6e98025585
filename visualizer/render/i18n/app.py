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
                   "und VMM tun: TLB-Fehlgriffe, Seitentabellendurchläufe, versteckte Seitenfehler, "
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
                   "TLB-Fehlgriffe sind billig, aber Kontextwechsel führen zum VM-Exit, ebenso die "
                   "Schreibzugriffe des Gasts auf jene seiner Seitentabellenseiten, die der VMM schützt, weil "
                   "Schattenseiten sie spiegeln (KVM lässt Blatt-Tabellen *unsync* werden, um die meisten "
                   "davon zu vermeiden). **Verschachtelte Seitentabellen** "
                   "(hardwaregestützt): Die CPU durchläuft die Seitentabellen des Gasts und die "
                   "verschachtelten Seitentabellen des VMM gemeinsam — keine Exits bei Änderungen, aber ein "
                   "TLB-Fehlgriff kostet bis zu 24 statt 4 Speicherzugriffe."),
    "home.legend": ("How to read the diagram", "So lesen Sie das Diagramm"),
    "home.pick": ("Choose a scenario", "Szenario wählen"),
    "home.builtin": ("Built-in scenario", "Mitgeliefertes Szenario"),
    "home.upload": ("… or upload a scenario file (TOML)", "… oder eine Szenariodatei (TOML) hochladen"),
    "home.upload_help": ("The format is described in the README (section “Scenario format”).",
                         "Das Format beschreibt die README (Abschnitt „Scenario format“)."),
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
                      "slide.",
                      "Jede Ansicht hat einen dauerhaften Link: Die Adresszeile enthält `scenario`, `mode`, "
                      "`step` und `lang`, z. B. `?scenario=esxi-figure&mode=nested&step=7&lang=de` — für die"
                      " Folie."),
    "page.home": ("Home", "Start"),
    "page.step": ("Step through accesses — the live diagram",
                  "Zugriffe Schritt für Schritt — das Live-Diagramm"),
    "page.compare": ("Compare shadow and nested paging on one trace",
                     "Schatten- und verschachtelte Seitentabellen auf einer Spur vergleichen"),
    "page.costs": ("The cost model", "Das Kostenmodell"),
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
    "app.tab": ("{page} · ESXi memory virtualization", "{page} · ESXi-Arbeitsspeichervirtualisierung"),
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
    ("The file uploader's “Drag and drop file here”, “Limit 200MB per file” and “Browse files”.",
     "Im Datei-Upload „Drag and drop file here“, „Limit 200MB per file“ und „Browse files“."),
    ("The toolbar's “Deploy” and the app menu (“Rerun”, “Settings”, “Print”, “Record a screencast”, “About”, "
     "“Clear cache”).",
     "„Deploy“ in der Werkzeugleiste und das App-Menü („Rerun“, „Settings“, „Print“, „Record a screencast“, "
     "„About“, „Clear cache“)."),
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
