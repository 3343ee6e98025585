"""The narration of a step (visualizer.text.narrate); its output is golden, EN and DE."""
from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "nar.boot": ("The machine has booted: each process has an empty top-level page table (PML4) in its VM's "
                 "guest-physical memory, backed by a machine page.",
                 "Die Maschine ist gestartet: Jeder Prozess hat eine leere oberste Seitentabelle (PML4) im "
                 "physischen Speicher seiner VM, hinterlegt mit einer Maschinenseite."),
    "nar.vm_enter": ("{vm} starts running on the CPU", "die CPU führt jetzt {vm} aus"),
    "nar.vm_switch": ("the CPU switches from {old} to {new} (world switch)",
                      "die CPU wechselt von {old} zu {new} (World Switch)"),
    "nar.tlb_hit": ("TLB hit for gVA page 0x{gva:x}", "TLB-Treffer für gVA-Seite 0x{gva:x}"),
    "nar.tlb_miss": ("TLB miss for gVA page 0x{gva:x}", "TLB-Fehltreffer für gVA-Seite 0x{gva:x}"),
    "nar.retry_hit": ("the retry hits the TLB", "der erneute Zugriff trifft im TLB"),
    "nar.retry_miss": ("the retry misses the TLB", "der erneute Zugriff ist ein TLB-Fehltreffer"),
    "nar.walk_shadow": ("the CPU walks the shadow page tables (1 reference)|the CPU walks the shadow page "
                        "tables ({n} references)",
                        "die CPU durchläuft die Schattenseitentabellen (1 Zugriff)|die CPU durchläuft die "
                        "Schattenseitentabellen ({n} Zugriffe)"),
    "nar.walk_native": ("the CPU walks the guest page tables (1 reference)|the CPU walks the guest page "
                        "tables ({n} references)",
                        "die CPU durchläuft die Seitentabellen des Gasts (1 Zugriff)|die CPU durchläuft die "
                        "Seitentabellen des Gasts ({n} Zugriffe)"),
    "nar.walk_2d": ("the CPU walks the guest tables and the nested tables in two dimensions (1 reference:"
                    " {g} guest, {e} nested)|"
                    "the CPU walks the guest tables and the nested tables in two dimensions ({n} references:"
                    " {g} guest, {e} nested)",
                    "die CPU durchläuft Gast- und verschachtelte Seitentabellen zweidimensional (1 "
                    "Zugriff: {g} Gast, {e} verschachtelt)|"
                    "die CPU durchläuft Gast- und verschachtelte Seitentabellen zweidimensional ({n} "
                    "Zugriffe: {g} Gast, {e} verschachtelt)"),
    "nar.walk_vmm": ("the VMM walks the guest page tables in software (1 reference)|the VMM walks the guest "
                     "page tables in software ({n} references)",
                     "der VMM durchläuft die Seitentabellen des Gasts in Software (1 Zugriff)|der VMM "
                     "durchläuft die Seitentabellen des Gasts in Software ({n} Zugriffe)"),
    "nar.walk_missing": ("{walk} and finds no entry at the {level} level",
                         "{walk} und findet auf Ebene {level} keinen Eintrag"),
    "nar.walk_denied": ("{walk}; the entry does not allow this access",
                        "{walk}; der Eintrag erlaubt diesen Zugriff nicht"),
    "nar.exit_hidden": ("hidden page fault: exit to the VMM (the guest never sees it)",
                        "versteckter Seitenfehler: VM-Exit zum VMM (der Gast bemerkt ihn nicht)"),
    "nar.exit_guest": ("exit to the VMM: {why} — a true guest page fault",
                       "VM-Exit zum VMM: {why} — ein echter Seitenfehler des Gasts"),
    "why.guest.not-present": ("the guest's own tables have no entry at the {level} level",
                              "die Seitentabellen des Gasts haben auf Ebene {level} keinen Eintrag"),
    "why.guest.write-protect": ("the guest's own tables map the page read-only, and this is a write",
                                "die Seitentabellen des Gasts bilden die Seite schreibgeschützt ab, und dies ist "
                                "ein Schreibzugriff"),
    "why.guest.user": ("the guest's own tables allow the page to the kernel only, and this is a user access",
                       "die Seitentabellen des Gasts erlauben die Seite nur dem Kernel, und dies ist ein "
                       "Zugriff im Benutzermodus"),
    "why.guest.no-exec": ("the guest's own tables forbid instruction fetches from the page (NX)",
                          "die Seitentabellen des Gasts verbieten Befehlsabrufe aus der Seite (NX)"),
    "nar.exit_cr3": ("the CR3 load exits to the VMM", "das Laden von CR3 führt zum VM-Exit"),
    "nar.exit_invlpg": ("INVLPG exits to the VMM", "INVLPG führt zum VM-Exit"),
    "nar.invlpg_gone": ("the VMM finds no shadow entry for gVA 0x{gva:x} left to drop: the guest's page-table "
                        "write already dropped it",
                        "der VMM findet für gVA 0x{gva:x} keinen Schatteneintrag mehr: das Schreiben des Gasts "
                        "in die Seitentabelle hat ihn schon verworfen"),
    "nar.invlpg_none": ("the VMM finds no shadow entry for gVA 0x{gva:x} to drop",
                        "der VMM findet für gVA 0x{gva:x} keinen Schatteneintrag zum Verwerfen"),
    "nar.exit_ptw": ("the guest writes a page table that the VMM write-protects (gPA 0x{gpa:x}): exit, the "
                     "VMM emulates the write",
                     "der Gast schreibt in eine vom VMM schreibgeschützte Seitentabelle (gPA 0x{gpa:x}): "
                     "VM-Exit, der VMM emuliert den Schreibzugriff"),
    "nar.exit_ept": ("EPT violation at gPA 0x{gpa:x}: exit to the VMM",
                     "EPT-Verletzung bei gPA 0x{gpa:x}: VM-Exit zum VMM"),
    "nar.exit_ept_table": ("EPT violation at gPA 0x{gpa:x}: the nested tables have no entry at the EPT {level} "
                           "level for the guest's {table} table — exit to the VMM",
                           "EPT-Verletzung bei gPA 0x{gpa:x}: die verschachtelten Seitentabellen haben auf "
                           "EPT-Ebene {level} keinen Eintrag für die {table}-Tabelle des Gasts — VM-Exit zum VMM"),
    "nar.exit_ept_data": ("EPT violation at gPA 0x{gpa:x}: the nested tables have no entry at the EPT {level} "
                          "level for the data page — exit to the VMM",
                          "EPT-Verletzung bei gPA 0x{gpa:x}: die verschachtelten Seitentabellen haben auf "
                          "EPT-Ebene {level} keinen Eintrag für die Datenseite — VM-Exit zum VMM"),
    "nar.exit_ept_write": ("EPT violation at gPA 0x{gpa:x}: the nested entry is read-only (a shared page) and "
                           "this is a write — exit to the VMM",
                           "EPT-Verletzung bei gPA 0x{gpa:x}: der verschachtelte Eintrag ist schreibgeschützt "
                           "(eine gemeinsam genutzte Seite), und dies ist ein Schreibzugriff — VM-Exit zum VMM"),
    "nar.guest_pf": ("the #PF goes to the guest's page-fault handler ({kind})",
                     "der #PF geht an die Seitenfehlerbehandlung des Gasts ({kind})"),
    "nar.guest_pf_reflect": ("the VMM reflects the #PF into the guest's page-fault handler ({kind})",
                             "der VMM leitet den #PF an die Seitenfehlerbehandlung des Gasts weiter ({kind})"),
    "nar.guest_work": ("the guest {parts}", "der Gast {parts}"),
    "nar.gw_tables": ("allocates a page table|allocates {n} page tables",
                      "legt eine Seitentabelle an|legt {n} Seitentabellen an"),
    "nar.gw_frame": ("allocates the frame gPA 0x{gpa:x}", "belegt den Seitenrahmen gPA 0x{gpa:x}"),
    "nar.gw_tables_frame": ("allocates a page table and the frame gPA 0x{gpa:x}|allocates {n} page tables "
                            "and the frame gPA 0x{gpa:x}",
                            "legt eine Seitentabelle und den Seitenrahmen gPA 0x{gpa:x} an|legt {n} "
                            "Seitentabellen und den Seitenrahmen gPA 0x{gpa:x} an"),
    "nar.gw_zero": ("zeroes it|zeroes {n} pages", "nullt ihn|nullt {n} Seiten"),
    "nar.gw_ptes": ("writes a page-table entry|writes {n} page-table entries",
                    "schreibt einen Seitentabelleneintrag|schreibt {n} Seitentabelleneinträge"),
    "nar.gw_free": ("frees gPA 0x{gpa:x}", "gibt gPA 0x{gpa:x} frei"),
    "nar.gw_cr3": ("loads CR3 to switch to process {proc}", "lädt CR3 und wechselt zu Prozess {proc}"),
    "nar.gw_invlpg": ("invalidates the TLB entry (INVLPG gVA 0x{gva:x})",
                      "macht den TLB-Eintrag ungültig (INVLPG gVA 0x{gva:x})"),
    "nar.gw_nothing": ("has nothing to do ({detail})", "hat nichts zu tun ({detail})"),
    "nothing.already_mapped": ("already mapped", "schon abgebildet"),
    "nothing.not_mapped": ("not mapped", "nicht abgebildet"),
    "nothing.already_read_only": ("already read-only", "schon schreibgeschützt"),
    "nothing.child_not_empty": ("the child already has an address space", "das Kind hat schon einen Adressraum"),
    "nothing.nothing_mapped": ("nothing mapped", "nichts abgebildet"),
    "nar.gw_fork": ("forks: child {proc} gets a copy of one page-table entry, write-protected in both address "
                    "spaces (copy-on-write)|forks: child {proc} gets copies of {n} page-table entries, "
                    "write-protected in both address spaces (copy-on-write)",
                    "forkt: Kindprozess {proc} erhält eine Kopie eines Seitentabelleneintrags, in beiden Adressräumen "
                    "schreibgeschützt (Copy-on-Write)|forkt: Kindprozess {proc} erhält Kopien von {n} "
                    "Seitentabelleneinträgen, in beiden Adressräumen schreibgeschützt (Copy-on-Write)"),
    "nar.gw_fork_start": ("forks: child process {proc} gets a copy of the address space, write-protected in both "
                          "(copy-on-write)",
                          "forkt: Kindprozess {proc} erhält eine Kopie des Adressraums, in beiden schreibgeschützt "
                          "(Copy-on-Write)"),
    "nar.gw_copy": ("copies the shared page into the new frame gPA 0x{gpa:x} (copy-on-write)",
                    "kopiert die gemeinsam genutzte Seite in den neuen Seitenrahmen gPA 0x{gpa:x} (Copy-on-Write)"),
    "nar.gw_reuse": ("finds no other sharer of gVA page 0x{gva:x} and makes it writable again without a copy",
                     "findet für gVA-Seite 0x{gva:x} keinen anderen Teilhaber und macht sie ohne Kopie wieder "
                     "beschreibbar"),
    "nar.gw_flush_mm": ("reloads CR3 to flush the address space from the TLB (flush_tlb_mm)",
                        "lädt CR3 neu, um den Adressraum aus dem TLB zu entfernen (flush_tlb_mm)"),
    "nar.gw_exit": ("tears down the address space of process {proc}", "baut den Adressraum von Prozess {proc} ab"),
    "nar.gw_segv": ("refuses the access ({detail}): the process gets a segmentation fault",
                    "verweigert den Zugriff ({detail}): der Prozess erhält einen Speicherzugriffsfehler"),
    "nar.segv_oom": ("out of memory", "kein Speicher mehr"),
    "nar.gw_oom": ("has no free guest-physical page left", "hat keine freie physische Seite mehr"),
    "nar.and": (" and ", " und "),
    "nar.during_back": ("its first touch of a guest-physical page exits, and the VMM backs it with a machine"
                        " page|its {n} first touches of guest-physical pages exit, and the VMM backs each "
                        "with a machine page",
                        "sein erster Zugriff auf eine physische Seite führt zum Exit, und der VMM hinterlegt"
                        " sie mit einer Maschinenseite|seine ersten {n} Zugriffe auf physische Seiten führen"
                        " zum Exit, und der VMM hinterlegt jede mit einer Maschinenseite"),
    "nar.during_novpid": ("without VPID each of its exits and re-entries flushes the TLB|without VPID each "
                          "of its {n} exits and re-entries flushes the TLB",
                          "ohne VPID leert sein VM-Exit samt Wiedereintritt den TLB|ohne VPID leeren seine "
                          "{n} VM-Exits samt Wiedereintritt jeweils den TLB"),
    "nar.during_ptw": ("its write to a write-protected page table exits and the VMM emulates it|its {n} "
                       "writes to write-protected page tables exit and the VMM emulates each",
                       "sein Schreibzugriff auf eine schreibgeschützte Seitentabelle führt zum Exit, der VMM"
                       " emuliert ihn|seine {n} Schreibzugriffe auf schreibgeschützte Seitentabellen führen "
                       "zum Exit, der VMM emuliert jeden"),
    "nar.back": ("the VMM backs gPA 0x{gpa:x} with machine page 0x{ma:x}",
                 "der VMM hinterlegt gPA 0x{gpa:x} mit der Maschinenseite 0x{ma:x}"),
    "nar.share": ("{vm} gPA 0x{gpa:x} now maps the shared, read-only machine page 0x{ma:x}",
                  "{vm} gPA 0x{gpa:x} zeigt jetzt auf die gemeinsam genutzte, schreibgeschützte "
                  "Maschinenseite 0x{ma:x}"),
    "nar.cow": ("copy-on-write: {vm} gPA 0x{gpa:x} gets a private copy at machine page 0x{ma:x}",
                "Copy-on-Write: {vm} gPA 0x{gpa:x} erhält eine private Kopie in Maschinenseite 0x{ma:x}"),
    "nar.unshare": ("the last sharer, {vm} gPA 0x{gpa:x}, keeps machine page 0x{ma:x} as its own",
                    "der letzte Teilhaber, {vm} gPA 0x{gpa:x}, behält die Maschinenseite 0x{ma:x} für sich"),
    "nar.swap_out": ("the VMM swaps out {vm} gPA 0x{gpa:x}; machine page 0x{ma:x} is freed",
                     "der VMM lagert {vm} gPA 0x{gpa:x} aus; die Maschinenseite 0x{ma:x} wird frei"),
    "nar.swap_in": ("swap-in from disk: gPA 0x{gpa:x} gets machine page 0x{ma:x} (milliseconds)",
                    "Einlagern von der Platte: gPA 0x{gpa:x} erhält die Maschinenseite 0x{ma:x} "
                    "(Millisekunden)"),
    "nar.ept_write": ("the VMM writes the nested (EPT) entry",
                      "der VMM schreibt den verschachtelten (EPT-)Eintrag"),
    "nar.ept_clear": ("the VMM clears the nested (EPT) entry",
                      "der VMM löscht den verschachtelten (EPT-)Eintrag"),
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
    "nar.tlb_fill": ("the TLB caches gVA page 0x{gva:x} → MA 0x{ma:x}",
                     "der TLB speichert gVA-Seite 0x{gva:x} → MA 0x{ma:x}"),
    "nar.tlb_flush": ("TLB flush ({reason}): one entry dropped|TLB flush ({reason}): {n} entries dropped",
                      "TLB-Leerung ({reason}): ein Eintrag verworfen|TLB-Leerung ({reason}): {n} Einträge "
                      "verworfen"),
    "nar.read": ("the read returns 0x{value:x} from MA 0x{ma:x}",
                 "das Lesen liefert 0x{value:x} aus MA 0x{ma:x}"),
    "nar.write": ("the write stores 0x{value:x} at MA 0x{ma:x}",
                  "das Schreiben legt 0x{value:x} an MA 0x{ma:x} ab"),
    "nar.exec": ("the instruction fetch reads MA 0x{ma:x}", "der Befehlsabruf liest MA 0x{ma:x}"),
    "fault.not-present": ("not present", "nicht vorhanden"),
    "fault.write-protect": ("write to a read-only page", "Schreiben auf eine schreibgeschützte Seite"),
    "fault.no-exec": ("no execute permission", "keine Ausführungsberechtigung"),
    "fault.user": ("supervisor-only page", "nur für den Kernel"),
    "fault.not-present.level": ("no entry at the {level} level", "kein Eintrag auf Ebene {level}"),
    "nar.salting": ("(ESXi salts page sharing to within one VM by default since 2015, Mem.ShareForceSalting=2; "
                    "the figure shows the classic sharing between VMs)",
                    "(ESXi beschränkt die gemeinsame Nutzung von Seiten seit 2015 standardmäßig auf eine VM, "
                    "Mem.ShareForceSalting=2; die Abbildung zeigt die klassische Nutzung über VMs hinweg)"),
    "nar.invept": ("the VMM runs INVEPT (single-context): {vm}'s cached combined mappings go — "
                   "one entry|the VMM runs INVEPT (single-context): {vm}'s cached combined mappings go — {n} entries",
                   "der VMM führt INVEPT aus (Single-Context): die zwischengespeicherten kombinierten Zuordnungen "
                   "von {vm} werden verworfen — ein Eintrag|der VMM führt INVEPT aus (Single-Context): die "
                   "zwischengespeicherten kombinierten Zuordnungen von {vm} werden verworfen — {n} Einträge"),
    "nar.invept_all": ("the VMM runs INVEPT (all-context): every cached combined mapping goes — one entry|the VMM"
                       " runs INVEPT (all-context): every cached combined mapping goes — {n} entries",
                       "der VMM führt INVEPT aus (All-Context): alle zwischengespeicherten kombinierten "
                       "Zuordnungen werden verworfen — ein Eintrag|der VMM führt INVEPT aus (All-Context): alle "
                       "zwischengespeicherten kombinierten Zuordnungen werden verworfen — {n} Einträge"),
    "reason.vm_switch_no_vpid": ("VM switch without VPID", "VM-Wechsel ohne VPID"),
    "reason.vm_exit_no_vpid": ("VM exit and re-entry without VPID", "VM-Exit und Wiedereintritt ohne VPID"),
    "reason.vmm_run_no_vpid": ("the VMM ran: re-entry without VPID", "der VMM lief: Wiedereintritt ohne VPID"),
    "reason.cr3_no_pcid": ("CR3 load without PCID", "Laden von CR3 ohne PCID"),
    "reason.invlpg": ("INVLPG", "INVLPG"),
    "reason.address_space_flush": ("the guest flushed the address space (CR3 reloaded)",
                                   "der Gast leerte den Adressraum (CR3 neu geladen)"),
    "reason.shadow_entry_dropped": ("INVVPID of the dropped shadow entry's gVA",
                                    "INVVPID für die gVA des verworfenen Schatteneintrags"),
    "reason.shadow_entry_dropped.vm": ("INVVPID of the whole VPID: a shadow table was dropped",
                                       "INVVPID für die ganze VPID: eine Schattentabelle wurde verworfen"),
    "reason.shadow_root_evicted": ("evicted shadow root", "Schattenwurzel verdrängt"),
    "reason.pmap_change": ("pmap change: INVVPID of each dropped shadow entry's gVA",
                           "pmap-Änderung: INVVPID für die gVA jedes verworfenen Schatteneintrags"),
    "reason.pmap_change.vm": ("pmap change: INVVPID of the whole VPID", "pmap-Änderung: INVVPID für die ganze VPID"),
    "reason.invept": ("INVEPT", "INVEPT"),
    "zap.guest_pte_write": ("guest PTE write", "Schreiben eines Gast-PTE"),
    "zap.pmap_change": ("pmap change", "pmap-Änderung"),
    "zap.invlpg": ("INVLPG", "INVLPG"),
    "state.unmapped": ("unmapped", "nicht zugeordnet"),
    "state.private": ("private", "privat"),
    "state.shared": ("shared", "gemeinsam genutzt"),
    "state.swapped": ("swapped out", "ausgelagert"),
    "refusal.no_vmm_share": ("no VMM in native mode: nothing to share",
                             "im nativen Modus gibt es keinen VMM: nichts zu teilen"),
    "refusal.no_vmm_swap": ("no VMM in native mode: nothing to swap",
                            "im nativen Modus gibt es keinen VMM: nichts auszulagern"),
    "refusal.share_not_mapped": ("not shared: a page is not mapped in the guest",
                                 "nicht geteilt: eine Seite ist im Gast nicht abgebildet"),
    "refusal.share_state": ("not shared: {vm} gPPN 0x{gppn:x} is {state}",
                            "nicht geteilt: {vm} gPPN 0x{gppn:x} ist {state}"),
    "refusal.share_page_table": ("not shared: {vm} gPPN 0x{gppn:x} is a guest page-table page",
                                 "nicht geteilt: {vm} gPPN 0x{gppn:x} ist eine Seitentabellenseite des Gasts"),
    "refusal.already_shared": ("already sharing one machine page", "nutzen bereits eine Maschinenseite gemeinsam"),
    "refusal.contents_differ": ("not shared: the contents differ (a hash match is confirmed by a full compare)",
                                "nicht geteilt: die Inhalte unterscheiden sich (ein Hash-Treffer wird durch einen "
                                "vollständigen Vergleich bestätigt)"),
    "refusal.swap_not_mapped": ("not swapped: the page is not mapped in the guest",
                                "nicht ausgelagert: die Seite ist im Gast nicht abgebildet"),
    "refusal.swap_state": ("not swapped: gPPN 0x{gppn:x} is {state}",
                           "nicht ausgelagert: gPPN 0x{gppn:x} ist {state}"),
    # -- the MMU caches in a walk, the #PF's and EPT violation's invalidations ------------------------
    "nar.cache_hit_combined": ("{cache} hit — a combined mapping: it holds the host-physical address of the guest's "
                               "next table, so the walk skips {levels} and their nested walks (1 reference saved)|"
                               "{cache} hit — a combined mapping: it holds the host-physical address of the guest's "
                               "next table, so the walk skips {levels} and their nested walks ({n} references saved)",
                               "Treffer im {cache} — eine kombinierte Zuordnung: sie hält die hostphysische Adresse "
                               "der nächsten Tabelle des Gasts, also überspringt der Durchlauf {levels} samt ihrer "
                               "verschachtelten Durchläufe (1 Zugriff gespart)|"
                               "Treffer im {cache} — eine kombinierte Zuordnung: sie hält die hostphysische Adresse "
                               "der nächsten Tabelle des Gasts, also überspringt der Durchlauf {levels} samt ihrer "
                               "verschachtelten Durchläufe ({n} Zugriffe gespart)"),
    "nar.gpa_hit": ("{cache} hit for gPA 0x{gpa:x}: no nested walk (1 reference saved)|"
                    "{cache} hit for gPA 0x{gpa:x}: no nested walk ({n} references saved)",
                    "Treffer im {cache} für gPA 0x{gpa:x}: kein verschachtelter Durchlauf (1 Zugriff gespart)|"
                    "Treffer im {cache} für gPA 0x{gpa:x}: kein verschachtelter Durchlauf ({n} Zugriffe gespart)"),
    "nar.gpa_hits": ("{cache} hits for {k} gPAs: no nested walk for them (1 reference saved)|"
                     "{cache} hits for {k} gPAs: no nested walk for them ({n} references saved)",
                     "Treffer im {cache} für {k} gPAs: kein verschachtelter Durchlauf für sie (1 Zugriff gespart)|"
                     "Treffer im {cache} für {k} gPAs: kein verschachtelter Durchlauf für sie ({n} Zugriffe gespart)"),
    "nar.ept_psc_hits": ("EPT paging-structure-cache hits shorten the nested walks (1 reference saved)|"
                         "EPT paging-structure-cache hits shorten the nested walks ({n} references saved)",
                         "Treffer in den Paging-Structure-Caches des EPT verkürzen die verschachtelten Durchläufe "
                         "(1 Zugriff gespart)|Treffer in den Paging-Structure-Caches des EPT verkürzen die "
                         "verschachtelten Durchläufe ({n} Zugriffe gespart)"),
    "nar.pwc_hits": ("the page-walk cache holds one of the entries (1 reference saved)|"
                     "the page-walk cache holds {n} of the entries ({n} references saved)",
                     "der Page-Walk-Cache hält einen der Einträge (1 Zugriff gespart)|"
                     "der Page-Walk-Cache hält {n} der Einträge ({n} Zugriffe gespart)"),
    "nar.tlb_denied": ("the TLB entry for gVA page 0x{gva:x} does not allow this access: the CPU walks the tables "
                       "again (the SDM also allows a #PF straight from the entry)",
                       "der TLB-Eintrag für gVA-Seite 0x{gva:x} erlaubt diesen Zugriff nicht: die CPU durchläuft "
                       "die Tabellen erneut (das SDM erlaubt auch einen #PF direkt aus dem Eintrag)"),
    "nar.tlb_clean": ("the TLB entry for gVA page 0x{gva:x} is writable but clean: the CPU walks the tables again to "
                      "set the dirty flag",
                      "der TLB-Eintrag für gVA-Seite 0x{gva:x} ist beschreibbar, aber sauber: die CPU durchläuft die "
                      "Tabellen erneut, um das Dirty-Bit zu setzen"),
    "nar.tlb_entries": ("1 TLB entry|{n} TLB entries", "1 TLB-Eintrag|{n} TLB-Einträge"),
    "nar.cache_entries": ("1 MMU-cache entry|{n} MMU-cache entries", "1 MMU-Cache-Eintrag|{n} MMU-Cache-Einträge"),
    "nar.pf_drops": ("the #PF invalidates what the CPU cached for the faulting address: {what}",
                     "der #PF macht ungültig, was die CPU für die fehlerhafte Adresse zwischengespeichert hat: {what}"),
    "nar.eptv_drops": ("the EPT violation invalidates the cached translations of its gPA and linear address: {what}",
                       "die EPT-Verletzung macht die zwischengespeicherten Übersetzungen ihrer gPA und linearen "
                       "Adresse ungültig: {what}"),
    "nar.eptv_drops.amd": ("the nested page fault invalidates the cached translations of its gPA and linear "
                           "address: {what}",
                           "der verschachtelte Seitenfehler macht die zwischengespeicherten Übersetzungen seiner gPA "
                           "und linearen Adresse ungültig: {what}"),
    "nar.and_caches": (" and 1 MMU-cache entry| and {n} MMU-cache entries",
                       " und 1 MMU-Cache-Eintrag| und {n} MMU-Cache-Einträge"),
    "nar.tlb_fill_2m": ("the TLB caches a 2 MiB entry for gVA page 0x{gva:x} → MA 0x{ma:x}: it answers all 512 "
                        "pages of the 2 MiB page",
                        "der TLB speichert einen 2-MiB-Eintrag für gVA-Seite 0x{gva:x} → MA 0x{ma:x}: er beantwortet "
                        "alle 512 Seiten der 2-MiB-Seite"),
    # -- large pages ----------------------------------------------------------------------------------
    "nar.gw_tables_2m": ("allocates a page table and a 2 MiB page at gPA 0x{gpa:x}|allocates {n} page tables "
                         "and a 2 MiB page at gPA 0x{gpa:x}",
                         "legt eine Seitentabelle und eine 2-MiB-Seite bei gPA 0x{gpa:x} an|legt {n} "
                         "Seitentabellen und eine 2-MiB-Seite bei gPA 0x{gpa:x} an"),
    "nar.gw_2m": ("allocates a 2 MiB page at gPA 0x{gpa:x}", "legt eine 2-MiB-Seite bei gPA 0x{gpa:x} an"),
    "nar.gw_zero_2m": ("zeroes the table and all 512 pages of the 2 MiB page|zeroes the {n} tables and all 512 "
                       "pages of the 2 MiB page",
                       "nullt die Tabelle und alle 512 Seiten der 2-MiB-Seite|nullt die {n} Tabellen und alle 512 "
                       "Seiten der 2-MiB-Seite"),
    "nar.gw_zero_2m_only": ("zeroes all 512 pages of the 2 MiB page", "nullt alle 512 Seiten der 2-MiB-Seite"),
    "nar.gw_split": ("splits the 2 MiB page at gVA 0x{gva:x} into a new page table of 512 PTEs (split_huge_pmd)",
                     "teilt die 2-MiB-Seite bei gVA 0x{gva:x} in eine neue Seitentabelle mit 512 PTEs auf "
                     "(split_huge_pmd)"),
    "nar.gw_reuse_2m": ("finds no other sharer of the 2 MiB page at gVA 0x{gva:x} and makes it writable again, "
                        "whole, without a copy",
                        "findet für die 2-MiB-Seite bei gVA 0x{gva:x} keinen anderen Teilhaber und macht sie als "
                        "Ganzes ohne Kopie wieder beschreibbar"),
    "nar.gw_fork_2m": ("a 2 MiB page stays whole, write-protected in both (copy_huge_pmd)|{n} 2 MiB pages stay "
                       "whole, write-protected in both (copy_huge_pmd)",
                       "eine 2-MiB-Seite bleibt ganz, in beiden schreibgeschützt (copy_huge_pmd)|{n} 2-MiB-Seiten "
                       "bleiben ganz, in beiden schreibgeschützt (copy_huge_pmd)"),
    "nar.gw_fork_2m_only": ("forks: child {proc} gets the PD entry of a 2 MiB page, which stays whole, "
                            "write-protected in both address spaces (copy_huge_pmd)|forks: child {proc} gets the PD "
                            "entries of {n} 2 MiB pages, which stay whole, write-protected in both address spaces "
                            "(copy_huge_pmd)",
                            "forkt: Kindprozess {proc} erhält den PD-Eintrag einer 2-MiB-Seite, die ganz bleibt, in "
                            "beiden Adressräumen schreibgeschützt (copy_huge_pmd)|forkt: Kindprozess {proc} erhält "
                            "die PD-Einträge von {n} 2-MiB-Seiten, die ganz bleiben, in beiden Adressräumen "
                            "schreibgeschützt (copy_huge_pmd)"),
    "nar.during_back_2m": ("its first touch of an unbacked 2 MiB block exits, and the VMM backs the whole block with "
                           "one 2 MiB machine page|its {n} first touches of unbacked 2 MiB blocks exit, and the VMM "
                           "backs each whole block with one 2 MiB machine page",
                           "sein erster Zugriff auf einen nicht hinterlegten 2-MiB-Block führt zum Exit, und der VMM "
                           "hinterlegt den ganzen Block mit einer 2-MiB-Maschinenseite|seine ersten {n} Zugriffe auf "
                           "nicht hinterlegte 2-MiB-Blöcke führen zum Exit, und der VMM hinterlegt jeden ganzen Block "
                           "mit einer 2-MiB-Maschinenseite"),
    "nar.back_2m": ("the VMM backs the whole 2 MiB block at gPA 0x{gpa:x} with one 2 MiB machine page at MA "
                    "0x{ma:x}",
                    "der VMM hinterlegt den ganzen 2-MiB-Block bei gPA 0x{gpa:x} mit einer 2-MiB-Maschinenseite bei "
                    "MA 0x{ma:x}"),
    "nar.ept_write_2m": ("the VMM writes one 2 MiB nested (EPT) entry",
                         "der VMM schreibt einen verschachtelten (EPT-)Eintrag für 2 MiB"),
    "nar.ept_write_2m.amd": ("the VMM writes one 2 MiB nested (NPT) entry",
                             "der VMM schreibt einen verschachtelten (NPT-)Eintrag für 2 MiB"),
    "nar.ept_split": ("the VMM splits the 2 MiB EPT mapping of the block at gPA 0x{gpa:x} into a table of 512 "
                      "4 KiB entries, so that one 4 KiB part can change",
                      "der VMM teilt die 2-MiB-Abbildung des Blocks bei gPA 0x{gpa:x} im EPT in eine Tabelle mit "
                      "512 Einträgen für 4 KiB auf, damit sich ein 4-KiB-Teil ändern kann"),
    "nar.ept_split.amd": ("the VMM splits the 2 MiB NPT mapping of the block at gPA 0x{gpa:x} into a table of 512 "
                          "4 KiB entries, so that one 4 KiB part can change",
                          "der VMM teilt die 2-MiB-Abbildung des Blocks bei gPA 0x{gpa:x} in der NPT in eine Tabelle "
                          "mit 512 Einträgen für 4 KiB auf, damit sich ein 4-KiB-Teil ändern kann"),
    "nar.shadow_zap_table": ("the VMM drops the shadow entry covering {span} from gVA 0x{gva:x} ({reason}) and the "
                             "shadow table below it|the VMM drops the shadow entry covering {span} from gVA "
                             "0x{gva:x} ({reason}) and the {n} shadow tables below it",
                             "der VMM verwirft den Schatteneintrag für {span} ab gVA 0x{gva:x} ({reason}) und die "
                             "Schattentabelle darunter|der VMM verwirft den Schatteneintrag für {span} ab gVA "
                             "0x{gva:x} ({reason}) und die {n} Schattentabellen darunter"),
    # -- the guest's jobs -------------------------------------------------------------------------------
    "nar.gw_cleared": ("clears 1 entry|clears {n} entries", "löscht 1 Eintrag|löscht {n} Einträge"),
    "nar.gw_free_n": ("frees {n} guest-physical pages", "gibt {n} physische Seiten frei"),
    "nar.gw_unmap": ("clears the PTE of gVA 0x{gva:x}", "löscht den PTE von gVA 0x{gva:x}"),
    "nar.gw_protect": ("makes gVA 0x{gva:x} read-only", "macht gVA 0x{gva:x} schreibgeschützt"),
    # -- AMD's names (SVM) --------------------------------------------------------------------------------
    "nar.exit_ept.amd": ("nested page fault (#NPF) at gPA 0x{gpa:x}: #VMEXIT to the VMM",
                         "verschachtelter Seitenfehler (#NPF) bei gPA 0x{gpa:x}: #VMEXIT zum VMM"),
    "nar.exit_ept_table.amd": ("nested page fault (#NPF) at gPA 0x{gpa:x}: the nested page tables have no entry at "
                               "the {level} level for the guest's {table} table — #VMEXIT to the VMM",
                               "verschachtelter Seitenfehler (#NPF) bei gPA 0x{gpa:x}: die verschachtelten "
                               "Seitentabellen haben auf Ebene {level} keinen Eintrag für die {table}-Tabelle des "
                               "Gasts — #VMEXIT zum VMM"),
    "nar.exit_ept_data.amd": ("nested page fault (#NPF) at gPA 0x{gpa:x}: the nested page tables have no entry at "
                              "the {level} level for the data page — #VMEXIT to the VMM",
                              "verschachtelter Seitenfehler (#NPF) bei gPA 0x{gpa:x}: die verschachtelten "
                              "Seitentabellen haben auf Ebene {level} keinen Eintrag für die Datenseite — #VMEXIT zum "
                              "VMM"),
    "nar.exit_ept_write.amd": ("nested page fault (#NPF) at gPA 0x{gpa:x}: the nested entry is read-only (a shared "
                               "page) and this is a write — #VMEXIT to the VMM",
                               "verschachtelter Seitenfehler (#NPF) bei gPA 0x{gpa:x}: der verschachtelte Eintrag ist "
                               "schreibgeschützt (eine gemeinsam genutzte Seite), und dies ist ein Schreibzugriff — "
                               "#VMEXIT zum VMM"),
    "nar.ept_write.amd": ("the VMM writes the nested (NPT) entry", "der VMM schreibt den verschachtelten (NPT-)Eintrag"),
    "nar.ept_clear.amd": ("the VMM clears the nested (NPT) entry", "der VMM löscht den verschachtelten (NPT-)Eintrag"),
    "nar.invept.amd": ("the VMM has the next VMRUN flush {vm}'s ASID (TLB control): its cached translations go — "
                       "one entry|the VMM has the next VMRUN flush {vm}'s ASID (TLB control): its cached "
                       "translations go — {n} entries",
                       "der VMM lässt beim nächsten VMRUN die ASID von {vm} leeren (TLB-Control): ihre "
                       "zwischengespeicherten Übersetzungen werden verworfen — ein Eintrag|der VMM lässt beim nächsten "
                       "VMRUN die ASID von {vm} leeren (TLB-Control): ihre zwischengespeicherten Übersetzungen werden "
                       "verworfen — {n} Einträge"),
    "nar.invept_all.amd": ("the VMM has the next VMRUN flush every ASID (TLB control): every cached translation goes "
                           "— one entry|the VMM has the next VMRUN flush every ASID (TLB control): every cached "
                           "translation goes — {n} entries",
                           "der VMM lässt beim nächsten VMRUN alle ASIDs leeren (TLB-Control): alle "
                           "zwischengespeicherten Übersetzungen werden verworfen — ein Eintrag|der VMM lässt beim "
                           "nächsten VMRUN alle ASIDs leeren (TLB-Control): alle zwischengespeicherten Übersetzungen "
                           "werden verworfen — {n} Einträge"),
    "nar.during_novpid.amd": ("without ASIDs each of its #VMEXITs and VMRUNs flushes the TLB|without ASIDs each of "
                              "its {n} #VMEXITs and VMRUNs flushes the TLB",
                              "ohne ASIDs leert sein #VMEXIT samt VMRUN den TLB|ohne ASIDs leeren seine {n} #VMEXITs "
                              "samt VMRUN jeweils den TLB"),
    "reason.vm_switch_no_vpid.amd": ("VM switch without ASIDs", "VM-Wechsel ohne ASIDs"),
    "reason.vm_exit_no_vpid.amd": ("#VMEXIT and VMRUN without ASIDs", "#VMEXIT und VMRUN ohne ASIDs"),
    "reason.vmm_run_no_vpid.amd": ("the VMM ran: VMRUN without ASIDs", "der VMM lief: VMRUN ohne ASIDs"),
    "reason.shadow_entry_dropped.amd": ("INVLPGA of the dropped shadow entry's gVA",
                                        "INVLPGA für die gVA des verworfenen Schatteneintrags"),
    "reason.shadow_entry_dropped.vm.amd": ("a flush of the guest's ASID: a shadow table was dropped",
                                           "Leerung der ASID des Gasts: eine Schattentabelle wurde verworfen"),
    "reason.pmap_change.amd": ("pmap change: INVLPGA of each dropped shadow entry's gVA",
                               "pmap-Änderung: INVLPGA für die gVA jedes verworfenen Schatteneintrags"),
    "reason.pmap_change.vm.amd": ("pmap change: a flush of the guest's ASID", "pmap-Änderung: Leerung der ASID des Gasts"),
    "reason.invept.amd": ("TLB control: ASID flush", "TLB-Control: Leerung der ASID"),
    "reason.page_fault": ("page fault", "Seitenfehler"),
    "reason.ept_violation": ("EPT violation", "EPT-Verletzung"),
    "reason.ept_violation.amd": ("nested page fault", "verschachtelter Seitenfehler"),
}
