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
    "cost.d.breakeven": ("break-even: one VM exit costs as much as the extra walking of this many TLB misses"
                         " in nested mode",
                         "Gleichstand: ein VM-Exit kostet so viel wie der zusätzliche Durchlauf von so "
                         "vielen TLB-Fehltreffern im verschachtelten Modus"),
    "cost.pwc": ("Paging-structure caches", "Paging-Structure-Caches"),
    "cost.pwc.off": (
                     "The MMU caches are modelled where a scenario turns them on ([mmu] pwc, [mmu] nested_tlb, [mmu] design = "
                     "\"intel\" or \"amd\"; the built-in mmu-caches does). Intel's paging-structure caches, found by the linear "
                     "address, let a walk start below the lowest level that hits — under EPT a hit skips those levels' nested "
                     "walks too, so a PDE-cache hit leaves 1 + 4 = 5 of 24 references — and its guest-physical mappings spare "
                     "nested walks; AMD's page-walk cache spares the read of an upper-level entry it holds, and its nested TLB"
                     " spares nested walks. Every other walk reference goes to the memory hierarchy at the cost above. For "
                     "scale: simulations of CPUs with such caches give about 1.5 references per walk natively and 4.4 "
                     "virtualized (\"Every Walk's a Hit\", ASPLOS'22).",
                     "Die MMU-Caches sind modelliert, wo ein Szenario sie einschaltet ([mmu] pwc, [mmu] nested_tlb, [mmu] "
                     "design = \"intel\" oder \"amd\"; das mitgelieferte mmu-caches tut es). Die Paging-Structure-Caches von "
                     "Intel, gefunden über die lineare Adresse, lassen einen Durchlauf unter der tiefsten getroffenen Ebene "
                     "beginnen — unter EPT überspringt ein Treffer auch die verschachtelten Durchläufe dieser Ebenen, ein "
                     "Treffer im PDE-Cache lässt also 5 von 24 Zugriffen übrig (1 + 4) —, und seine Guest-Physical-Zuordnungen"
                     " ersparen verschachtelte Durchläufe; der Page-Walk-Cache von AMD erspart das Lesen eines Eintrags einer "
                     "oberen Ebene, den er hält, und sein verschachtelter TLB erspart verschachtelte Durchläufe. Jeder andere "
                     "Zugriff des Durchlaufs geht zum oben angegebenen Preis an die Speicherhierarchie. Zum Vergleich: "
                     "Simulationen von CPUs mit solchen Caches ergeben etwa 1,5 Zugriffe je Durchlauf nativ und 4,4 "
                     "virtualisiert („Every Walk's a Hit“, ASPLOS'22)."),
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
                 "wartet (der Host blockiert sie im Zustand low); andere Schreibvorgänge, das Auslagern des Hosts "
                 "und das eigene des Gasts, laufen im Hintergrund — worauf eine VM wartet, ist das Zurücklesen "
                 "einer Seite."),
    "share_scan": ("Eine Seite für den Scan der gemeinsamen Nutzung hashen",
                   "Schätzung: ein 64-Bit-Hash über 4 KiB. Hintergrundarbeit des Hosts: keiner VM angerechnet."),
}
"""German label and source of each cost; the English ones are the engine's (``costs.COSTS``)."""

for _c in COSTS:
    STRINGS[f"cost.label.{_c.name}"] = (_c.label, COSTS_DE[_c.name][0])
    STRINGS[f"cost.source.{_c.name}"] = (_c.source, COSTS_DE[_c.name][1])
