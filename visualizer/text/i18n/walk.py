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
    "grid.name.pml4e": ("PML4E cache", "PML4E-Cache"),
    "grid.name.pdpte": ("PDPTE cache", "PDPTE-Cache"),
    "grid.name.pde": ("PDE cache", "PDE-Cache"),
    "grid.name.gpa": ("guest-physical mappings", "Guest-Physical-Zuordnungen"),
    "grid.name.ept-pml4e": ("EPT PML4E cache", "EPT-PML4E-Cache"),
    "grid.name.ept-pdpte": ("EPT PDPTE cache", "EPT-PDPTE-Cache"),
    "grid.name.ept-pde": ("EPT PDE cache", "EPT-PDE-Cache"),
    "grid.name.pwc": ("page-walk cache", "Page-Walk-Cache"),
    "grid.name.ntlb": ("nested TLB", "verschachtelter TLB"),
    "grid.name.combined": ("{cache} (combined mapping)", "{cache} (kombinierte Zuordnung)"),
    "grid.by": ("skipped: {cache}", "erspart: {cache}"),
    "grid.hit": ("{cache} ×{times}: 1 reference saved|{cache} ×{times}: {n} references saved",
                 "{cache} ×{times}: 1 Zugriff gespart|{cache} ×{times}: {n} Zugriffe gespart"),
    "grid.hits.intel": ("Intel's MMU caches answered: {items}.", "Es antworteten Intels MMU-Caches: {items}."),
    "grid.hits.amd": ("AMD's MMU caches answered: {items}.", "Es antworteten AMDs MMU-Caches: {items}."),
    "grid.none": ("No page walk at this step (TLB hit or no access).",
                  "Kein Seitentabellendurchlauf in diesem Schritt (TLB-Treffer oder kein Zugriff)."),
    # Compare page: large pages and MMU caches, the features and design sweeps, the paper check
    "cmp.mmu": ("Large pages and MMU caches", "Große Seiten und MMU-Caches"),
    "cmp.mmu.guest_large": ("guest 2 MiB pages", "2-MiB-Seiten im Gast"),
    "cmp.mmu.guest_large.help": ("The guest maps 2 MiB pages where it can (Linux THP).",
                                 "Der Gast bildet 2-MiB-Seiten ab, wo er kann (Linux THP)."),
    "cmp.mmu.ept_large": ("2 MiB EPT backing", "2-MiB-Hinterlegung im EPT"),
    "cmp.mmu.ept_large.amd": ("2 MiB NPT backing", "2-MiB-Hinterlegung in NPT"),
    "cmp.mmu.ept_large.help": ("Nested mode: the VMM backs guest memory with 2 MiB machine blocks (ESXi's "
                               "default under a hardware MMU).",
                               "Verschachtelter Modus: Der VMM hinterlegt den Gastspeicher mit "
                               "2-MiB-Maschinenblöcken (ESXis Standard mit Hardware-MMU)."),
    "cmp.mmu.pwc": ("paging-structure caches", "Paging-Structure-Caches"),
    "cmp.mmu.pwc.amd": ("page-walk cache", "Page-Walk-Cache"),
    "cmp.mmu.pwc.help": ("Intel's PML4E, PDPTE and PDE caches, keyed by the linear address. Under EPT they hold "
                         "combined mappings — the host-physical address of the next guest table — so a PDE-cache "
                         "hit leaves 1 + 4 references of 24 (SDM Vol. 3C §29.4.1).",
                         "Intels PML4E-, PDPTE- und PDE-Caches, nach linearer Adresse. Unter EPT halten sie "
                         "kombinierte Zuordnungen — die hostphysische Adresse der nächsten Gast-Tabelle —, sodass "
                         "ein Treffer im PDE-Cache 1 + 4 von 24 Zugriffen übrig lässt (SDM Band 3C §29.4.1)."),
    "cmp.mmu.pwc.help.amd": ("AMD's page-walk cache: upper-level guest and nested entries, found by the machine "
                             "address they are stored at (Bhargava et al., ASPLOS'08). A guest table's entry can "
                             "only be looked up once the table's machine address is known.",
                             "AMDs Page-Walk-Cache: Einträge der oberen Ebenen, des Gasts wie der verschachtelten "
                             "Tabellen, gefunden nach der Maschinenadresse, an der sie stehen (Bhargava u. a., "
                             "ASPLOS'08). Ein Eintrag einer Gast-Tabelle lässt sich erst nachschlagen, wenn deren "
                             "Maschinenadresse bekannt ist."),
    "cmp.mmu.nested_tlb": ("guest-physical mappings", "Guest-Physical-Zuordnungen"),
    "cmp.mmu.nested_tlb.amd": ("nested TLB", "verschachtelter TLB"),
    "cmp.mmu.nested_tlb.help": ("Intel's guest-physical mappings, tagged by the EPT root: gPA → MA translations "
                                "and EPT's own paging-structure caches. They spare or shorten the nested walks "
                                "(SDM Vol. 3C §29.4.1).",
                                "Intels Guest-Physical-Zuordnungen, markiert mit der EPT-Wurzel: Übersetzungen "
                                "gPA → MA und die Paging-Structure-Caches des EPT selbst. Sie ersparen oder "
                                "verkürzen die verschachtelten Durchläufe (SDM Band 3C §29.4.1)."),
    "cmp.mmu.nested_tlb.help.amd": ("AMD's nested TLB: gPA → MA translations, which spare the nested walk of a "
                                    "guest table or of the data's gPA (Bhargava et al.).",
                                    "AMDs verschachtelter TLB: Übersetzungen gPA → MA, die den verschachtelten "
                                    "Durchlauf einer Gast-Tabelle oder der gPA der Daten ersparen (Bhargava u. a.)."),
    "cmp.mmu.caption": ("They apply on top of a scenario's machine, like the TLB.",
                        "Sie gelten wie der TLB zusätzlich zur Maschine eines Szenarios."),
    "why.caches": ("**What {whose} MMU caches remove.** A nested TLB miss walks {on} references on average with "
                   "the caches, {off} without (same trace, caches off): the caches remove **{walk}** of nested "
                   "paging's walk cycles and **{gap}** of its cost over native (nested over native: {over_off} "
                   "without, {over_on} with).",
                   "**Was die MMU-Caches ({whose}) einsparen.** Ein TLB-Fehltreffer im verschachtelten Modus liest "
                   "mit den Caches im Mittel {on} Einträge, ohne {off} (derselbe Trace, Caches aus): die Caches "
                   "sparen **{walk}** der Takte für Seitentabellendurchläufe und **{gap}** der Mehrkosten gegenüber "
                   "nativ (verschachtelt gegenüber nativ: {over_off} ohne, {over_on} mit)."),
    "why.caches.off.intel": ("This machine has no MMU caches: one nested walk reads up to 24 entries (fewer under "
                             "2 MiB pages). Today's machine has Intel's paging-structure caches and guest-physical "
                             "mappings — choose it above to see how much of nested paging's cost they remove.",
                             "Diese Maschine hat keine MMU-Caches: Ein verschachtelter Durchlauf liest bis zu 24 "
                             "Einträge (weniger unter 2-MiB-Seiten). Die heutige Maschine hat Intels "
                             "Paging-Structure-Caches und Guest-Physical-Zuordnungen — wählen Sie sie oben, um zu "
                             "sehen, wie viel der Kosten verschachtelter Seitentabellen sie einsparen."),
    "why.caches.off.amd": ("This machine has no MMU caches: one nested walk reads up to 24 entries (fewer under "
                           "2 MiB pages). Today's machine has AMD's page-walk cache and nested TLB — choose it above "
                           "to see how much of nested paging's cost they remove.",
                           "Diese Maschine hat keine MMU-Caches: Ein verschachtelter Durchlauf liest bis zu 24 "
                           "Einträge (weniger unter 2-MiB-Seiten). Die heutige Maschine hat AMDs Page-Walk-Cache "
                           "und verschachtelten TLB — wählen Sie sie oben, um zu sehen, wie viel der Kosten "
                           "verschachtelter Seitentabellen sie einsparen."),
    "sweep.features": ("large pages and MMU caches", "große Seiten und MMU-Caches"),
    "feat.plain": ("none", "keine"),
    "feat.pwc": ("paging-structure caches", "Paging-Structure-Caches"),
    "feat.pwc.amd": ("page-walk cache", "Page-Walk-Cache"),
    "feat.pwc_ntlb": ("those + guest-physical mappings", "diese + Guest-Physical-Zuordnungen"),
    "feat.pwc_ntlb.amd": ("that + nested TLB", "dieser + verschachtelter TLB"),
    "feat.ept_large": ("2 MiB EPT", "2 MiB im EPT"),
    "feat.ept_large.amd": ("2 MiB NPT", "2 MiB in NPT"),
    "feat.both_large": ("2 MiB guest + EPT", "2 MiB Gast + EPT"),
    "feat.both_large.amd": ("2 MiB guest + NPT", "2 MiB Gast + NPT"),
    "feat.all": ("all four", "alle vier"),
    "cmp.sweep.features": ("Points: {points}. Each point sets all four switches (large pages in the guest and "
                           "the nested tables, the two MMU caches).",
                           "Punkte: {points}. Jeder Punkt setzt alle vier Schalter (große Seiten im Gast und in "
                           "den verschachtelten Tabellen, die beiden MMU-Caches)."),
    "paper.title": ("Paper check: references per TLB miss", "Abgleich mit der Literatur: Zugriffe je TLB-Fehltreffer"),
    "paper.intro": ("Each built-in workload ({accesses} accesses, default parameters, on its default machine with "
                    "4 KiB pages) runs natively and with nested paging, without MMU caches and with each design's: "
                    "Intel's paging-structure caches (PSC; combined mappings under EPT), then with its "
                    "guest-physical mappings (GPM); AMD's page-walk cache (PWC), then with its nested TLB (NTLB), "
                    "then with 2 MiB nested pages. The first table gives CPU walk references per TLB miss — every "
                    "walk a miss needs, one made again after a fault too; the second how much faster each of "
                    "Bhargava et al.'s three steps makes nested mode in AMD's design.",
                    "Jede eingebaute Last ({accesses} Zugriffe, Standardparameter, auf ihrer Standardmaschine mit "
                    "4-KiB-Seiten) läuft nativ und verschachtelt, ohne MMU-Caches und mit denen jeder Bauart: Intels "
                    "Paging-Structure-Caches (PSC; unter EPT kombinierte Zuordnungen), dann mit seinen "
                    "Guest-Physical-Zuordnungen (GPM); AMDs Page-Walk-Cache (PWC), dann mit seinem "
                    "verschachtelten TLB (NTLB), dann mit verschachtelten 2-MiB-Seiten. Die erste Tabelle zeigt die "
                    "Zugriffe der CPU je TLB-Fehltreffer — jeden Durchlauf, den ein Fehltreffer braucht, auch den "
                    "nach einem Fehler wiederholten; die zweite, um wie viel schneller jeder der drei Schritte von "
                    "Bhargava u. a. den verschachtelten Modus in AMDs Bauart macht."),
    "paper.run": ("Run the paper check", "Abgleich berechnen"),
    "paper.workload": ("workload", "Last"),
    "paper.col": ("{mode}: {caches}", "{mode}, {caches}"),
    "paper.set.none": ("no caches", "ohne Caches"),
    "paper.set.intel_psc": ("Intel PSC", "Intel-PSC"),
    "paper.set.intel_gpm": ("Intel PSC + GPM", "Intel-PSC + GPM"),
    "paper.set.amd_pwc": ("AMD PWC", "AMD-PWC"),
    "paper.set.amd_ntlb": ("AMD PWC + NTLB", "AMD-PWC + NTLB"),
    "paper.mean": ("mean", "Mittel"),
    "paper.gains.title": ("AMD's design: how much faster nested mode runs",
                          "AMDs Bauart: um wie viel schneller der verschachtelte Modus läuft"),
    "paper.gain.pwc": ("page-walk cache (no caches → PWC)", "Page-Walk-Cache (ohne → PWC)"),
    "paper.gain.ntlb": ("then the nested TLB (PWC → PWC + NTLB)", "dann der verschachtelte TLB (PWC → PWC + NTLB)"),
    "paper.gain.large": ("then 2 MiB nested pages", "dann verschachtelte 2-MiB-Seiten"),
    "paper.gains.model": ("the model: range", "Modell: Spanne"),
    "paper.gains.published": ("Bhargava et al. (simulated)", "Bhargava u. a. (simuliert)"),
    "paper.asplos22": ("**\"Every Walk's a Hit\" (ASPLOS'22)** reports about **1.5** references per walk natively "
                       "and **4.4** virtualized with page-walk caches — figures from simulators, not measured on a "
                       "CPU. Here, with the caches, the mean per TLB miss is **{native_intel}** natively with Intel's "
                       "paging-structure caches and **{native_amd}** with AMD's page-walk cache; nested, "
                       "**{nested_intel}** with Intel's caches and guest-physical mappings and **{nested_amd}** with "
                       "AMD's page-walk cache and nested TLB ({nested_none} without any caches).",
                       "**„Every Walk's a Hit“ (ASPLOS'22)** nennt mit Page-Walk-Caches etwa **1,5** Zugriffe je "
                       "Durchlauf nativ und **4,4** virtualisiert — Werte aus Simulatoren, nicht an einer CPU "
                       "gemessen. Hier ist das Mittel je TLB-Fehltreffer mit den Caches **{native_intel}** nativ mit "
                       "Intels Paging-Structure-Caches und **{native_amd}** mit AMDs Page-Walk-Cache; verschachtelt "
                       "**{nested_intel}** mit Intels Caches und Guest-Physical-Zuordnungen und **{nested_amd}** mit "
                       "AMDs Page-Walk-Cache und verschachteltem TLB ({nested_none} ganz ohne Caches)."),
    "paper.bhargava": ("**Bhargava et al. (ASPLOS'08)** evaluate AMD's design in simulation: extending the "
                       "page-walk cache to the nested dimension makes guests **15–38%** faster, the nested TLB "
                       "adds **3–7%**, 2 MiB pages in the nested dimension **3–22%**. The model's AMD design on "
                       "these workloads: **{pwc}**, **{ntlb}** and **{large}** (second table).",
                       "**Bhargava u. a. (ASPLOS'08)** bewerten AMDs Bauart in Simulation: Den Page-Walk-Cache auf "
                       "die verschachtelte Dimension auszudehnen, macht Gäste **15–38 %** schneller, der "
                       "verschachtelte TLB bringt weitere **3–7 %**, 2-MiB-Seiten in der verschachtelten Dimension "
                       "**3–22 %**. AMDs Bauart im Modell auf diesen Lasten: **{pwc}**, **{ntlb}** und **{large}** "
                       "(zweite Tabelle)."),
    "paper.retries": ("**Why a mean can exceed 24.** One nested walk reads at most 24 entries, yet without caches "
                      "the workload “{workload}” averages **{refs}** references per TLB miss: a walk that meets a fault — a guest "
                      "#PF or an EPT violation (faults: {faults}, TLB misses: {misses}) — is made again once the fault is "
                      "handled, and every walk counts.",
                      "**Warum ein Mittel über 24 liegen kann.** Ein verschachtelter Durchlauf liest höchstens 24 "
                      "Einträge, doch ohne Caches kommt die Last „{workload}“ im Mittel auf **{refs}** Zugriffe je "
                      "TLB-Fehltreffer: Ein Durchlauf, der auf einen Fehler trifft — einen #PF im Gast oder eine "
                      "EPT-Verletzung (Fehler: {faults}, TLB-Fehltreffer: {misses}) —, wird nach dessen Behandlung wiederholt, "
                      "und jeder Durchlauf zählt."),
    "paper.differs": ("**Where the model differs.** The runs are short and synthetic: cold misses and faults weigh "
                      "heavily, and every walk a miss needs counts. Every reference costs the same (no data caches "
                      "behind the walker) and walks are all a TLB miss costs, so speed-ups can exceed those of a "
                      "whole system; the model's first step starts from a machine with no MMU caches at all, and "
                      "with 2 MiB backing one EPT violation backs a whole 2 MiB block, which in short runs weighs "
                      "more than the shorter walks. Its "
                      "caches are small, their sizes its own choice (CPUs do not document theirs). The designs "
                      "differ where nested paging hurts: Intel's combined mappings are found by the linear "
                      "address, so a hit also spares the nested walks of the skipped guest tables and of the next "
                      "one; AMD's page-walk cache is found by physical address, so each guest table needs its "
                      "machine address first — from the nested TLB or a nested walk.",
                      "**Wo das Modell abweicht.** Die Läufe sind kurz und synthetisch: Kalte Fehltreffer und "
                      "Fehler wiegen schwer, und jeder Durchlauf, den ein Fehltreffer braucht, zählt. Jeder Zugriff "
                      "kostet gleich viel (keine Datencaches hinter der Hardware für Seitentabellendurchläufe), und "
                      "ein TLB-Fehltreffer kostet nur seine Durchläufe, sodass die Beschleunigungen die eines ganzen "
                      "Systems übertreffen können; der erste Schritt des Modells beginnt bei einer Maschine ganz "
                      "ohne MMU-Caches, und mit 2-MiB-Hinterlegung hinterlegt eine EPT-Verletzung einen ganzen "
                      "2-MiB-Block, was in kurzen Läufen mehr wiegt als die kürzeren Durchläufe. Seine Caches sind klein, ihre Größen seine Wahl (CPUs dokumentieren ihre "
                      "nicht). Die Bauarten unterscheiden sich dort, wo verschachtelte Seitentabellen teuer sind: "
                      "Intels kombinierte Zuordnungen werden nach linearer Adresse gefunden, sodass ein Treffer "
                      "auch die verschachtelten Durchläufe der übersprungenen Gast-Tabellen und der nächsten "
                      "erspart; AMDs Page-Walk-Cache wird nach physischer Adresse gefunden, sodass jede "
                      "Gast-Tabelle zuerst ihre Maschinenadresse braucht — aus dem verschachtelten TLB oder einem "
                      "verschachtelten Durchlauf."),
    "paper.ran": ("{runs} runs of {accesses} accesses in {seconds} s (kept for this session's settings).",
                  "{runs} Läufe mit je {accesses} Zugriffen in {seconds} s (für diese Einstellungen gespeichert)."),
}
