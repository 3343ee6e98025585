"""Strings of the host's memory reclamation: the narration of its passes, the memory states, the
balloon and the guest's own paging, and the concepts behind them (EN/DE)."""
from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    # -- record names (events table, cycles by cause) -------------------------------------------------
    "event.HostStateChange": ("host memory state", "Speicherzustand des Hosts"),
    "event.ShareScan": ("sharing scan", "Scan der gemeinsamen Nutzung"),
    "evcause.reclaim": ("reclaim", "Rückgewinnung"),
    "cause.reclaim": ("host reclamation the VM waited for", "Rückgewinnung, auf die die VM wartete"),
    "cause.ad": ("A/D bits", "A/D-Bits"),
    "cause.data": ("data accesses", "Datenzugriffe"),
    "cause.vmm": ("VMM: shadow and nested entries", "VMM: Schatten- und verschachtelte Einträge"),
    # -- states ---------------------------------------------------------------------------------
    "hoststate.high": ("high", "high"),
    "hoststate.clear": ("clear", "clear"),
    "hoststate.soft": ("soft", "soft"),
    "hoststate.hard": ("hard", "hard"),
    "hoststate.low": ("low", "low"),
    "hostdoes.high": ("it only shares pages at the scan's normal rate", "er nutzt Seiten nur im normalen Takt des "
                      "Scans gemeinsam"),
    "hostdoes.clear": ("it breaks large pages and shares actively", "er zerlegt große Seiten und nutzt Seiten aktiv "
                       "gemeinsam"),
    "hostdoes.soft": ("it balloons as well as shares", "er setzt zusätzlich zur gemeinsamen Nutzung Ballooning ein"),
    "hostdoes.hard": ("it compresses and swaps; ballooning stops", "er komprimiert und lagert aus; das Ballooning "
                      "endet"),
    "hostdoes.low": ("a VM that allocates waits while it compresses and swaps", "eine VM, die Speicher belegt, "
                     "wartet, während er komprimiert und auslagert"),
    "nar.rc_state_down": ("free memory is down to 1 page of minFree {min_free}: the host enters the {state} state — "
                          "{does}|free memory is down to {n} pages of minFree {min_free}: the host enters the {state} "
                          "state — {does}",
                          "der freie Speicher ist auf 1 Seite bei minFree {min_free} gesunken: der Host wechselt in "
                          "den Zustand {state} — {does}|der freie Speicher ist auf {n} Seiten bei minFree {min_free} "
                          "gesunken: der Host wechselt in den Zustand {state} — {does}"),
    "nar.rc_state_up": ("free memory is back up to 1 page of minFree {min_free}: the host is in the {state} state "
                        "again — {does}|free memory is back up to {n} pages of minFree {min_free}: the host is in "
                        "the {state} state again — {does}",
                        "der freie Speicher ist wieder auf 1 Seite bei minFree {min_free} gestiegen: der Host ist "
                        "wieder im Zustand {state} — {does}|der freie Speicher ist wieder auf {n} Seiten bei minFree "
                        "{min_free} gestiegen: der Host ist wieder im Zustand {state} — {does}"),
    "host.label": ("The host:", "Der Host:"),
    "host.badge": ("the host's memory state", "der Speicherzustand des Hosts"),
    "host.summary": ("1 page free, {pct} of minFree ({min_free} pages)|{n} pages free, {pct} of minFree "
                     "({min_free} pages)",
                     "1 Seite frei, {pct} von minFree ({min_free} Seiten)|{n} Seiten frei, {pct} von minFree "
                     "({min_free} Seiten)"),
    "host.held": ("(still {state}: the host counts itself in a better state only once free memory is a margin "
                  "above the threshold)",
                  "(noch {state}: der Host sieht sich erst im besseren Zustand, wenn der freie Speicher eine Spanne "
                  "über der Schwelle liegt)"),
    "host.bar": ("free memory against minFree; the marks are where the states low, hard, soft and clear begin "
                 "(16, 32, 64 and 100% of minFree)",
                 "freier Speicher im Verhältnis zu minFree; die Striche markieren, wo die Zustände low, hard, soft "
                 "und clear beginnen (16, 32, 64 und 100 % von minFree)"),
    # -- the pass ------------------------------------------------------------------------------------
    "nar.rc_pass": ("the host's periodic reclamation pass", "der periodische Durchgang des Hosts zur "
                    "Speicherrückgewinnung"),
    "nar.rc_block": ("taking another machine page would leave less than 16% of minFree free (the low state): "
                     "{vm} waits while the host reclaims",
                     "eine weitere Maschinenseite ließe weniger als 16 % von minFree frei (Zustand low): {vm} "
                     "wartet, während der Host Speicher zurückgewinnt"),
    "nar.rc_scan": ("the sharing scan hashes a page: {parts}|the sharing scan hashes {n} pages: {parts}",
                    "der Scan der gemeinsamen Nutzung hasht eine Seite: {parts}|der Scan der gemeinsamen "
                    "Nutzung hasht {n} Seiten: {parts}"),
    "nar.rc_scan.zero": ("a zero page shared|{n} zero pages shared", "eine Nullseite gemeinsam genutzt|{n} "
                         "Nullseiten gemeinsam genutzt"),
    "nar.rc_scan.shared": ("one shared after a full compare|{n} shared after a full compare",
                           "eine nach vollständigem Vergleich gemeinsam genutzt|{n} nach vollständigem Vergleich "
                           "gemeinsam genutzt"),
    "nar.rc_scan.hint": ("one remembered as a hint|{n} remembered as hints", "eine als Hinweis vermerkt|{n} als "
                         "Hinweise vermerkt"),
    "nar.rc_scan.stale": ("one replaced a changed hint|{n} replaced changed hints",
                          "eine ersetzte einen veralteten Hinweis|{n} ersetzten veraltete Hinweise"),
    "nar.rc_scan.large": ("one skipped inside a 2 MiB page|{n} skipped inside 2 MiB pages",
                          "eine in einer 2-MiB-Seite übersprungen|{n} in 2-MiB-Seiten übersprungen"),
    "nar.rc_unsalted": ("(salting is off here: pages are shared across VMs, as in 2002; ESXi shares only within a "
                        "VM by default since 2015, Mem.ShareForceSalting=2)",
                        "(Salting ist hier aus: Seiten werden über VMs hinweg gemeinsam genutzt, wie 2002; ESXi "
                        "nutzt Seiten seit 2015 standardmäßig nur innerhalb einer VM gemeinsam, "
                        "Mem.ShareForceSalting=2)"),
    "nar.rc_compressed": ("compresses a page into the compression cache|compresses {n} pages into the compression "
                          "cache",
                          "komprimiert eine Seite in den Kompressions-Cache|komprimiert {n} Seiten in den "
                          "Kompressions-Cache"),
    "nar.rc_swapped": ("swaps one out to the VM's swap file|swaps {n} out to the VMs' swap files",
                       "lagert eine in die Auslagerungsdatei der VM aus|lagert {n} in die Auslagerungsdateien der "
                       "VMs aus"),
    "nar.rc_compress_swap": ("the host {parts} — pages chosen at random: the host cannot know which pages a guest "
                             "still uses, so it may take a busy one (and if the guest later pages out a page the host "
                             "swapped, the host must first read it back from disk, only for the guest to write it to "
                             "its own disk: double paging)",
                             "der Host {parts} — die Seiten zufällig gewählt: der Host kann nicht wissen, welche "
                             "Seiten ein Gast noch braucht, also trifft er auch benutzte (und lagert der Gast später "
                             "eine Seite aus, die der Host ausgelagert hat, muss der Host sie erst von der Platte "
                             "zurücklesen, nur damit der Gast sie auf seine eigene Platte schreibt: Double Paging)"),
    # -- the balloon and the guest's own paging --------------------------------------------------------
    "nar.balloon_inflate": ("{vm}'s balloon driver pins a page for the VMM, which frees the machine page behind it "
                            "(none if the page was never touched)|{vm}'s balloon driver pins {n} pages for the VMM, "
                            "which frees the machine pages behind them (none where a page was never touched)",
                            "der Balloon-Treiber von {vm} reserviert eine Seite für den VMM, der die Maschinenseite "
                            "dahinter freigibt (keine, wenn die Seite nie berührt wurde)|der Balloon-Treiber von {vm} "
                            "reserviert {n} Seiten für den VMM, der die Maschinenseiten dahinter freigibt (keine, wo "
                            "eine Seite nie berührt wurde)"),
    "nar.balloon_paged": ("to find free pages for it, {vm}'s guest pages one of its own pages out to its virtual "
                          "disk — the guest chooses, its least recently used first|to find free pages for it, {vm}'s "
                          "guest pages {n} of its own pages out to its virtual disk — the guest chooses, its least "
                          "recently used first",
                          "um freie Seiten dafür zu finden, lagert der Gast von {vm} eine eigene Seite auf seine "
                          "virtuelle Platte aus — der Gast wählt, die am längsten unbenutzte zuerst|um freie Seiten "
                          "dafür zu finden, lagert der Gast von {vm} {n} eigene Seiten auf seine virtuelle Platte "
                          "aus — der Gast wählt, die am längsten unbenutzten zuerst"),
    "nar.balloon_deflate": ("{vm}'s balloon gives a page back to the guest|{vm}'s balloon gives {n} pages back to "
                            "the guest",
                            "der Balloon von {vm} gibt dem Gast eine Seite zurück|der Balloon von {vm} gibt dem "
                            "Gast {n} Seiten zurück"),
    "nar.gw_page_out": ("pages gVA 0x{gva:x} out to its virtual disk to free a frame",
                        "lagert gVA 0x{gva:x} auf seine virtuelle Platte aus, um einen Seitenrahmen frei zu "
                        "bekommen"),
    "nar.gw_swap_in": ("reads gVA 0x{gva:x} back from its virtual disk (milliseconds)",
                       "liest gVA 0x{gva:x} von seiner virtuellen Platte zurück (Millisekunden)"),
    "nar.gw_balloon_pin": ("pins gPA 0x{gpa:x} in its balloon", "reserviert gPA 0x{gpa:x} in seinem Balloon"),
    "nar.gw_balloon_free": ("frees gPA 0x{gpa:x} from its balloon", "gibt gPA 0x{gpa:x} aus seinem Balloon frei"),
    "nar.balloon": ("the VMM frees the machine page of {vm} gPA 0x{gpa:x}: the balloon holds it",
                    "der VMM gibt die Maschinenseite von {vm} gPA 0x{gpa:x} frei: der Balloon hält sie"),
    "nar.deflate": ("{vm} gPA 0x{gpa:x} is the guest's again (backed on its next touch)",
                    "{vm} gPA 0x{gpa:x} gehört wieder dem Gast (hinterlegt bei seinem nächsten Zugriff)"),
    "nar.compress": ("the VMM compresses {vm} gPA 0x{gpa:x} into the compression cache and frees machine page "
                     "0x{ma:x}",
                     "der VMM komprimiert {vm} gPA 0x{gpa:x} in den Kompressions-Cache und gibt die Maschinenseite "
                     "0x{ma:x} frei"),
    "nar.decompress": ("the VMM decompresses gPA 0x{gpa:x} from the compression cache into machine page 0x{ma:x} "
                       "(about 20 µs)",
                       "der VMM entpackt gPA 0x{gpa:x} aus dem Kompressions-Cache in die Maschinenseite 0x{ma:x} "
                       "(etwa 20 µs)"),
    "state.ballooned": ("ballooned", "im Balloon"),
    "state.compressed": ("compressed", "komprimiert"),
    "nothing.swapped_out": ("swapped out: read-only when it comes back", "ausgelagert: schreibgeschützt, wenn sie "
                            "zurückkommt"),
    # -- concepts ----------------------------------------------------------------------------------------
    "concept.ballooning.title": ("Ballooning", "Ballooning (Speicherballon)"),
    "concept.ballooning.why": (
        "A balloon driver inside the guest lets the host take memory back in a way the guest understands. Below "
        "64% of minFree (the soft state) the host sets balloon targets, most for the VMs that hold the most "
        "memory per share, at most 65% of a VM (Mem.CtlMaxPercent); the driver allocates guest pages and pins "
        "them, and the VMM frees the machine pages behind them. A guest short of free pages then pages out its "
        "own least valuable pages to its virtual disk — it knows which are idle, the host does not. So the cost "
        "of ballooning shows up inside the guest, as its own paging, and it is cheaper than the host swapping "
        "pages it picks blindly: those may be pages the guest needs, and a page the host has swapped and the "
        "guest later pages out itself is read back from the host's swap only to be written to the guest's disk "
        "(double paging; OSDI'02 §3). Below 32% (the hard state) ballooning stops and the host compresses and "
        "swaps instead.",
        "Ein Balloon-Treiber im Gast lässt den Host Speicher so zurückholen, dass der Gast es versteht. Unter "
        "64 % von minFree (Zustand soft) setzt der Host Ziele für die Balloons, die höchsten für die VMs, die je "
        "Anteil den meisten Speicher halten, höchstens 65 % einer VM (Mem.CtlMaxPercent); der Treiber belegt "
        "Gastseiten und hält sie fest, und der VMM gibt die Maschinenseiten dahinter frei. Einem Gast, dem freie "
        "Seiten fehlen, bleibt dann, seine eigenen am wenigsten wertvollen Seiten auf seine virtuelle Platte "
        "auszulagern — er weiß, welche unbenutzt sind, der Host nicht. Die Kosten des Ballooning zeigen sich also "
        "im Gast, als sein eigenes Auslagern, und sie sind geringer, als wenn der Host blind gewählte Seiten "
        "auslagert: Das können Seiten sein, die der Gast braucht, und eine Seite, die der Host ausgelagert hat und "
        "der Gast später selbst auslagert, wird aus der Auslagerung des Hosts zurückgelesen, nur um auf die Platte "
        "des Gasts geschrieben zu werden (Double Paging; OSDI'02 §3). Unter 32 % (Zustand hard) endet das "
        "Ballooning, und der Host komprimiert und lagert stattdessen aus."),
    "concept.ballooning.model": (
        "the host sets targets in proportion to memory per share (at most 65% of a VM, Mem.CtlMaxPercent); each "
        "driver inflates a step per pass (an eighth of its VM at most), taking the guest's free frames first — a "
        "frame never touched has no machine page, so pinning it frees nothing; then the guest pages out the "
        "current process's oldest page whose accessed flag is clear (a second chance for the rest). Above 400% of "
        "minFree the balloons deflate a step per pass. The balloon's work is recorded without a world switch to "
        "its VM.",
        "der Host setzt Ziele im Verhältnis zum Speicher je Anteil (höchstens 65 % einer VM, Mem.CtlMaxPercent); "
        "jeder Treiber bläst je Durchgang einen Schritt auf (höchstens ein Achtel seiner VM) und nimmt zuerst die "
        "freien Seitenrahmen des Gasts — ein nie berührter Seitenrahmen hat keine Maschinenseite, ihn festzuhalten "
        "gibt also nichts frei; dann lagert der Gast die älteste Seite des laufenden Prozesses aus, deren "
        "Accessed-Bit gelöscht ist (die übrigen bekommen eine zweite Chance). Über 400 % von minFree lassen die "
        "Balloons je Durchgang einen Schritt ab. Die Arbeit des Balloons wird ohne World Switch zu seiner VM "
        "aufgezeichnet."),
    "concept.memory-states.title": ("The host's memory states", "Die Speicherzustände des Hosts"),
    "concept.memory-states.why": (
        "ESXi decides how to reclaim memory by how much is free, relative to minFree (899 MB for the first 28 GB "
        "of host memory, plus 1% of the rest). Each threshold is the point below which its actions start: at or "
        "above 100% the host is in the high state and shares pages at the scan's normal rate, and below 400% it "
        "breaks large pages at the next scan; below 100% (clear) it breaks large pages and shares actively; below "
        "64% (soft) it also balloons; below 32% (hard) it compresses and swaps, and ballooning stops; below 16% "
        "(low) a VM that allocates memory is blocked until memory frees. The cheapest technique comes first, "
        "swapping last. (ESX Server in 2002 had four states at fixed thresholds of 6, 4, 2 and 1% of memory "
        "free, OSDI'02 §6.)",
        "ESXi entscheidet nach dem freien Speicher im Verhältnis zu minFree (899 MB für die ersten 28 GB des "
        "Hosts, plus 1 % des Rests), wie er Speicher zurückgewinnt. Jede Schwelle ist der Punkt, unter dem ihre "
        "Maßnahmen beginnen: ab 100 % ist der Host im Zustand high und nutzt Seiten im normalen Takt des Scans "
        "gemeinsam, und unter 400 % zerlegt er große Seiten beim nächsten Scan; unter 100 % (clear) zerlegt er "
        "große Seiten und nutzt Seiten aktiv gemeinsam; unter 64 % (soft) setzt er zusätzlich Ballooning ein; "
        "unter 32 % (hard) komprimiert er und lagert aus, und das Ballooning endet; unter 16 % (low) wird eine "
        "VM, die Speicher belegt, blockiert, bis Speicher frei wird. Die billigste Technik kommt zuerst, das "
        "Auslagern zuletzt. (Der ESX Server von 2002 hatte vier Zustände mit festen Schwellen bei 6, 4, 2 und 1 % "
        "freiem Speicher, OSDI'02 §6.)"),
    "concept.memory-states.model": (
        "minFree is one eighth of the guest-backing pool by default (ESXi's 3.1% of a 28 GB host is less than "
        "a page of a teaching machine; [machine] min_free sets it); one operation is one tick of the host's "
        "clock, and the host makes a pass every [reclaim] period operations; free memory must rise a margin "
        "above a threshold before the host counts itself in the better state.",
        "minFree ist standardmäßig ein Achtel des Vorrats für die Gäste (die 3,1 % eines 28-GB-Hosts bei ESXi "
        "sind auf einer Lehrmaschine weniger als eine Seite; [machine] min_free setzt ihn); eine Operation ist ein "
        "Takt der Uhr des Hosts, der alle [reclaim] period Operationen einen Durchgang macht; der freie Speicher "
        "muss eine Spanne über eine Schwelle steigen, bevor der Host sich im besseren Zustand sieht."),
}
