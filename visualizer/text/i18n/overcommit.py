"""The Overcommit page: the reclamation lab's settings, its charts and tables, what ballooning and
host swapping cost, and Waldspurger's Figure 4 beside the model (EN/DE).

German follows the vSphere documentation's German terms: *memory overcommitment* is
**Überbelegung**, *transparent page sharing* **transparente gemeinsame Nutzung von Seiten**, the
balloon driver **Balloon-Treiber**; ESXi's memory states keep the names esxtop gives them."""
from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    # -- navigation ------------------------------------------------------------------------------------
    "nav.overcommit": ("Overcommit", "Überbelegung"),
    "page.overcommit": ("Overcommit — the host reclaims memory: sharing, ballooning, compression, swapping",
                        "Überbelegung — der Host gewinnt Speicher zurück: gemeinsame Nutzung, Ballooning, "
                        "Komprimierung, Auslagern"),
    # -- the page ----------------------------------------------------------------------------------------
    "oc.title": ("Memory overcommit: the host's reclamation lab", "Speicherüberbelegung: das Labor der "
                 "Speicherrückgewinnung"),
    "oc.intro": (
        "Several VMs of the same OS image on a machine with less memory than they have together. As they "
        "touch their pages, the host's free memory falls through its states (relative to minFree), and "
        "the host reclaims memory the way ESXi does: it **shares** pages of identical contents (a periodic "
        "scan), **balloons** (a driver in each guest pins guest pages, and the guest pages out its own), "
        "**compresses** pages into a per-VM cache and, last, **swaps** pages chosen at random to the VM's "
        "swap file. Choose the VMs, the machine and the policies; the lab runs step by step and checks "
        "every read.",
        "Mehrere VMs desselben Betriebssystem-Images auf einer Maschine mit weniger Speicher, als sie "
        "zusammen haben. Während sie ihre Seiten berühren, sinkt der freie Speicher des Hosts durch seine "
        "Zustände (gemessen an minFree), und der Host gewinnt Speicher zurück wie ESXi: Er **nutzt** Seiten "
        "gleichen Inhalts **gemeinsam** (ein periodischer Scan), setzt **Ballooning** ein (ein Treiber in "
        "jedem Gast reserviert Gastseiten, und der Gast lagert eigene Seiten aus), **komprimiert** Seiten in "
        "einen Cache je VM und **lagert** zuletzt zufällig gewählte Seiten in die Auslagerungsdatei der VM "
        "**aus**. Wählen Sie die VMs, die Maschine und die Richtlinien; das Labor läuft Schritt für Schritt "
        "und prüft jeden Lesezugriff."),
    "oc.open_step": ("Step through the built-in scenario “overcommit” (three VMs, every technique once)",
                     "Das mitgelieferte Szenario „overcommit“ Schritt für Schritt ansehen (drei VMs, jede "
                     "Technik einmal)"),
    "oc.vms_box": ("The VMs", "Die VMs"),
    "oc.host_box": ("The host", "Der Host"),
    "oc.vms": ("number of VMs", "Anzahl der VMs"),
    "oc.vm_kib": ("memory of each VM", "Speicher jeder VM"),
    "oc.touched_pct": ("pages each VM touches (% of its memory)", "Seiten, die jede VM berührt (% ihres "
                       "Speichers)"),
    "oc.touched.caption": ("Each VM touches {touched} of its {pages} pages (the rest is room for its page tables "
                           "and stays unbacked).",
                           "Jede VM berührt {touched} ihrer {pages} Seiten (der Rest bleibt Platz für ihre "
                           "Seitentabellen und ohne Maschinenseite)."),
    "oc.zero_pct": ("zero pages (%)", "Nullseiten (%)"),
    "oc.image_pct": ("image pages (%)", "Image-Seiten (%)"),
    "oc.content.help": ("The content model: of the pages a VM touches, a share stays zero, a share holds what "
                        "every VM of the image holds at the same place (the same OS and libraries), the rest is "
                        "the VM's own.",
                        "Das Inhaltsmodell: Von den Seiten, die eine VM berührt, bleibt ein Teil null, ein Teil "
                        "enthält, was jede VM des Images an derselben Stelle enthält (dasselbe Betriebssystem, "
                        "dieselben Bibliotheken), der Rest gehört der VM allein."),
    "oc.content.caption": ("Content: {zero} zero pages, {image} the image's (alike in every VM), {private} the "
                           "VM's own.",
                           "Inhalt: {zero} Nullseiten, {image} aus dem Image (in jeder VM gleich), {private} "
                           "gehören der VM allein."),
    "oc.work": ("work: operations", "Arbeit: Operationen"),
    "oc.work.help": ("After loading its image (every VM touches its pages) the VMs take turns reading and "
                     "writing their own pages: this many operations, all VMs together.",
                     "Nachdem jede VM ihr Image geladen (alle ihre Seiten berührt) hat, lesen und schreiben die "
                     "VMs abwechselnd ihre eigenen Seiten: so viele Operationen, alle VMs zusammen."),
    "oc.mode": ("paging mode", "Paging-Modus"),
    "oc.seed": ("seed", "Startwert (Seed)"),
    "oc.machine_kib": ("machine memory (KiB)", "Maschinenspeicher (KiB)"),
    "oc.machine.caption": ("{pool} pages for the guests ({vmm} more for the VMM's own tables); the VMs have "
                           "{vm_total} pages together: {ratio} times the memory for guests.",
                           "{pool} Seiten für die Gäste ({vmm} weitere für die eigenen Tabellen des VMM); die "
                           "VMs haben zusammen {vm_total} Seiten: das {ratio}-Fache des Speichers für die Gäste."),
    "oc.machine.roomy": ("{pool} pages for the guests ({vmm} more for the VMM's own tables); the VMs have "
                         "{vm_total} pages together — they fit: nothing is overcommitted, only the sharing scan "
                         "runs.",
                         "{pool} Seiten für die Gäste ({vmm} weitere für die eigenen Tabellen des VMM); die VMs "
                         "haben zusammen {vm_total} Seiten — sie passen: nichts ist überbelegt, nur der Scan der "
                         "gemeinsamen Nutzung läuft."),
    "oc.policies": ("Reclamation", "Rückgewinnung"),
    "oc.salting": ("salting", "Salting"),
    "oc.salting.help": ("ESXi's default since 2015 (Mem.ShareForceSalting=2): pages are shared only within one "
                        "VM. Off: across VMs, as in 2002 and in the vSphere figure.",
                        "Die Voreinstellung von ESXi seit 2015 (Mem.ShareForceSalting=2): Seiten werden nur "
                        "innerhalb einer VM gemeinsam genutzt. Aus: auch zwischen VMs, wie 2002 und in der "
                        "Abbildung der vSphere-Dokumentation."),
    "oc.balloon": ("ballooning", "Ballooning"),
    "oc.balloon.help": ("In the soft state (below 64% of minFree) each VM's balloon driver pins guest pages for "
                        "the VMM, at most 65% of the VM (Mem.CtlMaxPercent); a guest short of pages pages out its "
                        "own.",
                        "Im Zustand soft (unter 64 % von minFree) reserviert der Balloon-Treiber jeder VM "
                        "Gastseiten für den VMM, höchstens 65 % der VM (Mem.CtlMaxPercent); einem Gast, dem "
                        "Seiten fehlen, bleibt, eigene auszulagern."),
    "oc.compression": ("compression", "Komprimierung"),
    "oc.compression.help": ("In the hard and low states a page that compresses to 2 KiB or less goes to the VM's "
                            "compression cache (at most 10% of its memory) instead of the swap file.",
                            "In den Zuständen hard und low kommt eine Seite, die sich auf 2 KiB oder weniger "
                            "komprimieren lässt, in den Kompressions-Cache der VM (höchstens 10 % ihres "
                            "Speichers) statt in die Auslagerungsdatei."),
    "oc.host_swap": ("host swapping", "Host-Auslagerung"),
    "oc.host_swap.help": ("In the hard and low states the host writes pages chosen at random to the VM's swap "
                          "file; a touch reads them back (milliseconds).",
                          "In den Zuständen hard und low schreibt der Host zufällig gewählte Seiten in die "
                          "Auslagerungsdatei der VM; ein Zugriff liest sie zurück (Millisekunden)."),
    "oc.scan_pages": ("scan pages", "Scan-Seiten"),
    "oc.scan_pages.help": ("Pages the sharing scan hashes per pass, at its normal rate; from the clear state down "
                           "twice as many (“share actively”).",
                           "Seiten, die der Scan der gemeinsamen Nutzung je Durchgang hasht, im normalen Takt; ab "
                           "dem Zustand clear doppelt so viele („aktiv gemeinsam nutzen“)."),
    "oc.period": ("period", "Periode"),
    "oc.period.help": ("Operations between the host's passes. One operation is one tick of the host's clock; every "
                       "this many the host notes its state, scans, and reclaims as its state calls for.",
                       "Operationen zwischen zwei Durchgängen des Hosts. Eine Operation ist ein Takt der Uhr des "
                       "Hosts; nach so vielen stellt der Host seinen "
                       "Zustand fest, scannt und gewinnt Speicher zurück, wie es sein Zustand verlangt."),
    "oc.min_free_pct": ("minFree (% of the machine memory for guests)", "minFree (% des Maschinenspeichers für die "
                        "Gäste)"),
    "oc.min_free_pct.help": ("minFree in percent of the machine memory for guests; the host's states are fractions "
                             "of it (below).",
                             "minFree in Prozent des Maschinenspeichers für die Gäste; die Zustände des Hosts sind "
                             "Anteile davon (unten)."),
    "oc.minfree.caption": (
        "minFree is {pages} pages here ({pct} of the {pool} pages for the guests). ESXi's minFree is 899 MB for "
        "the first 28 GB of host memory plus 1% of the rest — about {esxi} of a 28 GB host. On a machine of a "
        "few hundred KiB that would be a page or less, and the states would lie a page apart, so the model "
        "scales it: by default one eighth ({model}) of the memory for guests, so that each state spans a few "
        "pages. {esxi} shows ESXi's own share.",
        "minFree ist hier {pages} Seiten ({pct} der {pool} Seiten für die Gäste). Bei ESXi ist minFree 899 MB "
        "für die ersten 28 GB des Hosts plus 1 % des Rests — etwa {esxi} eines 28-GB-Hosts. Auf einer Maschine "
        "von einigen hundert KiB wäre das eine Seite oder weniger, und die Zustände lägen eine Seite "
        "auseinander; deshalb skaliert das Modell minFree: standardmäßig ein Achtel ({model}) des Speichers für "
        "die Gäste, sodass jeder Zustand einige Seiten umfasst. {esxi} zeigt den Anteil von ESXi selbst."),
    # -- bad settings --------------------------------------------------------------------------------------
    "oc.bad.content": ("Content: {zero}% zero pages and {image}% pages of the image add up to more than 100% — "
                       "lower one of them.",
                       "Inhalt: {zero} % Nullseiten und {image} % Seiten des Images ergeben mehr als 100 % — "
                       "verringern Sie einen der beiden Werte."),
    "oc.bad.machine_page": ("Machine memory: {kib} KiB is not a multiple of the 4 KiB page size.",
                            "Maschinenspeicher: {kib} KiB ist kein Vielfaches der Seitengröße von 4 KiB."),
    "oc.bad.machine_small": ("Machine memory: {kib} KiB is too small for {vms} VMs — it needs at least {need} KiB "
                             "(the VMM's tables, and a few pages per VM for its page tables).",
                             "Maschinenspeicher: {kib} KiB sind zu wenig für {vms} VMs — nötig sind mindestens "
                             "{need} KiB (die Tabellen des VMM und je VM einige Seiten für ihre Seitentabellen)."),
    "oc.bad.too_large": ("This lab is larger than the page runs: about {seconds} s of the server's time by its "
                         "estimate, at most {max} s (the server is shared by a class). Fewer VMs, less memory per "
                         "VM, a shorter working phase, a longer period between passes or fewer pages per scan make "
                         "it smaller.",
                         "Dieses Labor ist größer, als die Seite ausführt: nach ihrer Schätzung etwa {seconds} s "
                         "Rechenzeit des Servers, höchstens {max} s (eine ganze Klasse teilt sich den Server). "
                         "Weniger VMs, weniger Speicher je VM, eine kürzere Arbeitsphase, ein längerer Abstand "
                         "zwischen den Durchgängen oder weniger Seiten je Scan machen es kleiner."),
    "oc.bad.engine": ("The lab cannot run with these settings: {error}", "Das Labor kann mit diesen Einstellungen "
                      "nicht laufen: {error}"),
    "oc.failed.exhausted": ("Machine memory ran out: {error}. With host swapping and compression off, "
                            "ballooning alone could not free pages fast enough (it stops in the hard state, and a "
                            "balloon holds at most 65% of a VM). Turn host swapping or compression on, or give the "
                            "machine more memory.",
                            "Der Maschinenspeicher ist erschöpft: {error}. Ohne Auslagern durch den Host und ohne "
                            "Komprimierung konnte das Ballooning allein nicht schnell genug Seiten freigeben (es "
                            "endet im Zustand hard, und ein Balloon hält höchstens 65 % einer VM). Schalten Sie das "
                            "Auslagern oder die Komprimierung ein, oder geben Sie der Maschine mehr Speicher."),
    "oc.failed": ("The lab stopped: {error}", "Das Labor wurde abgebrochen: {error}"),
    "oc.kept": ("Still showing the previous lab.", "Angezeigt wird weiterhin das vorige Labor."),
    "oc.link.bad": ("Link parameter “{name}” = “{value}” ignored: expected {expected}.",
                    "Link-Parameter „{name}“ = „{value}“ ignoriert: erwartet war {expected}."),
    "oc.link.range": ("a number from {lo} to {hi}", "eine Zahl von {lo} bis {hi}"),
    "oc.link.one_of": ("one of {options}", "einer der Werte {options}"),
    "oc.link.bool": ("1 or 0", "1 oder 0"),
    "oc.running": ("Running the lab …", "Das Labor läuft …"),
    "oc.ran": ("{ops} operations of {vms} VMs in {seconds} s; {samples} points in time recorded.",
               "{ops} Operationen von {vms} VMs in {seconds} s; {samples} Zeitpunkte aufgezeichnet."),
    # -- nothing lost -----------------------------------------------------------------------------------
    "oc.lost.none": ("**Nothing lost**: every one of the {reads} reads returned the value last written there — "
                     "through sharing, the balloon, compression and swapping.",
                     "**Nichts verloren**: Jeder der {reads} Lesezugriffe lieferte den zuletzt dorthin "
                     "geschriebenen Wert — durch gemeinsame Nutzung, Balloon, Komprimierung und Auslagern "
                     "hindurch."),
    "oc.lost.some": ("{lost} of the {reads} reads returned another value than the one last written there: the "
                     "model lost data, which is a bug in the model. Please report these settings (the address "
                     "holds them).",
                     "{lost} der {reads} Lesezugriffe lieferten einen anderen Wert als den zuletzt dorthin "
                     "geschriebenen: Das Modell hat Daten verloren, ein Fehler im Modell. Bitte melden Sie diese "
                     "Einstellungen (die Adresse enthält sie)."),
    # -- metrics -----------------------------------------------------------------------------------------
    "oc.metric.states": ("lowest host state", "niedrigster Zustand"),
    "oc.metric.changes": ("state changes: {n}", "Zustandswechsel: {n}"),
    "oc.metric.free": ("fewest free pages", "Minimum freier Seiten"),
    "oc.metric.free.delta": ("minFree is {min_free}", "minFree ist {min_free}"),
    "oc.metric.shared": ("shared", "gemeinsam genutzt"),
    "oc.metric.of": ("at the end, of {n} guest pages", "am Ende, von {n} Gastseiten"),
    "oc.metric.shared.help": ("Guest pages backed by a shared machine page at the end of the run, all VMs.",
                              "Gastseiten, die am Ende des Laufs auf eine gemeinsam genutzte Maschinenseite "
                              "abgebildet sind, alle VMs."),
    "oc.metric.reclaimed": ("reclaimed", "zurückgewonnen"),
    "oc.metric.reclaimed.help": ("Guest pages without a machine page of their own at the end of the run: "
                                 "ballooned, compressed or swapped by the host, all VMs.",
                                 "Gastseiten ohne eigene Maschinenseite am Ende des Laufs: im Balloon, komprimiert "
                                 "oder vom Host ausgelagert, alle VMs."),
    # -- the bands --------------------------------------------------------------------------------------
    "oc.bands.title": ("Where each VM's memory is, over time", "Wo der Speicher jeder VM liegt, im Lauf der Zeit"),
    "oc.bands.caption": (
        "Each VM's guest-physical pages by state, stacked up to its memory (the dashed line); above it the pages "
        "its guest wrote to its own virtual disk — pages of its processes, not guest-physical memory. Private: "
        "a machine page of its own; shared: one read-only machine page for pages alike; ballooned: pinned by "
        "the balloon driver, its machine page freed; compressed: in the VM's compression cache; swapped: in "
        "the VM's swap file on the host; unbacked: never touched, or given back by the balloon.",
        "Die gastphysischen Seiten jeder VM nach Zustand, gestapelt bis zu ihrem Speicher (die gestrichelte Linie); "
        "darüber die Seiten, die ihr Gast auf seine eigene virtuelle Platte geschrieben hat — Seiten seiner "
        "Prozesse, kein gastphysischer Speicher. Privat: eine eigene Maschinenseite; gemeinsam genutzt: eine "
        "schreibgeschützte Maschinenseite für gleiche Seiten; im Balloon: vom Balloon-Treiber reserviert, ihre "
        "Maschinenseite freigegeben; komprimiert: im Kompressions-Cache der VM; ausgelagert: in der "
        "Auslagerungsdatei der VM auf dem Host; ohne Maschinenseite: nie berührt oder vom Balloon "
        "zurückgegeben."),
    "oc.state.private": ("private", "privat"),
    "oc.state.shared": ("shared", "gemeinsam genutzt"),
    "oc.state.ballooned": ("ballooned", "im Balloon"),
    "oc.state.compressed": ("compressed", "komprimiert"),
    "oc.state.swapped": ("swapped by the host", "vom Host ausgelagert"),
    "oc.state.unbacked": ("unbacked", "ohne Maschinenseite"),
    "oc.state.guest_swapped": ("on the guest's virtual disk", "auf der virtuellen Platte des Gasts"),
    "oc.col.op": ("operation", "Operation"),
    "oc.col.pages": ("pages", "Seiten"),
    "oc.col.state": ("state", "Zustand"),
    "oc.col.vm": ("VM", "VM"),
    "oc.col.vm_memory": ("memory of the VM", "Speicher der VM"),
    # -- the host state ---------------------------------------------------------------------------------
    "oc.host.title": ("The host's memory state", "Der Speicherzustand des Hosts"),
    "oc.host.caption": (
        "Free pages for the guests over time (the line) against the thresholds of the host's states, in "
        "percent of minFree ({min_free} pages); each threshold is the point below which its actions start. "
        "Below the chart: the state the host was in (it counts itself in a better state only once free "
        "memory is a margin above the threshold).",
        "Freie Seiten für die Gäste im Lauf der Zeit (die Linie) gegen die Schwellen der Zustände des Hosts, "
        "in Prozent von minFree ({min_free} Seiten); jede Schwelle ist der Punkt, unter dem ihre Maßnahmen "
        "beginnen. Unter dem Diagramm: der Zustand, in dem der Host war (in einen besseren Zustand wechselt "
        "er erst, wenn der freie Speicher eine Spanne über der Schwelle liegt)."),
    "oc.col.free": ("free pages", "freie Seiten"),
    "oc.col.threshold": ("threshold", "Schwelle"),
    "oc.col.below": ("free memory (% of minFree)", "freier Speicher (% von minFree)"),
    "oc.col.does": ("what the host does", "was der Host tut"),
    "oc.col.host_state": ("host state", "Zustand des Hosts"),
    "oc.threshold.large": ("high (large pages broken)", "high (große Seiten zerlegt)"),
    "oc.threshold.large.does": ("the next sharing scan breaks 2 MiB backings so that their small pages can be "
                                "shared",
                                "der nächste Scan zerlegt 2-MiB-Hinterlegungen, damit ihre kleinen Seiten gemeinsam "
                                "genutzt werden können"),
    "oc.transitions": ("The host's states in order: {path}.", "Die Zustände des Hosts der Reihe nach: {path}."),
    "oc.transitions.none": ("The host stayed in the high state: free memory never fell below minFree.",
                            "Der Host blieb im Zustand high: Der freie Speicher fiel nie unter minFree."),
    # -- events ---------------------------------------------------------------------------------------
    "oc.events.title": ("What the host and the guests did", "Was der Host und die Gäste taten"),
    "oc.events.caption": ("Events of the whole run by kind, all VMs together.", "Ereignisse des ganzen Laufs nach "
                          "Art, alle VMs zusammen."),
    "oc.col.technique": ("technique", "Technik"),
    "oc.col.event": ("event", "Ereignis"),
    "oc.col.count": ("count", "Anzahl"),
    "oc.tech.backing": ("backing", "Hinterlegen"),
    "oc.tech.sharing": ("page sharing", "gemeinsame Nutzung"),
    "oc.tech.balloon": ("ballooning", "Ballooning"),
    "oc.tech.guest": ("the guest's own paging", "eigenes Auslagern des Gasts"),
    "oc.tech.compression": ("compression", "Komprimierung"),
    "oc.tech.swap": ("host swapping", "Host-Auslagerung"),
    "oc.tech.other": ("other", "Sonstiges"),
    "oc.ev.pmap:back": ("machine page given on first touch", "Maschinenseite beim ersten Zugriff zugeteilt"),
    "oc.ev.scan:hint": ("page hashed, remembered as a hint", "Seite gehasht, als Hinweis vermerkt"),
    "oc.ev.scan:stale": ("page hashed, replaced a changed hint", "Seite gehasht, ersetzte veralteten Hinweis"),
    "oc.ev.scan:zero": ("zero page found and shared", "Nullseite gefunden und gemeinsam genutzt"),
    "oc.ev.scan:shared": ("page shared after a full compare", "Seite nach vollständigem Vergleich gemeinsam "
                          "genutzt"),
    "oc.ev.scan:large": ("page skipped inside a 2 MiB backing", "Seite in 2-MiB-Hinterlegung übersprungen"),
    "oc.ev.pmap:share": ("guest page mapped to a shared machine page", "Gastseite auf gemeinsame Maschinenseite "
                         "abgebildet"),
    "oc.ev.pmap:cow-break": ("write to a shared page: private copy", "Schreibzugriff auf gemeinsame Seite: "
                             "private Kopie"),
    "oc.ev.pmap:unshare": ("last sharer's page private again", "Seite des letzten Teilhabers wieder privat"),
    "oc.ev.guest:balloon-inflate": ("balloon driver inflated", "Balloon-Treiber aufgeblasen"),
    "oc.ev.guest:balloon-deflate": ("balloon driver deflated", "Balloon-Treiber geschrumpft"),
    "oc.ev.pmap:balloon": ("page pinned by the balloon, machine page freed", "Seite vom Balloon reserviert, "
                           "Maschinenseite freigegeben"),
    "oc.ev.pmap:deflate": ("page given back by the balloon", "Seite vom Balloon zurückgegeben"),
    "oc.ev.guest:swap-out": ("guest page written to its virtual disk", "Gastseite auf ihre virtuelle Platte "
                             "geschrieben"),
    "oc.ev.guest:swap-in": ("guest page read back from its virtual disk", "Gastseite von ihrer virtuellen Platte "
                            "zurückgelesen"),
    "oc.ev.pmap:compress": ("page compressed into the cache", "Seite in den Cache komprimiert"),
    "oc.ev.pmap:decompress": ("page decompressed on a touch", "Seite bei einem Zugriff entpackt"),
    "oc.ev.pmap:swap-out": ("page written to the VM's swap file", "Seite in die Auslagerungsdatei der VM "
                            "geschrieben"),
    "oc.ev.pmap:swap-in": ("page read back from the swap file on a touch", "Seite bei einem Zugriff aus der "
                           "Auslagerungsdatei zurückgelesen"),
    # -- costs ----------------------------------------------------------------------------------------
    "oc.cost.title": ("What it cost each VM", "Was es jede VM kostete"),
    "oc.cost.caption": ("Cycles each VM spent, by cause. The host's own background work — hashing pages, "
                        "compressing and writing swap while no VM waits — is no VM's: {host} cycles.",
                        "Takte, die jede VM aufwandte, nach Ursache. Die Hintergrundarbeit des Hosts selbst — "
                        "Seiten hashen, komprimieren und auslagern, während keine VM wartet — gehört keiner VM: "
                        "{host} Takte."),
    "oc.cause.guest": ("guest kernel: zeroing pages, its own paging (the balloon's cost)",
                       "Gastkernel: Seiten nullen, eigenes Auslagern (die Kosten des Ballooning)"),
    "oc.cause.pmap": ("VMM: backing, copies, swap-in and decompression",
                      "VMM: Hinterlegen, Kopien, Einlagern und Entpacken"),
    "oc.col.cycles": ("cycles", "Takte"),
    "oc.col.cause": ("cause", "Ursache"),
    "oc.double.title": ("Ballooning against host swapping", "Ballooning gegen Auslagern durch den Host"),
    "oc.double.balloon": ("**Ballooning** took {pinned} pages from the guests. To find free pages for their "
                          "balloons the guests wrote {out} of their own pages to their virtual disks — each guest "
                          "chose its pages, the least recently used first — and read {back} of them back later "
                          "({rate}). That cost shows up inside the guests, in the guest kernel's cycles.",
                          "**Ballooning** nahm den Gästen {pinned} Seiten. Um freie Seiten für ihre Balloons zu "
                          "finden, schrieben die Gäste {out} eigene Seiten auf ihre virtuellen Platten — jeder "
                          "Gast wählte seine Seiten selbst, die am längsten unbenutzten zuerst — und lasen später "
                          "{back} davon zurück ({rate}). Diese Kosten zeigen sich in den Gästen, in den Takten des "
                          "Gastkernels."),
    "oc.double.balloon.none": ("**Ballooning** took no pages in this run: the balloon inflates in the soft state "
                               "(below 64% of minFree){off}.",
                               "**Ballooning** nahm in diesem Lauf keine Seiten: Der Balloon bläst sich im "
                               "Zustand soft auf (unter 64 % von minFree){off}."),
    "oc.double.balloon.off": (", and ballooning is off", ", und Ballooning ist ausgeschaltet"),
    "oc.double.balloon.noswap": ("**Ballooning** took {pinned} pages from the guests; they had free pages enough "
                                 "and wrote none of their own to disk.",
                                 "**Ballooning** nahm den Gästen {pinned} Seiten; sie hatten genug freie Seiten "
                                 "und schrieben keine eigenen auf die Platte."),
    "oc.double.host": ("**Host swapping** took {out} pages chosen at random and read {back} of them back when a "
                       "VM touched them ({rate}), each a disk read of milliseconds the VM waited for. "
                       "**Compression** took {compressed} pages ({decompressed} decompressed again, about 20 µs "
                       "each).",
                       "**Auslagern durch den Host** nahm {out} zufällig gewählte Seiten und las {back} davon "
                       "zurück, als eine VM sie berührte ({rate}), jedes Mal ein Lesen von der Platte von "
                       "Millisekunden, auf das die VM wartete. **Komprimierung** nahm {compressed} Seiten "
                       "({decompressed} wieder entpackt, je etwa 20 µs)."),
    "oc.double.host.none": ("**Host swapping and compression** took no pages in this run: they start in the "
                            "hard state (below 32% of minFree).",
                            "**Auslagern durch den Host und Komprimierung** nahmen in diesem Lauf keine Seiten: "
                            "Sie beginnen im Zustand hard (unter 32 % von minFree)."),
    "oc.double.why": ("Why ESXi balloons before it swaps: the guest knows which of its pages are idle, the host "
                      "does not. A page the host swapped out may be one the guest itself later picks to page out "
                      "— the host then reads it back from its swap file only for the guest to write it to its "
                      "virtual disk: **double paging** (Waldspurger, OSDI'02 §3). With ballooning the guest "
                      "chooses, and nothing is paged behind its back.",
                      "Warum ESXi Ballooning vor dem Auslagern einsetzt: Der Gast weiß, welche seiner Seiten "
                      "unbenutzt sind, der Host nicht. Eine Seite, die der Host ausgelagert hat, kann der Gast "
                      "später selbst zum Auslagern wählen — dann liest der Host sie aus seiner Auslagerungsdatei "
                      "zurück, nur damit der Gast sie auf seine virtuelle Platte schreibt: **Double Paging** "
                      "(Waldspurger, OSDI'02 §3). Beim Ballooning wählt der Gast, und nichts wird hinter seinem "
                      "Rücken ausgelagert."),
    "oc.double.costs": ("Per page, by the cost table: a disk write or read {disk} cycles (milliseconds), "
                        "compressing {compress}, decompressing {decompress}. The model charges a guest's page-outs "
                        "to its VM as the guest writes them (its balloon driver waits for the frames), the host's "
                        "swap-outs to no VM (they are the host's background work) — so the bars above make "
                        "ballooning look dear; what tells the two apart is what comes back: every page read back "
                        "is a disk read the VM waits for.",
                        "Je Seite laut Kostentabelle: Schreiben oder Lesen auf der Platte {disk} Takte "
                        "(Millisekunden), Komprimieren {compress}, Entpacken {decompress}. Das Modell rechnet das "
                        "Auslagern eines Gasts seiner VM an, während der Gast schreibt (sein Balloon-Treiber wartet "
                        "auf die Seitenrahmen), das Auslagern des Hosts keiner VM (es ist Hintergrundarbeit des "
                        "Hosts) — die Balken oben lassen Ballooning daher teuer aussehen; was die beiden "
                        "unterscheidet, ist, was zurückkommt: Jede zurückgelesene Seite ist ein Lesen von der "
                        "Platte, auf das die VM wartet."),
    # -- Figure 4 ------------------------------------------------------------------------------------
    "oc.fig4.title": ("Waldspurger's Figure 4: sharing as the VMs grow", "Waldspurgers Abbildung 4: gemeinsame "
                      "Nutzung bei wachsender Zahl der VMs"),
    "oc.fig4.intro": (
        "OSDI'02, Figure 4: 1 to 10 identical Linux VMs (40 MB each, running SPEC95) on one host, pages shared "
        "across VMs. The model runs the same experiment on its content model ({zero} zero pages, {image} the "
        "image's, the rest the VM's own; {pages} pages per VM): 1 to 10 VMs on a machine with room for all of "
        "them, sharing the only reclamation, the scan given enough passes to hash every page — once with "
        "salting off, as in 2002, and once with salting on, as ESXi shares since 2015.",
        "OSDI'02, Abbildung 4: 1 bis 10 gleiche Linux-VMs (je 40 MB, mit SPEC95) auf einem Host, Seiten auch "
        "zwischen VMs gemeinsam genutzt. Das Modell führt dasselbe Experiment mit seinem Inhaltsmodell aus "
        "({zero} Nullseiten, {image} aus dem Image, der Rest gehört der VM; {pages} Seiten je VM): 1 bis 10 VMs "
        "auf einer Maschine mit Platz für alle, gemeinsame Nutzung als einzige Rückgewinnung, der Scan mit "
        "genug Durchgängen, um jede Seite zu hashen — einmal ohne Salting wie 2002, einmal mit Salting, wie "
        "ESXi seit 2015 Seiten gemeinsam nutzt."),
    "oc.fig4.run": ("Run the sweep (20 runs, a few seconds)", "Reihe berechnen (20 Läufe, einige Sekunden)"),
    "oc.fig4.running": ("Sweeping 1 to 10 VMs, salting off and on …", "Reihe mit 1 bis 10 VMs, ohne und mit "
                        "Salting …"),
    "oc.fig4.ran": ("20 runs in {seconds} s.", "20 Läufe in {seconds} s."),
    "oc.fig4.stale": ("These results are for another content model ({zero} zero pages, {image} the image's); run "
                      "the sweep again for the one chosen above.",
                      "Diese Ergebnisse gelten für ein anderes Inhaltsmodell ({zero} Nullseiten, {image} aus dem "
                      "Image); berechnen Sie die Reihe für das oben gewählte neu."),
    "oc.fig4.y": ("share of the VMs' touched memory", "Anteil am berührten Speicher der VMs"),
    "oc.fig4.x": ("VMs running the same image", "VMs mit demselben Image"),
    "oc.fig4.series": ("series", "Reihe"),
    "oc.fig4.shared": ("shared", "gemeinsam genutzt"),
    "oc.fig4.reclaimed": ("reclaimed", "zurückgewonnen"),
    "oc.fig4.zero": ("shared zero pages", "gemeinsam genutzte Nullseiten"),
    "oc.fig4.off": ("salting off (2002)", "ohne Salting (2002)"),
    "oc.fig4.on": ("salting on (since 2015)", "mit Salting (seit 2015)"),
    "oc.fig4.paper": ("OSDI'02: ~67% shared at 10 VMs", "OSDI'02: ~67 % gemeinsam genutzt bei 10 VMs"),
    "oc.fig4.col.vms": ("number of VMs", "Anzahl der VMs"),
    "oc.fig4.col.shared_off": ("shared, salting off", "gemeinsam genutzt, ohne Salting"),
    "oc.fig4.col.zero_off": ("of it zero pages", "davon Nullseiten"),
    "oc.fig4.col.reclaimed_off": ("reclaimed, salting off", "zurückgewonnen, ohne Salting"),
    "oc.fig4.col.cross_off": ("machine pages shared across VMs", "Maschinenseiten, die VMs gemeinsam nutzen"),
    "oc.fig4.col.shared_on": ("shared, salting on", "gemeinsam genutzt, mit Salting"),
    "oc.fig4.col.reclaimed_on": ("reclaimed, salting on", "zurückgewonnen, mit Salting"),
    "oc.fig4.col.cross_on": ("across VMs, salting on", "zwischen VMs, mit Salting"),
    "oc.fig4.col.paper": ("OSDI'02: shared", "OSDI'02: gemeinsam genutzt"),
    "oc.fig4.paper_cell": ("~67%", "~67 %"),
    "oc.fig4.model": (
        "**The model**, salting off: {shared1} of the memory shared with one VM (its zero pages), {shared10} with "
        "10 VMs, {zero10} of it zero pages; the memory reclaimed (shared pages less the machine pages they keep) "
        "grows from {rec1} to {rec10}. The growth with the number of VMs comes from the image's pages: each one "
        "more VM shares them with the others. With salting on, no machine page is shared across VMs: sharing "
        "stays at {shared_on10} with 10 VMs — each VM's own zero pages.",
        "**Das Modell**, ohne Salting: {shared1} des Speichers gemeinsam genutzt bei einer VM (ihre Nullseiten), "
        "{shared10} bei 10 VMs, davon {zero10} Nullseiten; der zurückgewonnene Speicher (gemeinsam genutzte "
        "Seiten abzüglich der Maschinenseiten, die sie belegen) wächst von {rec1} auf {rec10}. Das Wachstum mit "
        "der Zahl der VMs kommt von den Seiten des Images: Jede weitere VM teilt sie mit den anderen. Mit "
        "Salting nutzt keine Maschinenseite mehr als eine VM: Die gemeinsame Nutzung bleibt bei 10 VMs bei "
        "{shared_on10} — die eigenen Nullseiten jeder VM."),
    "oc.fig4.paper_text": (
        "**The papers.** Waldspurger (OSDI'02, Figure 4): sharing grows with the number of VMs to about 67% of "
        "their memory at 10 VMs, a large part of it zero pages. Barker et al. (USENIX ATC'12, memory traces of "
        "real machines): excluding zero pages, sharing stays under 15%, and about 90% of it is within one "
        "machine — little is lost when sharing is kept within a VM, which is the argument for salting. (VMware "
        "turned sharing across VMs off by default in 2014–2015 for security: a page shared across VMs lets one VM "
        "learn, by timing a write to it, what another VM holds.)",
        "**Die Arbeiten.** Waldspurger (OSDI'02, Abbildung 4): Die gemeinsame Nutzung wächst mit der Zahl der VMs "
        "auf etwa 67 % ihres Speichers bei 10 VMs, ein großer Teil davon Nullseiten. Barker et al. (USENIX "
        "ATC'12, Speicherabbilder echter Maschinen): Ohne Nullseiten bleibt die gemeinsame Nutzung unter 15 %, "
        "und etwa 90 % davon liegen innerhalb einer Maschine — es geht wenig verloren, wenn die gemeinsame "
        "Nutzung in einer VM bleibt; das ist das Argument für Salting (eine zwischen VMs gemeinsam genutzte "
        "Seite lässt eine VM über die Dauer eines Schreibzugriffs erfahren, was eine andere enthält)."),
    "oc.fig4.differs": (
        "**What differs.** The model's contents are synthetic: the fractions of zero pages and image pages are "
        "chosen (above), not measured, so the levels follow from that choice — only the shape is the model's "
        "result. Its VMs are tens of 4 KiB pages, the paper's 40 MB (10,240 pages) running a benchmark. The "
        "scan is given enough passes to hash every page, where ESXi's scans a VM over about an hour "
        "(Mem.ShareScanTime). The model's image pages are alike at the same place in every VM, and a VM has no "
        "duplicates of its own besides zero pages — so with salting on only zero pages are shared, where real "
        "VMs also share pages within themselves.",
        "**Was sich unterscheidet.** Die Inhalte des Modells sind künstlich: Die Anteile der Nullseiten und der "
        "Seiten des Images sind gewählt (oben), nicht gemessen; die Höhe folgt aus dieser Wahl — nur die Form "
        "ist das Ergebnis des Modells. Seine VMs haben einige Dutzend Seiten zu 4 KiB, die der Arbeit 40 MB "
        "(10.240 Seiten) und liefen mit einem Benchmark. Der Scan bekommt genug Durchgänge, um jede Seite zu "
        "hashen, während der von ESXi eine VM in etwa einer Stunde durchsucht (Mem.ShareScanTime). Die Seiten "
        "des Images sind im Modell in jeder VM an derselben Stelle gleich, und eine VM hat außer Nullseiten "
        "keine doppelten Seiten — mit Salting werden daher nur Nullseiten gemeinsam genutzt, während echte VMs "
        "auch Seiten innerhalb ihrer selbst teilen."),
}
