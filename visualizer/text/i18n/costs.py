"""The Costs page: the cost model's labels and sources, presets, what the values add up to."""
from __future__ import annotations

from ...engine.costs import COSTS

STRINGS: dict[str, tuple[str, str]] = {
    "cost.title": ("The cost model", "Das Kostenmodell"),
    "cost.intro": ("Every event the engine records has a price in CPU cycles (at about 3 GHz). Change any of"
                   " them here; the comparison uses them at once. Each value shows its default and where it "
                   "comes from; values marked *estimate* are this project's estimates, not measurements.",
                   "Jedes Ereignis, das die Engine aufzeichnet, hat einen Preis in CPU-Takten (bei etwa 3 "
                   "GHz). Hier lässt sich jeder ändern; der Vergleich verwendet sie sofort. Zu jedem Wert "
                   "stehen Standardwert und Quelle; mit *Schätzung* markierte Werte sind Schätzungen dieses "
                   "Projekts, keine Messungen."),
    "cost.presets": ("Presets", "Voreinstellungen"),
    "cost.preset.walk": ("Where walk entries are found (cycles per reference)",
                         "Wo die Einträge beim Seitentabellendurchlauf gefunden werden (Takte je Zugriff)"),
    "cost.preset.exit": ("CPU generation (VM exit round trip)", "CPU-Generation (VM-Exit hin und zurück)"),
    "cost.preset.custom": ("custom", "eigener Wert"),
    "cost.preset.newer CPU": ("newer CPU", "neuere CPU"),
    "cost.preset.older CPU (Core 2)": ("older CPU (Core 2)", "ältere CPU (Core 2)"),
    "cost.table": ("All costs", "Alle Kosten"),
    "cost.default": ("default {value}", "Standard {value}"),
    "cost.estimate": ("estimate", "Schätzung"),
    "cost.changed": ("changed", "geändert"),
    "cost.reset": ("Reset to defaults", "Standardwerte"),
    "cost.derived": ("What that makes", "Was daraus folgt"),
    "cost.d.native_miss": ("TLB miss, native or shadow (shadow filled): 4 references",
                           "TLB-Fehltreffer, nativ oder Schatten (Eintrag vorhanden): 4 Zugriffe"),
    "cost.d.nested_miss": ("TLB miss, nested (cold 2D walk): 24 references",
                           "TLB-Fehltreffer, verschachtelt (kalter zweidimensionaler Seitentabellendurchlauf): 24 Zugriffe"),
    "cost.d.exit": ("VMM-handled VM exit (round trip + handler)",
                    "Vom VMM behandelter VM-Exit (hin und zurück + Behandlung)"),
    "cost.d.hidden": ("hidden page fault, shadow: exit + the VMM's 4-reference guest walk",
                      "versteckter Seitenfehler, Schatten: Exit + 4 Zugriffe des VMM auf die "
                      "Gast-Seitentabellen"),
    "cost.d.pt_write": ("guest PTE write, shadow: exit + emulation / nested: a plain store",
                        "Schreiben eines Gast-Seitentabelleneintrags, Schatten: Exit + Emulation / "
                        "verschachtelt: ein gewöhnlicher Speicherbefehl"),
    "cost.d.breakeven": ("break-even: one VM exit costs as much as the extra walking of this many nested TLB"
                         " misses",
                         "Gleichstand: ein VM-Exit kostet so viel wie der zusätzliche Durchlauf von so "
                         "vielen verschachtelten TLB-Fehltreffern"),
    "cost.pwc": ("Paging-structure caches", "Paging-Structure-Caches"),
    "cost.pwc.off": ("Paging-structure caches (page-walk caches) and a nested TLB are modelled where a scenario "
                     "turns them on ([mmu] pwc = true, nested_tlb = true; the built-in mmu-caches does): a cached "
                     "entry saves the references of its own level and those above it — the walk goes on below the "
                     "lowest level that hits. Otherwise every walk reference goes to the memory hierarchy at the cost above. For "
                     "scale: real CPUs make about 1.5 references per walk natively and 4.4 virtualized with their "
                     "caches (\"Every Walk's a Hit\", ASPLOS'22).",
                     "Paging-Structure-Caches (Page-Walk-Caches) und ein verschachtelter TLB sind modelliert, wo ein "
                     "Szenario sie einschaltet ([mmu] pwc = true, nested_tlb = true; das mitgelieferte mmu-caches "
                     "tut es): ein zwischengespeicherter Eintrag spart die Zugriffe seiner Ebene und der Ebenen "
                     "darüber — der Durchlauf geht unter der tiefsten getroffenen Ebene weiter. Sonst geht jeder Zugriff des "
                     "Durchlaufs zum oben angegebenen Preis an die Speicherhierarchie. Zum Vergleich: echte CPUs "
                     "machen mit ihren Caches etwa 1,5 Zugriffe je Durchlauf nativ und 4,4 virtualisiert "
                     "(„Every Walk's a Hit“, ASPLOS'22)."),
    "cost.applies": ("These costs apply to the Compare page; the Step through page uses each scenario's own "
                     "cost table.",
                     "Diese Kosten gelten für den Vergleich; die Seite Schritt für Schritt nutzt die "
                     "Kostentabelle des jeweiligen Szenarios."),
}

COSTS_DE: dict[str, tuple[str, str]] = {
    "tlb_hit": ("TLB-Treffer", "Überlappt mit dem L1-Cache-Zugriff."),
    "walk_ref": ("Ein Speicherzugriff beim Seitentabellendurchlauf",
                 "Ladelatenzen Intel Nehalem: L1 4, L2 10, L3 40, DRAM ~200 Takte."),
    "vmm_walk_ref": ("Ein Zugriff des VMM beim Durchlaufen der Gastseitentabellen in Software",
                     "Schätzung: wie ein Zugriff beim Seitentabellendurchlauf der Hardware (L3-Treffer), obwohl der VMM beim "
                     "Lesen von Gastseitentabelleneinträgen auch eigene Nachschlagearbeit hat."),
    "vm_exit": ("VM-Exit + Wiedereintritt, Hin- und Rückweg der Hardware",
                "RDTSC-Messungen (yulyugin/vmlatency): Core2 ~1.681; Westmere ~713; Coffee Lake ~535; "
                "Skylake-SP ~634."),
    "vmm_handler": ("Arbeit des VMM je Exit (über Hin- und Rückweg hinaus)",
                    "Schätzung. SplitX (WIOV'11) maß ~2.000 Takte für den reinen Hin- und Rückweg (Gast → VMM → Gast) "
                    "auf einem Nehalem-Xeon und schreibt, dass die Behandlung des Exits eine Größenordnung "
                    "mehr kosten kann."),
    "guest_fault": ("Seitenfehler-Behandlung im Gast (Eintritt, Suche, Rückkehr)",
                    "Schätzung: Ausnahmezustellung plus kurze Behandlung."),
    "page_zero": ("Eine 4-KiB-Seite nullen", "Schätzung: 4 KiB Speicherbefehle plus Cache-Fehlzugriffe."),
    "page_copy": ("Eine 4-KiB-Seite kopieren (Copy-on-Write)", "Schätzung: 4 KiB Lade- und Speicherbefehle."),
    "decompress": ("Eine Seite aus dem Kompressions-Cache entpacken", "vSphere-Dokumentation: etwa 20 µs."),
    "swap_in": ("Eine Seite von der Platte einlagern", "vSphere-Dokumentation: Millisekunden; 1 ms bei 3 GHz."),
    "vm_switch": ("CPU auf eine andere VM umschalten (World Switch)",
                  "Schätzung: zwei Exit-/Eintritts-Rundläufe plus Umschalten des VMM-Zustands."),
    "compress": ("Eine Seite in den Kompressions-Cache komprimieren",
                 "Schätzung: etwa 30 µs, ein Mehrfaches des Entpackens (Kompressoren der zlib-Klasse "
                 "komprimieren um ein Mehrfaches langsamer, als sie entpacken). Einer VM nur angerechnet, "
                 "während sie darauf wartet."),
    "swap_out": ("Eine Seite auf die Platte schreiben",
                 "Schätzung: wie ein Einlagern (Millisekunden). Einer VM nur angerechnet, während sie darauf "
                 "wartet (der Host blockiert sie im Zustand low, oder der Gast lagert aus, um einen "
                 "Seitenrahmen frei zu bekommen)."),
    "share_scan": ("Eine Seite für den Scan der gemeinsamen Nutzung hashen",
                   "Schätzung: ein 64-Bit-Hash über 4 KiB. Hintergrundarbeit des Hosts: keiner VM angerechnet."),
}
"""German label and source of each cost; the English ones are the engine's (``costs.COSTS``)."""

for _c in COSTS:
    STRINGS[f"cost.label.{_c.name}"] = (_c.label, COSTS_DE[_c.name][0])
    STRINGS[f"cost.source.{_c.name}"] = (_c.source, COSTS_DE[_c.name][1])
