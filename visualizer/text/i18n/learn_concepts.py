"""Strings of learning mode: concepts (see :mod:`visualizer.text.concepts`) and the glossary page.

``concept.<id>.title`` and ``concept.<id>.why`` for every concept; ``concept.<id>.model`` where
the engine simplifies. Explanations are shown inside HTML and Markdown: no ``*``, backticks,
``$``, square brackets or ``:word:`` in them.
"""
from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    # -- the "why?" on a narration line ---------------------------------------------------------
    "concept.why_label": ("why?", "warum?"),
    "concept.why_hint": ("Why does this happen? The concept behind this line",
                         "Warum passiert das? Das Konzept hinter dieser Zeile"),
    "concept.source": ("Source: {source}", "Quelle: {source}"),
    "concept.older_editions": ("in older editions", "in älteren Ausgaben"),
    "concept.in_glossary": ("in the glossary ↗", "im Glossar ↗"),
    "concept.model_label": ("In this model: {note}", "In diesem Modell: {note}"),

    # -- the concepts -----------------------------------------------------------------------------
    "concept.tlb.title": ("TLB: the cache of finished translations", "TLB: der Cache fertiger Übersetzungen"),
    "concept.tlb.why": (
        "The TLB caches finished translations, from a guest-virtual page straight to its machine page, so most "
        "accesses need no page walk at all. Only on a TLB miss does the CPU walk page tables — the shadow tables "
        "in shadow mode, the guest tables and the nested tables together in nested mode — and then caches the "
        "result. The TLB holds few entries, so a program that touches more pages than it can hold misses often, "
        "and that is where the two modes differ most: a miss costs up to 4 references with shadow tables and up "
        "to 24 with nested tables.",
        "Der TLB speichert fertige Übersetzungen, von einer virtuellen Seite des Gasts direkt zu ihrer "
        "Maschinenseite, sodass die meisten Zugriffe ganz ohne Seitentabellendurchlauf auskommen. Nur bei einem "
        "TLB-Fehltreffer durchläuft die CPU Seitentabellen — im Schattenmodus die Schattenseitentabellen, im "
        "verschachtelten Modus Gast- und verschachtelte Seitentabellen zusammen — und speichert danach das "
        "Ergebnis. Der TLB fasst nur wenige Einträge; ein Programm, das mehr Seiten berührt, als er halten kann, "
        "verfehlt ihn oft. Genau dort unterscheiden sich die beiden Modi am stärksten: Ein Fehltreffer kostet mit "
        "Schattenseitentabellen bis zu 4 Speicherzugriffe, mit verschachtelten Seitentabellen bis zu 24."),
    "concept.tlb.model": (
        "a set-associative TLB with LRU replacement, its size set by the scenario; 4 KiB and 2 MiB entries live "
        "in separate arrays, as on real cores. An entry whose rights forbid an access (a write to a read-only or "
        "still clean page) is not used: the CPU walks the tables again. The SDM allows that or a page fault "
        "straight from the entry (Vol. 3A §4.10.4.3); the model chose the walk.",
        "ein satzassoziativer TLB mit LRU-Ersetzung, dessen Größe das Szenario festlegt; Einträge für 4 KiB und "
        "2 MiB liegen wie bei echten Prozessorkernen in getrennten Feldern. Ein Eintrag, dessen Rechte einen "
        "Zugriff verbieten (Schreiben auf eine schreibgeschützte oder noch saubere Seite), wird nicht benutzt: "
        "die CPU durchläuft die Tabellen erneut. Das SDM erlaubt das oder einen Seitenfehler direkt aus dem "
        "Eintrag (Band 3A §4.10.4.3); das Modell hat den Durchlauf gewählt."),

    "concept.guest-fault.title": ("True guest page fault (demand paging)",
                                  "Echter Seitenfehler des Gasts (Demand Paging)"),
    "concept.guest-fault.why": (
        "The guest OS manages its own page tables. The first touch of an address it has not mapped yet is a page "
        "fault (#PF) that the guest's own handler resolves: it allocates a frame of guest-physical memory, zeroes "
        "it and writes the page-table entries (demand paging). In nested mode the #PF goes straight to the guest, "
        "without a VM exit, because the CPU walks the guest's tables itself. In shadow mode the CPU walks only the "
        "shadow tables, so the miss exits to the VMM first; the VMM walks the guest tables, finds that they lack "
        "the mapping too, and reflects the #PF into the guest. If the guest's tables deny the access, the "
        "handler decides: a write to a copy-on-write page after fork gets a private copy, a write to a page the "
        "process made read-only gives it a segmentation fault.",
        "Das Gastbetriebssystem verwaltet seine Seitentabellen selbst. Der erste Zugriff auf eine Adresse, die es "
        "noch nicht abgebildet hat, ist ein Seitenfehler (#PF), den die eigene Seitenfehlerbehandlung des Gasts "
        "behebt: Sie belegt einen Seitenrahmen im physischen Speicher der VM, nullt ihn und schreibt die "
        "Seitentabelleneinträge (Demand Paging). Im verschachtelten Modus geht der #PF ohne VM-Exit direkt an den "
        "Gast, denn die CPU durchläuft die Seitentabellen des Gasts selbst. Im Schattenmodus durchläuft die CPU "
        "nur die Schattenseitentabellen; der Fehltreffer führt daher zuerst zum VM-Exit. Der VMM durchläuft die "
        "Seitentabellen des Gasts, stellt fest, dass auch dort die Abbildung fehlt, und leitet den #PF an den Gast "
        "weiter. Verbieten die Seitentabellen des Gasts den Zugriff, entscheidet die "
        "Seitenfehlerbehandlung: Ein Schreibzugriff auf eine Copy-on-Write-Seite nach fork bekommt eine private "
        "Kopie; schreibt der Prozess auf eine Seite, die er selbst schreibgeschützt hat, erhält er einen "
        "Speicherzugriffsfehler."),

    "concept.pmap.title": ("The VMM's pmap: which machine page backs each physical page",
                           "Die pmap des VMM: welche Maschinenseite hinter jeder physischen Seite steht"),
    "concept.pmap.why": (
        "Each VM sees contiguous, zero-based “physical” memory. The VMM's pmap records which machine page backs "
        "each of its physical pages, or that the page is unmapped, shared or swapped out. Machine memory is handed "
        "out only when a physical page is first touched, so memory a VM never uses costs nothing. Because the "
        "guest never sees machine addresses, the VMM can change the pmap behind its back — share, swap out or copy "
        "a page — but then every shadow entry (found through a reverse map) or nested entry that maps a changed "
        "page must be dropped or rewritten, and the TLB's copies of it invalidated.",
        "Jede VM sieht zusammenhängenden, bei null beginnenden „physischen“ Speicher. Die pmap des VMM hält fest, "
        "welche Maschinenseite hinter jeder ihrer physischen Seiten steht — oder dass die Seite nicht zugeordnet, "
        "gemeinsam genutzt oder ausgelagert ist. Maschinenspeicher wird erst beim ersten Zugriff auf eine "
        "physische Seite vergeben; Speicher, den eine VM nie benutzt, kostet also nichts. Weil der Gast "
        "Maschinenadressen nie sieht, kann der VMM die pmap hinter seinem Rücken ändern — Seiten gemeinsam nutzen, "
        "auslagern oder kopieren. Dann muss er aber jeden Schatteneintrag (den er über eine Rückwärtsabbildung "
        "findet) und jeden verschachtelten Eintrag, der eine geänderte Seite abbildet, verwerfen oder neu "
        "schreiben und die Kopien davon im TLB ungültig machen."),

    "concept.shadow-walk.title": ("Shadow page tables: gVA straight to MA",
                                  "Schattenseitentabellen: gVA direkt auf MA"),
    "concept.shadow-walk.why": (
        "In shadow mode the VMM builds page tables of its own that map guest-virtual addresses straight to "
        "machine addresses — the guest's tables and the pmap combined — and points the CPU's CR3 at them. So a "
        "TLB miss costs an ordinary 4-level walk, 4 references, as without virtualization. The price is paid "
        "elsewhere: the VMM must keep the shadow in step with the guest's tables, which costs VM exits whenever "
        "the guest creates or changes mappings or switches address spaces.",
        "Im Schattenmodus legt der VMM eigene Seitentabellen an, die virtuelle Adressen des Gasts direkt auf "
        "Maschinenadressen abbilden — Seitentabellen des Gasts und pmap in einem Schritt — und lässt das CR3 der "
        "CPU darauf zeigen. Ein TLB-Fehltreffer kostet daher einen gewöhnlichen Durchlauf über 4 Ebenen, also 4 "
        "Speicherzugriffe, wie ohne Virtualisierung. Bezahlt wird an anderer Stelle: Der VMM muss die Schatten "
        "mit den Seitentabellen des Gasts abgleichen, und das kostet VM-Exits, sobald der Gast Abbildungen anlegt "
        "oder ändert oder den Adressraum wechselt."),

    "concept.hidden-fault.title": ("Hidden page fault", "Versteckter Seitenfehler"),
    "concept.hidden-fault.why": (
        "The shadow tables are filled lazily, so the CPU's walk often finds no shadow entry although the guest's "
        "own tables have one. That is a hidden page fault: it exits to the VMM, which walks the guest tables in "
        "software, looks up the machine page in the pmap and fills the shadow entry; then the access is retried. "
        "The guest never learns of it — for the guest the mapping was always there. Only when the guest's tables "
        "lack the mapping too is it a true guest page fault, which the VMM reflects into the guest.",
        "Die Schattenseitentabellen werden erst bei Bedarf gefüllt; der Durchlauf der CPU findet daher oft keinen "
        "Schatteneintrag, obwohl die Seitentabellen des Gasts einen haben. Das ist ein versteckter Seitenfehler: "
        "Er führt zum VM-Exit, der VMM durchläuft die Seitentabellen des Gasts in Software, schlägt die "
        "Maschinenseite in der pmap nach und füllt den Schatteneintrag; danach wird der Zugriff wiederholt. Der "
        "Gast erfährt nichts davon — für ihn war die Abbildung immer da. Erst wenn auch die Seitentabellen des "
        "Gasts keine Abbildung haben, ist es ein echter Seitenfehler des Gasts, den der VMM an den Gast "
        "weiterleitet."),

    "concept.shadow-fill.title": ("Filling a shadow entry", "Einen Schatteneintrag füllen"),
    "concept.shadow-fill.why": (
        "After a hidden fault the VMM writes the missing shadow entry, gVA → MA, and any shadow tables on the way "
        "to it. It maps the page read-only when the guest's entry forbids writing, when the machine page is "
        "shared, or when the guest's dirty bit is still clear: the guest must see correct accessed and dirty "
        "bits, so the first write exits and the VMM sets D in the guest's entry before making the shadow entry "
        "writable (KVM: protect_clean_gpte). The guest page-table pages that a shadow page mirrors are "
        "write-protected, so the VMM notices when they change.",
        "Nach einem versteckten Seitenfehler schreibt der VMM den fehlenden Schatteneintrag, gVA → MA, und legt "
        "die Schattentabellen auf dem Weg dorthin an. Schreibgeschützt bildet er die Seite ab, wenn der Eintrag "
        "des Gasts kein Schreiben erlaubt, wenn die Maschinenseite gemeinsam genutzt wird oder wenn das "
        "Dirty-Bit des Gasts noch nicht gesetzt ist: Der Gast muss korrekte Accessed- und Dirty-Bits sehen, also "
        "führt der erste Schreibzugriff zum VM-Exit, und der VMM setzt D im Eintrag des Gasts, bevor er den "
        "Schatteneintrag beschreibbar macht (KVM: protect_clean_gpte). Die Seitentabellenseiten des Gasts, die "
        "eine Schattenseite spiegelt, sind schreibgeschützt, damit der VMM merkt, wenn sie sich ändern."),

    "concept.wp-guest-pt.title": ("Write-protected guest page tables", "Schreibgeschützte Seitentabellen des Gasts"),
    "concept.wp-guest-pt.why": (
        "A shadow entry is a copy of what the guest's tables said; when the guest changes its tables, the copy "
        "is stale. The CPU does not report ordinary memory writes to the VMM, so the VMM write-protects every "
        "guest page-table page that a shadow page mirrors. A guest write to one exits; the VMM emulates the "
        "write, drops the shadow entries it affects and invalidates their translations in the TLB. Writes to table pages "
        "that no shadow mirrors run at full speed. This is why shadow paging is expensive for guests that create "
        "and change mappings often, and why nested paging, where such writes need no exit, helps them most.",
        "Ein Schatteneintrag ist eine Kopie dessen, was in den Seitentabellen des Gasts stand; ändert der Gast "
        "seine Tabellen, ist die Kopie veraltet. Gewöhnliche Schreibzugriffe meldet die CPU dem VMM nicht, also "
        "schützt der VMM jede Seitentabellenseite des Gasts, die eine Schattenseite spiegelt, gegen Schreiben. "
        "Ein Schreibzugriff des Gasts darauf führt zum VM-Exit; der VMM emuliert ihn, verwirft die betroffenen "
        "Schatteneinträge und macht ihre Übersetzungen im TLB ungültig. Schreibzugriffe auf Tabellenseiten, die kein "
        "Schatten spiegelt, laufen mit voller Geschwindigkeit. Deshalb sind Schattenseitentabellen teuer für "
        "Gäste, die oft Abbildungen anlegen und ändern — und deshalb helfen verschachtelte Seitentabellen, bei "
        "denen solche Schreibzugriffe keinen VM-Exit brauchen, gerade ihnen."),
    "concept.wp-guest-pt.model": (
        "every write to a mirrored table page exits. KVM can also let leaf tables go “unsync” until the next "
        "INVLPG or CR3 load, so that writes to them need no exit; the model does not. Each shadow table has one "
        "parent here, so the VMM knows the one gVA of every entry it drops and invalidates just that address; "
        "KVM's shadow pages can have several parents, and it flushes the whole VPID after such zaps.",
        "jeder Schreibzugriff auf eine gespiegelte Tabellenseite führt zum VM-Exit. KVM kann Blatt-Tabellen "
        "außerdem bis zum nächsten INVLPG oder CR3-Laden „unsync“ werden lassen, sodass Schreibzugriffe darauf "
        "keinen VM-Exit brauchen; das Modell tut das nicht. Jede Schattentabelle hat hier genau einen "
        "Elterneintrag, daher kennt der VMM die eine gVA jedes verworfenen Eintrags und macht nur diese Adresse "
        "ungültig; die Schattenseiten von KVM können mehrere Eltern haben, und KVM leert nach solchen Verwerfungen "
        "die ganze VPID."),

    "concept.cr3-exit.title": ("CR3 loads: an exit with shadow tables, none with nested tables",
                               "CR3-Laden: VM-Exit mit Schattenseitentabellen, keiner mit verschachtelten"),
    "concept.cr3-exit.why": (
        "A context switch loads CR3 with the new process's top-level page table. In shadow mode the CPU must not "
        "use the guest's table — it holds guest-physical addresses — so a CR3 load exits and the VMM points the "
        "real CR3 at the shadow root that belongs to the new guest CR3. In nested mode the CPU can use the "
        "guest's CR3 as it is: the 2D walk translates its guest-physical address through the nested tables, so "
        "the switch needs no exit. A typical guest switches context 100 to 1,000 times a second, so in shadow "
        "mode these exits add up.",
        "Ein Kontextwechsel lädt CR3 mit der obersten Seitentabelle des neuen Prozesses. Im Schattenmodus darf "
        "die CPU die Tabelle des Gasts nicht benutzen — sie enthält physische Adressen des Gasts —, also führt "
        "das Laden von CR3 zum VM-Exit, und der VMM lässt das echte CR3 auf die Schattenwurzel zeigen, die zum "
        "neuen CR3 des Gasts gehört. Im verschachtelten Modus kann die CPU das CR3 des Gasts unverändert "
        "benutzen: Der zweidimensionale Durchlauf übersetzt dessen physische Adresse über die verschachtelten "
        "Seitentabellen, der Wechsel braucht also keinen VM-Exit. Ein typischer Gast wechselt den Kontext "
        "100- bis 1.000-mal pro Sekunde; im Schattenmodus summieren sich diese VM-Exits."),

    "concept.shadow-root-cache.title": ("The cache of shadow roots", "Der Cache der Schattenwurzeln"),
    "concept.shadow-root-cache.why": (
        "Building a fresh shadow for an address space at every switch would mean a hidden fault for every page "
        "again. So the VMM keeps the shadow roots of recently used guest CR3 values: when the guest switches "
        "back, the CR3 exit finds the root in the cache, and the shadow entries filled before are still there. "
        "When the cache is full, the least recently used root is evicted; its shadow tables go, and so do its "
        "TLB entries.",
        "Bei jedem Wechsel einen neuen Schatten für den Adressraum aufzubauen, hieße wieder einen versteckten "
        "Seitenfehler für jede Seite. Deshalb behält der VMM die Schattenwurzeln der zuletzt benutzten CR3-Werte "
        "des Gasts: Wechselt der Gast zurück, findet der VM-Exit beim Laden von CR3 die Wurzel im Cache, und die "
        "zuvor gefüllten Schatteneinträge sind noch da. Ist der Cache voll, wird die am längsten nicht benutzte "
        "Wurzel verdrängt; ihre Schattentabellen verschwinden und mit ihnen ihre TLB-Einträge."),
    "concept.shadow-root-cache.model": (
        "a small LRU cache of shadow roots per VM (the scenario's root_cache); KVM keeps all its shadow pages in "
        "a hash table keyed by the guest table they mirror.",
        "ein kleiner LRU-Cache von Schattenwurzeln je VM (root_cache des Szenarios); KVM hält alle seine "
        "Schattenseiten in einer Hashtabelle, deren Schlüssel die gespiegelte Tabelle des Gasts ist."),

    "concept.invlpg-exit.title": ("INVLPG: an exit with shadow tables", "INVLPG: ein VM-Exit mit Schattenseitentabellen"),
    "concept.invlpg-exit.why": (
        "A guest that changes or removes a mapping runs INVLPG so that the TLB forgets the old translation. In "
        "shadow mode the stale copy can also sit in the shadow tables, so INVLPG exits: the VMM drops the shadow "
        "entry for that address and invalidates it in the TLB for the whole VPID. In nested mode INVLPG needs no "
        "exit — the TLB holds the combined translation, and the CPU drops it itself.",
        "Ein Gast, der eine Abbildung ändert oder aufhebt, führt INVLPG aus, damit der TLB die alte Übersetzung "
        "vergisst. Im Schattenmodus kann die veraltete Kopie auch in den Schattenseitentabellen stehen, deshalb "
        "führt INVLPG zum VM-Exit: Der VMM verwirft den Schatteneintrag für diese Adresse und macht sie im TLB "
        "für die ganze VPID ungültig. Im verschachtelten Modus braucht INVLPG keinen VM-Exit — der TLB hält die "
        "kombinierte Übersetzung, und die CPU verwirft sie selbst."),

    "concept.2d-walk.title": ("The two-dimensional walk: up to 24 references",
                              "Der zweidimensionale Durchlauf: bis zu 24 Speicherzugriffe"),
    "concept.2d-walk.why": (
        "In nested mode the guest's page tables hold guest-physical addresses, and each of them must itself be "
        "translated through the VMM's nested (EPT) tables. So a TLB miss walks in two dimensions: 4 nested "
        "references to find the guest's PML4 in machine memory, then the guest's entry; the same for the PDPT, "
        "the PD and the PT; and finally 4 nested references for the data page's gPA — (4+1)×(4+1)−1 = 24 "
        "references instead of 4. That is the price for needing no exits on page-table updates and context "
        "switches. 2 MiB pages shorten the walk: (3+1)×(4+1)−1 = 19 references with large pages in one "
        "dimension, (3+1)×(3+1)−1 = 15 in both. MMU caches cut it further: on Intel a PDE-cache hit leaves "
        "1 + 4 = 5, and a cached translation of the data page's gPA leaves 1.",
        "Im verschachtelten Modus enthalten die Seitentabellen des Gasts physische Adressen des Gasts, und jede "
        "davon muss selbst über die verschachtelten (EPT-)Seitentabellen des VMM übersetzt werden. Ein "
        "TLB-Fehltreffer durchläuft die Tabellen daher in zwei Dimensionen: 4 verschachtelte Zugriffe, um die "
        "PML4 des Gasts im Maschinenspeicher zu finden, dann der Eintrag des Gasts; dasselbe für PDPT, PD und PT; "
        "zuletzt 4 verschachtelte Zugriffe für die gPA der Datenseite — (4+1)×(4+1)−1 = 24 Speicherzugriffe "
        "statt 4. Das ist der Preis dafür, dass Änderungen an Seitentabellen und Kontextwechsel keine VM-Exits "
        "brauchen. Seiten von 2 MiB verkürzen den Durchlauf: (3+1)×(4+1)−1 = 19 Zugriffe mit großen Seiten in "
        "einer Dimension, (3+1)×(3+1)−1 = 15 in beiden. MMU-Caches verkürzen ihn weiter: Bei Intel lässt ein "
        "Treffer im PDE-Cache 1 + 4 = 5 übrig, eine gespeicherte Übersetzung der gPA der Datenseite 1."),

    "concept.ept-violation.title": ("EPT violation", "EPT-Verletzung"),
    "concept.ept-violation.why": (
        "When the 2D walk finds no usable nested entry for a guest-physical address — the page was never backed, "
        "it is swapped out, or it is a shared read-only page and this is a write — the CPU exits to the VMM with "
        "an EPT violation that names the guest-physical address (a guest page table or the data page). The VMM "
        "fixes the pmap (backs, swaps in or copies the page), writes the nested entry, and the access is "
        "retried. The guest's own page faults never take this way: in nested mode they go to the guest directly.",
        "Findet der zweidimensionale Durchlauf für eine physische Adresse des Gasts keinen brauchbaren "
        "verschachtelten Eintrag — die Seite wurde nie hinterlegt, sie ist ausgelagert, oder sie wird gemeinsam "
        "genutzt, ist schreibgeschützt, und dies ist ein Schreibzugriff —, führt das mit einer EPT-Verletzung zum "
        "VM-Exit, die die physische Adresse nennt (eine Seitentabelle des Gasts oder die Datenseite). Der VMM "
        "bringt die pmap in Ordnung (hinterlegt, lagert ein oder kopiert die Seite), schreibt den verschachtelten "
        "Eintrag, und der Zugriff wird wiederholt. Die eigenen Seitenfehler des Gasts nehmen diesen Weg nie: Im "
        "verschachtelten Modus gehen sie direkt an den Gast."),

    "concept.invept.title": ("INVEPT: making a nested-entry change visible",
                             "INVEPT: eine Änderung verschachtelter Einträge sichtbar machen"),
    "concept.invept.why": (
        "The TLB caches combined translations, gVA → MA, that were built from nested entries. When the VMM removes or "
        "downgrades a nested entry, or gives it another machine page — to share, swap out or copy a page — those "
        "cached translations would stay in use, so the VMM invalidates them with INVEPT. x86 cannot invalidate "
        "combined mappings by guest-physical address: INVEPT drops all the mappings of one EPT root (single-context, "
        "one VM) or of every root (all-context). A change that only adds rights, such as backing a page after an EPT "
        "violation, needs none: the violation itself dropped the cached mappings for that address.",
        "Der TLB speichert kombinierte Übersetzungen, gVA → MA, die aus verschachtelten Einträgen entstanden sind. "
        "Entfernt der VMM einen verschachtelten Eintrag, schränkt er ihn ein oder legt er ihn auf eine andere "
        "Maschinenseite — um eine Seite gemeinsam zu nutzen, auszulagern oder zu kopieren —, blieben diese "
        "gespeicherten Übersetzungen in Gebrauch; der VMM macht sie deshalb mit INVEPT ungültig. x86 kann kombinierte "
        "Zuordnungen nicht nach physischer Adresse des Gasts ungültig machen: INVEPT verwirft alle Zuordnungen einer "
        "EPT-Wurzel (Single-Context, eine VM) oder aller Wurzeln (All-Context). Eine Änderung, die nur Rechte "
        "hinzufügt, etwa das Hinterlegen einer Seite nach einer EPT-Verletzung, braucht kein INVEPT: Die Verletzung "
        "selbst hat die gespeicherten Zuordnungen für diese Adresse verworfen."),

    "concept.invept.model": (
        "single-context by default, all-context with nested.invept = all. The AMD design has no INVEPT: the VMM "
        "has the next VMRUN flush the guest's ASID (the VMCB's TLB control), which takes its TLB entries, its "
        "nested TLB and its page-walk-cache entries.",
        "Single-Context als Voreinstellung, All-Context mit nested.invept = all. Der AMD-Entwurf kennt kein "
        "INVEPT: Der VMM lässt beim nächsten VMRUN die ASID des Gasts leeren (TLB-Control im VMCB); das nimmt "
        "ihre TLB-Einträge, ihren verschachtelten TLB und ihre Einträge im Page-Walk-Cache mit."),

    "concept.vpid-pcid.title": ("TLB tags: VPID and PCID", "TLB-Markierungen: VPID und PCID"),
    "concept.vpid-pcid.why": (
        "A TLB entry is valid only in the VM and the address space it was made in. Without tags the CPU must "
        "flush the TLB whenever that changes: a CR3 load without PCID drops the address space's entries, and "
        "without VPID every VM exit and every VM entry invalidates the cached translations — so on older "
        "hardware every hidden fault, page-table-write exit or CR3 exit of shadow paging also cost the TLB. With "
        "PCID (per address space) and VPID (per virtual CPU) each entry carries a tag, and switching processes "
        "or VMs, or leaving the guest for the VMM and coming back, keeps the entries.",
        "Ein TLB-Eintrag gilt nur in der VM und dem Adressraum, in denen er entstanden ist. Ohne Markierungen "
        "muss die CPU den TLB leeren, sobald sich das ändert: Das Laden von CR3 ohne PCID verwirft die Einträge "
        "des Adressraums, und ohne VPID macht jeder VM-Exit und jeder Wiedereintritt die gespeicherten "
        "Übersetzungen ungültig — auf älterer Hardware kostete daher jeder versteckte Seitenfehler, jeder VM-Exit "
        "wegen eines Seitentabellen-Schreibzugriffs und jedes CR3-Laden mit Schattenseitentabellen auch den TLB. "
        "Mit PCID (je Adressraum) und VPID (je virtueller CPU) trägt jeder Eintrag eine Markierung, und die "
        "Einträge bleiben erhalten, wenn Prozess oder VM wechseln oder die CPU zum VMM und zurück wechselt."),
    "concept.vpid-pcid.model": (
        "one VPID per VM (each VM has one virtual CPU, so there are no remote TLB shootdowns) and one PCID per "
        "process; the scenario turns each on or off. With PCID on, every CR3 load keeps the entries, as if its "
        "no-flush bit 63 were set; INVPCID is not modelled. In the AMD design ASIDs play the part of VPIDs.",
        "eine VPID je VM (jede VM hat eine virtuelle CPU, daher gibt es keine TLB-Shootdowns auf anderen CPUs) und "
        "eine PCID je Prozess; das Szenario schaltet beide einzeln ein oder aus. Mit PCID behält jedes Laden von "
        "CR3 die Einträge, als wäre sein No-Flush-Bit 63 gesetzt; INVPCID ist nicht modelliert. Im AMD-Entwurf "
        "übernehmen ASIDs die Rolle der VPIDs."),

    "concept.mmu-caches.title": ("MMU caches beside the TLB: Intel's and AMD's",
                                 "MMU-Caches neben dem TLB: die von Intel und von AMD"),
    "concept.mmu-caches.why": (
        "Besides the TLB, CPUs cache entries of the upper page-table levels, so the walk for a page near one "
        "walked recently starts below the levels that hit. Intel finds its PML4E, PDPTE and PDE caches by the "
        "linear address; under EPT each entry is a combined mapping that holds the host-physical address of the "
        "next guest table, so one PDE-cache hit skips the guest PML4, PDPT and PD with all their nested walks and "
        "leaves 1 + 4 = 5 of the 24 references: the guest PTE and the nested walk of the data page. Intel's "
        "guest-physical mappings, tagged by the EPT root, add gPA → MA translations and EPT paging-structure "
        "caches, which shorten or spare the nested walks that remain. AMD's design, the one Bhargava et al. "
        "study, keeps guest and nested entries in a page-walk cache found by the physical address they are "
        "stored at, so a guest table's machine address must be known first — from a nested TLB of gPA → MA "
        "translations or from a nested walk. Either way most 24-reference walks shrink to a few references, "
        "which is why nested paging costs far less in practice than in its worst case.",
        "Neben dem TLB speichern CPUs Einträge der oberen Seitentabellenebenen; der Durchlauf für eine Seite in "
        "der Nähe einer eben durchlaufenen beginnt daher unterhalb der Ebenen mit Treffer. Intel sucht in seinen "
        "PML4E-, PDPTE- und PDE-Caches nach der linearen Adresse; unter EPT ist jeder Eintrag eine kombinierte "
        "Zuordnung, die die hostphysische Adresse der nächsten Tabelle des Gasts hält — ein Treffer im PDE-Cache "
        "überspringt also PML4, PDPT und PD des Gasts samt aller ihrer verschachtelten Durchläufe und lässt "
        "1 + 4 = 5 der 24 Zugriffe übrig: den PTE des Gasts und den verschachtelten Durchlauf der Datenseite. Die "
        "Guest-Physical-Zuordnungen von Intel, markiert mit der EPT-Wurzel, ergänzen Übersetzungen gPA → MA und "
        "Paging-Structure-Caches des EPT, die die übrigen verschachtelten Durchläufe verkürzen oder ersparen. "
        "AMDs Entwurf, den Bhargava u. a. untersuchen, hält Einträge des Gasts und der verschachtelten Tabellen in "
        "einem Page-Walk-Cache, der sie nach der physischen Adresse findet, an der sie stehen; die Maschinenadresse "
        "einer Tabelle des Gasts muss also zuerst bekannt sein — aus einem verschachtelten TLB mit Übersetzungen "
        "gPA → MA oder aus einem verschachtelten Durchlauf. So oder so schrumpfen die meisten Durchläufe mit 24 "
        "Zugriffen auf wenige; deshalb kosten verschachtelte Seitentabellen in der Praxis weit weniger als im "
        "ungünstigsten Fall."),
    "concept.mmu-caches.model": (
        "both designs, chosen per scenario (mmu.design: intel, the default, or amd) and off unless the scenario "
        "turns them on (mmu.pwc: the paging-structure caches or AMD's page-walk cache; mmu.nested_tlb: Intel's "
        "guest-physical mappings or AMD's nested TLB; built-in mmu-caches). The sizes are the model's choice, as "
        "CPUs do not document theirs: Intel 4 PML4E, 16 PDPTE and 32 PDE entries, 64 guest-physical translations, "
        "16 entries per EPT paging-structure cache; AMD 24 page-walk-cache entries and a 64-entry nested TLB. "
        "Caches are filled only by walks that succeed, and the AMD design keeps its nested tables in the EPT "
        "format where real nested page tables use the ordinary x86-64 format.",
        "beide Entwürfe, je Szenario gewählt (mmu.design: intel, die Voreinstellung, oder amd) und aus, solange "
        "das Szenario sie nicht einschaltet (mmu.pwc: die Paging-Structure-Caches oder AMDs Page-Walk-Cache; "
        "mmu.nested_tlb: die Guest-Physical-Zuordnungen von Intel oder AMDs verschachtelter TLB; mitgeliefertes "
        "Szenario mmu-caches). Die Größen wählt das Modell, denn CPUs nennen ihre nicht: Intel 4 PML4E-, 16 "
        "PDPTE- und 32 PDE-Einträge, 64 Guest-Physical-Übersetzungen, 16 Einträge je Paging-Structure-Cache des "
        "EPT; AMD 24 Einträge im Page-Walk-Cache und ein verschachtelter TLB mit 64 Einträgen. Nur erfolgreiche "
        "Durchläufe füllen die Caches, und der AMD-Entwurf hält seine verschachtelten Tabellen im EPT-Format, wo "
        "echte verschachtelte Seitentabellen das gewöhnliche x86-64-Format benutzen."),

    "concept.fault-invalidates.title": ("A fault invalidates what would translate its address",
                                        "Ein Fehler macht ungültig, was seine Adresse übersetzen würde"),
    "concept.fault-invalidates.why": (
        "A page fault invalidates the TLB entries for the faulting page and the PML4E, PDPTE and PDE-cache "
        "entries that would be used to translate the faulting linear address; an EPT violation likewise drops "
        "the guest-physical mappings for its guest-physical address and the combined mappings for the linear "
        "address. The reason is the retry: after the handler the faulting instruction runs again, and it must "
        "not fault again on a stale cached entry once the tables in memory are right. So the retry after a fault "
        "walks from the top, even where the paging-structure caches held the upper levels just before. It also "
        "means that a handler that only added a mapping or widened rights needs no flush of its own — neither "
        "the guest after mapping a page nor the VMM after backing a page on an EPT violation (no INVEPT). "
        "Entries for other addresses stay, and so do the guest-physical mappings after a guest page fault.",
        "Ein Seitenfehler macht die TLB-Einträge der fehlerhaften Seite ungültig und die Einträge der PML4E-, "
        "PDPTE- und PDE-Caches, die für die Übersetzung der fehlerhaften linearen Adresse benutzt würden; eine "
        "EPT-Verletzung verwirft ebenso die Guest-Physical-Zuordnungen ihrer physischen Adresse des Gasts und die "
        "kombinierten Zuordnungen der linearen Adresse. Der Grund ist die Wiederholung: Nach der Behandlung läuft "
        "der fehlerhafte Befehl noch einmal, und er darf nicht erneut an einem veralteten gespeicherten Eintrag "
        "scheitern, wenn die Tabellen im Speicher schon stimmen. Deshalb beginnt der Durchlauf nach einem Fehler "
        "oben, auch wo die Paging-Structure-Caches die oberen Ebenen eben noch hielten. Es heißt auch, dass eine "
        "Behandlung, die nur eine Abbildung hinzufügt oder Rechte erweitert, selbst nichts leeren muss — weder der "
        "Gast, nachdem er eine Seite abgebildet hat, noch der VMM, nachdem er eine Seite nach einer EPT-Verletzung "
        "hinterlegt hat (kein INVEPT). Einträge für andere Adressen bleiben, ebenso nach einem Seitenfehler des "
        "Gasts die Guest-Physical-Zuordnungen."),
    "concept.fault-invalidates.model": (
        "Intel's rules in both designs: the AMD design drops the faulting page's TLB entry, and on a nested page "
        "fault the nested TLB's entry for the gPA, but nothing of its page-walk cache, which is found by "
        "physical address — the model's choice, as the APM states no such rule.",
        "die Regeln von Intel in beiden Entwürfen: der AMD-Entwurf verwirft den TLB-Eintrag der fehlerhaften Seite "
        "und bei einem verschachtelten Seitenfehler den Eintrag des verschachtelten TLB für die gPA, aber nichts "
        "aus seinem Page-Walk-Cache, der nach physischer Adresse sucht — die Wahl des Modells, denn das APM nennt "
        "keine solche Regel."),

    "concept.cow-sharing.title": ("Transparent page sharing and copy-on-write",
                                  "Transparente gemeinsame Nutzung von Seiten und Copy-on-Write"),
    "concept.cow-sharing.why": (
        "Many guest pages have identical contents: zero pages, the same OS and libraries in several VMs. The VMM "
        "finds them by hashing page contents, confirms a match by a full compare, points all those physical pages "
        "at one machine page and frees the duplicates. The shared page is mapped read-only, so a write to it "
        "exits to the VMM, which gives the writer a private copy (copy-on-write); the guest notices nothing. "
        "Since 2015 ESXi shares pages only within one VM by default (salting, Mem.ShareForceSalting=2).",
        "Viele Seiten der Gäste haben identischen Inhalt: Nullseiten, dasselbe Betriebssystem und dieselben "
        "Bibliotheken in mehreren VMs. Der VMM findet sie über Hashwerte der Seiteninhalte, bestätigt einen "
        "Treffer durch einen vollständigen Vergleich, lässt alle diese physischen Seiten auf eine Maschinenseite "
        "zeigen und gibt die Duplikate frei. Die gemeinsam genutzte Seite ist schreibgeschützt abgebildet; ein "
        "Schreibzugriff darauf führt zum VM-Exit, und der VMM gibt dem Schreibenden eine private Kopie "
        "(Copy-on-Write) — der Gast merkt nichts. Seit 2015 nutzt ESXi Seiten standardmäßig nur innerhalb einer "
        "VM gemeinsam (Salting, Mem.ShareForceSalting=2)."),
    "concept.cow-sharing.model": (
        "a scenario's share operation names the two pages (the contents are still compared); where the host "
        "reclaims memory (an overcommitted machine, [reclaim]), a periodic scan hashes pages chosen at random "
        "and shares those whose hash and contents match. One operation is one tick of the host's clock.",
        "die Operation share eines Szenarios nennt die beiden Seiten (die Inhalte werden trotzdem verglichen); "
        "wo der Host Speicher zurückgewinnt (eine überbuchte Maschine, [reclaim]), hasht ein periodischer Scan "
        "zufällig gewählte Seiten und nutzt die gemeinsam, deren Hash und Inhalt übereinstimmen. Eine Operation "
        "ist ein Takt der Uhr des Hosts."),

    "concept.swapping.title": ("Swapping by the VMM", "Auslagern durch den VMM"),
    "concept.swapping.why": (
        "When machine memory runs short, the VMM can take machine pages away from a VM without asking it: it "
        "writes a page's contents out, marks the page swapped out in the pmap, frees the machine page and drops "
        "the shadow or nested entries that point at it. The guest does not know. Its next touch of the page "
        "exits to the VMM (a hidden fault or an EPT violation), which reads the page back into a new machine "
        "page — milliseconds from disk. Before it swaps a page, ESXi tries to compress it: a page that "
        "compresses to 2 KiB or less goes to the VM's compression cache in machine memory (at most 10% of the "
        "VM's memory), half a page, and coming back costs about 20 µs. Because the VMM cannot tell which pages "
        "the guest considers idle, ESXi reclaims by sharing, ballooning and compression first and swaps last.",
        "Wird der Maschinenspeicher knapp, kann der VMM einer VM Maschinenseiten wegnehmen, ohne sie zu fragen: "
        "Er schreibt den Inhalt einer Seite hinaus, vermerkt die Seite in der pmap als ausgelagert, gibt die "
        "Maschinenseite frei und verwirft die Schatten- oder verschachtelten Einträge, die auf sie zeigen. Der "
        "Gast weiß davon nichts. Sein nächster Zugriff auf die Seite führt zum VM-Exit (ein versteckter "
        "Seitenfehler oder eine EPT-Verletzung), und der VMM liest die Seite in eine neue Maschinenseite zurück — "
        "von der Platte dauert das Millisekunden. Bevor ESXi eine Seite auslagert, versucht er, sie zu "
        "komprimieren: Eine Seite, die sich auf 2 KiB oder weniger komprimieren lässt, kommt in den "
        "Kompressions-Cache der VM im Maschinenspeicher (höchstens 10 % des Speichers der VM), eine halbe Seite, "
        "und ihr Zurückholen kostet etwa 20 µs. Weil der VMM nicht erkennen kann, welche Seiten der Gast für "
        "unbenutzt hält, gewinnt ESXi Speicher zuerst durch gemeinsame Nutzung, Ballooning und Komprimierung "
        "zurück und lagert zuletzt aus."),
    "concept.swapping.model": (
        "a scenario's swap_out operation picks the page; where the host reclaims memory ([reclaim]) it "
        "compresses pages into a per-VM cache first and swaps those that do not compress to 2 KiB or find the "
        "cache full (or no free frame for it), choosing pages at random, as ESXi does. Swap files and the "
        "guest's disk are kept outside machine memory.",
        "die Operation swap_out eines Szenarios wählt die Seite; wo der Host Speicher zurückgewinnt "
        "([reclaim]), komprimiert er Seiten zuerst in einen Cache je VM und lagert die aus, die sich nicht auf "
        "2 KiB komprimieren lassen oder den Cache voll finden (oder keinen freien Seitenrahmen für ihn) — die "
        "Seiten wählt er zufällig, wie ESXi. Auslagerungsdateien und die Platte "
        "des Gasts liegen außerhalb des Maschinenspeichers."),

    # -- the glossary page ------------------------------------------------------------------------------
    "glossary.intro": (
        "The concepts behind the narration on the step page, each with the source it rests on and a step of a "
        "built-in scenario where it happens. The “why?” on a narration line opens the same text.",
        "Die Konzepte hinter der Erzählung auf der Seite „Schritt für Schritt“, jedes mit der Quelle, auf der es "
        "beruht, und einem Schritt eines mitgelieferten Szenarios, in dem es vorkommt. Das „warum?“ an einer "
        "Zeile der Erzählung öffnet denselben Text."),
    "glossary.filter": ("Filter concepts", "Konzepte filtern"),
    "glossary.filter_help": ("Words from a title or an explanation, e.g. “CR3” or “copy-on-write”",
                             "Wörter aus einem Titel oder einer Erklärung, z. B. „CR3“ oder „Copy-on-Write“"),
    "glossary.count": ("{n} of {total} concepts", "{n} von {total} Konzepten"),
    "glossary.none": ("No concept matches “{query}”.", "Kein Konzept passt zu „{query}“."),
    "glossary.bad_concept": ("The link asks for the concept “{value}”, which the glossary does not have; all "
                             "concepts are shown.",
                             "Der Link verlangt das Konzept „{value}“, das es im Glossar nicht gibt; alle "
                             "Konzepte werden gezeigt."),
    "glossary.see_it": ("See it happen: {scenario}, {mode} mode, step {step}",
                        "So sieht es aus: {scenario}, Modus {mode}, Schritt {step}"),
    "glossary.source": ("Source", "Quelle"),
    "glossary.model": ("In this model", "In diesem Modell"),
}
