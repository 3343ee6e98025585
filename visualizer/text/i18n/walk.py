"""Strings of the MMU caches and the walk grid (render/walkgrid.py)."""
from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "event.WalkCacheHit": ("walk cache hit", "Treffer im Page-Walk-Cache"),
    "cache.pml4e": ("PML4E cache", "PML4E-Cache"),
    "cache.pdpte": ("PDPTE cache", "PDPTE-Cache"),
    "cache.pde": ("PDE cache", "PDE-Cache"),
    "cache.ntlb": ("nested TLB", "verschachtelten TLB"),
    "cache.gpa": ("guest-physical mapping", "Cache der Guest-Physical-Zuordnungen"),
    "cache.pwc": ("page-walk cache", "Page-Walk-Cache"),
    "cache.ept-pml4e": ("EPT PML4E cache", "EPT-PML4E-Cache"),
    "cache.ept-pdpte": ("EPT PDPTE cache", "EPT-PDPTE-Cache"),
    "cache.ept-pde": ("EPT PDE cache", "EPT-PDE-Cache"),
    "nar.cache_hit": ("{cache} hit: skips {levels} (1 reference saved)|"
                      "{cache} hit: skips {levels} ({n} references saved)",
                      "Treffer im {cache}: überspringt {levels} (1 Zugriff gespart)|"
                      "Treffer im {cache}: überspringt {levels} ({n} Zugriffe gespart)"),
    "nar.ntlb_hit": ("nested TLB hit for gPA 0x{gpa:x}: no nested walk (1 reference saved)|"
                     "nested TLB hit for gPA 0x{gpa:x}: no nested walk ({n} references saved)",
                     "Treffer im verschachtelten TLB für gPA 0x{gpa:x}: kein verschachtelter Seitentabellendurchlauf "
                     "(1 Zugriff gespart)|"
                     "Treffer im verschachtelten TLB für gPA 0x{gpa:x}: kein verschachtelter Seitentabellendurchlauf "
                     "({n} Zugriffe gespart)"),
    "grid.title.nested": ("The two-dimensional walk", "Der zweidimensionale Seitentabellendurchlauf"),
    "grid.title.flat": ("The page walk", "Der Seitentabellendurchlauf"),
    "grid.col.guest": ("guest entry", "Gast-Eintrag"),
    "grid.col.nested": ("nested {level}", "verschachtelt {level}"),
    "grid.row.guest": ("guest {level}", "Gast {level}"),
    "grid.row.data": ("data gPA", "Daten-gPA"),
    "grid.row.data_flat": ("data", "Daten"),
    "grid.done": ("done", "ausgeführt"),
    "grid.cached": ("skipped by a cache", "von einem Cache erspart"),
    "grid.unneeded": ("not needed (large page)", "nicht nötig (große Seite)"),
    "grid.total": ("{n} reference of {full}: {cached} skipped by caches, {unneeded} not needed|"
                   "{n} references of {full}: {cached} skipped by caches, {unneeded} not needed",
                   "{n} Zugriff von {full}: {cached} von Caches erspart, {unneeded} nicht nötig|"
                   "{n} Zugriffe von {full}: {cached} von Caches erspart, {unneeded} nicht nötig"),
    "grid.none": ("No page walk at this step (TLB hit or no access).",
                  "Kein Seitentabellendurchlauf in diesem Schritt (TLB-Treffer oder kein Zugriff)."),
    # Compare page: large pages and MMU caches, the features sweep, the paper check
    "cmp.mmu": ("Large pages and MMU caches", "Große Seiten und MMU-Caches"),
    "cmp.mmu.guest_large": ("guest 2 MiB pages", "2-MiB-Seiten im Gast"),
    "cmp.mmu.guest_large.help": ("The guest maps 2 MiB pages where it can (Linux THP).",
                                 "Der Gast bildet 2-MiB-Seiten ab, wo er kann (Linux THP)."),
    "cmp.mmu.ept_large": ("2 MiB EPT backing", "2-MiB-Hinterlegung im EPT"),
    "cmp.mmu.ept_large.help": ("Nested mode: the VMM backs guest memory with 2 MiB machine blocks.",
                               "Verschachtelter Modus: Der VMM hinterlegt den Gastspeicher mit 2-MiB-Maschinenblöcken."),
    "cmp.mmu.pwc": ("paging-structure caches", "Paging-Structure-Caches"),
    "cmp.mmu.pwc.help": ("Intel-style PML4E, PDPTE and PDE caches: a TLB miss skips the levels they hold.",
                         "PML4E-, PDPTE- und PDE-Caches nach Intel-Art: Ein TLB-Fehltreffer überspringt die "
                         "Ebenen, die sie halten."),
    "cmp.mmu.nested_tlb": ("nested TLB", "verschachtelter TLB"),
    "cmp.mmu.nested_tlb.help": ("Caches gPA → MA translations of the 2D walk.",
                                "Speichert Übersetzungen gPA → MA des zweidimensionalen Durchlaufs."),
    "cmp.mmu.caption": ("Off unless switched on here; they apply on top of a scenario's machine, like the TLB.",
                        "Aus, solange hier nicht eingeschaltet; sie gelten wie der TLB zusätzlich zur "
                        "Maschine eines Szenarios."),
    "why.caches": ("**What the MMU caches remove.** A nested TLB miss walks {on} references on average with "
                   "the caches, {off} without (same trace, caches off): the caches remove **{walk}** of nested "
                   "paging's walk cycles and **{gap}** of its cost over native (nested over native: {over_off} "
                   "without, {over_on} with).",
                   "**Was die MMU-Caches einsparen.** Ein TLB-Fehltreffer im verschachtelten Modus liest mit den "
                   "Caches im Mittel {on} Einträge, ohne {off} (derselbe Trace, Caches aus): die Caches sparen "
                   "**{walk}** der Takte für Seitentabellendurchläufe und **{gap}** der Mehrkosten gegenüber nativ (verschachtelt "
                   "gegenüber nativ: {over_off} ohne, {over_on} mit)."),
    "why.caches.off": ("Nested paging's walks here run without MMU caches (each miss up to 24 references); "
                       "switch on the paging-structure caches and the nested TLB above to see how much of "
                       "that cost they remove.",
                       "Die Seitentabellendurchläufe laufen hier ohne MMU-Caches (bis zu 24 Zugriffe je Fehltreffer); schalten Sie "
                       "oben die Paging-Structure-Caches und den verschachtelten TLB ein, um zu sehen, wie viel "
                       "davon sie einsparen."),
    "sweep.features": ("large pages and MMU caches", "große Seiten und MMU-Caches"),
    "feat.plain": ("none", "keine"),
    "feat.pwc": ("paging-structure caches", "Paging-Structure-Caches"),
    "feat.pwc_ntlb": ("those + nested TLB", "diese + verschachtelter TLB"),
    "feat.ept_large": ("2 MiB EPT", "2 MiB im EPT"),
    "feat.both_large": ("2 MiB guest + EPT", "2 MiB Gast + EPT"),
    "feat.all": ("all four", "alle vier"),
    "cmp.sweep.features": ("Points: {points}. Each point sets all four switches (large pages in the guest and "
                           "the EPT, paging-structure caches, nested TLB).",
                           "Punkte: {points}. Jeder Punkt setzt alle vier Schalter (große Seiten im Gast und im "
                           "EPT, Paging-Structure-Caches, verschachtelter TLB)."),
    "paper.title": ("Paper check: references per walk", "Abgleich mit der Literatur: Zugriffe je Seitentabellendurchlauf"),
    "paper.intro": ("Each built-in workload ({accesses} accesses, default parameters, on its default machine) "
                    "runs natively and with nested paging three times: without MMU caches, with the "
                    "guest-dimension paging-structure caches only, and with those plus the nested TLB. The table "
                    "gives CPU walk references per TLB miss (walks that fault count too) and how much faster "
                    "nested mode runs with both caches than without.",
                    "Jede eingebaute Last ({accesses} Zugriffe, Standardparameter, auf ihrer Standardmaschine) "
                    "läuft nativ und verschachtelt je dreimal: ohne MMU-Caches, nur mit den Paging-Structure-"
                    "Caches der Gast-Dimension und mit diesen plus dem verschachtelten TLB. Die Tabelle zeigt "
                    "die Zugriffe der Seitentabellendurchläufe je TLB-Fehltreffer (auch Durchläufe, die in einen Fehler laufen) und "
                    "wie viel schneller der verschachtelte Modus mit beiden Caches läuft als ohne."),
    "paper.run": ("Run the paper check", "Abgleich berechnen"),
    "paper.workload": ("workload", "Last"),
    "paper.col": ("{mode}: {caches}", "{mode}, {caches}"),
    "paper.caches.none": ("no caches", "ohne Caches"),
    "paper.caches.guest": ("guest caches", "Gast-Caches"),
    "paper.caches.both": ("guest caches + nested TLB", "Gast-Caches + verschachtelter TLB"),
    "paper.speedup": ("nested: faster with both", "verschachtelt: schneller mit beiden"),
    "paper.mean": ("mean", "Mittel"),
    "paper.compare": ("**Published:** \"Every Walk's a Hit\" (ASPLOS'22) measures about **1.5** references per "
                      "walk natively and **4.4** virtualized on real CPUs with their caches; here the mean is "
                      "**{native}** natively and **{nested}** nested with both caches ({nested_none} without any). "
                      "Bhargava et al. (ASPLOS'08) report **15–38 %** better guest performance from a 2D page-walk "
                      "cache with a nested TLB; here nested mode runs **{lo}–{hi}** faster with both caches.",
                      "**Veröffentlicht:** „Every Walk's a Hit“ (ASPLOS'22) misst auf echten CPUs mit ihren "
                      "Caches etwa **1,5** Zugriffe je Seitentabellendurchlauf nativ und **4,4** virtualisiert; hier ist das Mittel "
                      "**{native}** nativ und **{nested}** verschachtelt mit beiden Caches ({nested_none} ohne). "
                      "Bhargava et al. (ASPLOS'08) berichten **15–38 %** bessere Leistung des Gasts durch einen "
                      "2D-Page-Walk-Cache mit verschachteltem TLB; hier läuft der verschachtelte Modus mit "
                      "beiden Caches **{lo}–{hi}** schneller."),
    "paper.differs": ("**Where the model differs.** Its caches are Intel-style: paging-structure caches keyed by "
                      "the linear address (and PCID/VPID), with no caches for the EPT tables' own upper levels, "
                      "and a 64-entry nested TLB — Bhargava et al. model AMD's 2D page-walk cache, keyed by "
                      "physical address, which also keeps nested entries of the guest tables' translations. The "
                      "runs are short (cold misses and page faults weigh heavily, and a faulting walk counts), "
                      "the workloads are synthetic, and every reference costs the same (no data caches behind the "
                      "walker): the speed-ups can exceed measured ones, because walks are all the model "
                      "charges for on a TLB miss. The references per walk land near ASPLOS'22's because the "
                      "upper levels almost always hit, as on real CPUs.",
                      "**Wo das Modell abweicht.** Seine Caches folgen Intel: Paging-Structure-Caches nach "
                      "linearer Adresse (und PCID/VPID), keine Caches für die oberen Ebenen der EPT-Tabellen "
                      "selbst, und ein verschachtelter TLB mit 64 Einträgen — Bhargava et al. modellieren AMDs "
                      "2D-Page-Walk-Cache, der nach physischer Adresse sucht. Die Läufe sind kurz (kalte "
                      "Fehltreffer und Seitenfehler wiegen schwer, auch ein Seitentabellendurchlauf, der in einen Fehler läuft, "
                      "zählt), die Lasten sind synthetisch, und jeder Zugriff kostet gleich viel (keine "
                      "Datencaches hinter der Hardware für Seitentabellendurchläufe): die Beschleunigungen können gemessene übertreffen, "
                      "weil das Modell bei einem TLB-Fehltreffer nur die Seitentabellendurchläufe berechnet. Die Zugriffe je Durchlauf "
                      "liegen nahe an ASPLOS'22, weil die oberen Ebenen fast immer treffen, wie auf echten CPUs."),
    "paper.ran": ("{runs} runs of {accesses} accesses in {seconds} s (kept for this session's settings).",
                  "{runs} Läufe mit je {accesses} Zugriffen in {seconds} s (für diese Einstellungen gespeichert)."),
}
