"""The memory diagram and its legend (visualizer.render.figure, .legend); the DOT output is golden."""
from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "dia.gva_row": ("guest\nvirtual", "virtueller\nGast-\nspeicher"),
    "dia.gpa_row": ("guest\nphysical", "physischer\nGast-\nspeicher"),
    "dia.ma_row": ("machine\nmemory", "Maschinen-\nspeicher"),
    "dia.ma_caption": ("{used} of {total} machine pages in use; free ones are not drawn (· marks a gap)",
                       "{used} von {total} Maschinenseiten belegt; freie sind nicht gezeichnet (· markiert "
                       "eine Lücke)"),
    "dia.ma_caption_figure": ("{used} of {total} machine pages in use; free ones and page-table pages are not drawn "
                              "(figure view; · marks a gap)",
                              "{used} von {total} Maschinenseiten belegt; freie und Seitentabellenseiten sind nicht "
                              "gezeichnet (Abbildungsansicht; · markiert eine Lücke)"),
    "dia.ma_caption_slots": ("{used} of {total} machine pages in use; each keeps its place for the whole run "
                             "(· frames it never uses)",
                             "{used} von {total} Maschinenseiten belegt; jede behält ihren Platz im ganzen Ablauf "
                             "(· nie belegte Seiten)"),
    "dia.ma_caption_figure_slots": ("{used} of {total} machine pages in use; page tables not drawn (figure view); "
                                    "each page keeps its place",
                                    "{used} von {total} Maschinenseiten belegt; ohne Seitentabellen "
                                    "(Abbildungsansicht); jede behält ihren Platz"),
    "dia.free": ("free", "frei"),
    "dia.tip.free": ("free at this step (its place is kept: the run uses it at another step or in the other mode)",
                     "in diesem Schritt frei (ihr Platz bleibt: der Ablauf belegt sie in einem anderen Schritt oder "
                     "im anderen Modus)"),
    "dia.tip.not_drawn": ("in use at this step by a page this view does not draw (its place is kept)",
                          "in diesem Schritt von einer Seite belegt, die diese Ansicht nicht zeichnet (ihr Platz "
                          "bleibt)"),
    "dia.process": ("process {name}", "Prozess {name}"),
    "dia.no_pages": ("no pages mapped yet", "noch keine Seiten zugeordnet"),
    "dia.more": ("+{n} more", "+{n} weitere"),
    "dia.gap": ("{n} pages", "{n} Seiten"),
    "dia.shared": ("shared", "gemeinsam"),
    "dia.shared_n": ("shared ×{n}", "gemeinsam ×{n}"),
    "dia.swapped": ("swapped", "ausgelagert"),
    "dia.unmapped": ("unmapped", "nicht zugeordnet"),
    "dia.ballooned": ("balloon", "Balloon"),
    "dia.compressed": ("compressed", "komprimiert"),
    "dia.compressed.short": ("compr.", "kompr."),
    "dia.on_disk": ("on disk", "auf Platte"),
    "dia.on_disk.short": ("on disk", "Platte"),
    "dia.zcache": ("cache", "Cache"),
    "dia.tip.ballooned": ("held by the guest's balloon driver: the VMM has freed its machine page",
                          "vom Balloon-Treiber des Gasts gehalten: der VMM hat ihre Maschinenseite freigegeben"),
    "dia.tip.compressed": ("compressed into the VM's compression cache, in machine page MA 0x{ma:x}",
                           "in den Kompressions-Cache der VM komprimiert, in die Maschinenseite MA 0x{ma:x}"),
    "dia.tip.on_disk": ("paged out by the guest to its virtual disk (swap slot {slot}): its PTE is not present and "
                        "holds the slot; a touch is a #PF that reads it back",
                        "vom Gast auf seine virtuelle Platte ausgelagert (Auslagerungsplatz {slot}): sein PTE ist "
                        "nicht präsent und enthält den Platz; ein Zugriff ist ein #PF, der sie zurückliest"),
    "dia.tip.zcache": ("compression cache of {vm}: two 2 KiB slots, each a page compressed to 2 KiB or less",
                       "Kompressions-Cache von {vm}: zwei Plätze zu 2 KiB, jeder eine auf höchstens 2 KiB "
                       "komprimierte Seite"),
    "dia.tip.zcache_holds": ("holds gPA 0x{gpa:x}, compressed", "enthält gPA 0x{gpa:x}, komprimiert"),
    "dia.spt": ("SPT", "SPT"),
    "dia.ept": ("EPT", "EPT"),
    "dia.title.shadow": ("Shadow mode: the CPU walks the VMM's shadow page tables (dashed arrows)",
                         "Schattenmodus: Die CPU durchläuft die Schattenseitentabellen des VMM (gestrichelte"
                         " Pfeile)"),
    "dia.title.nested": ("Nested mode: the CPU walks the guest tables and the nested tables (gPA → MA)",
                         "Verschachtelter Modus: Die CPU durchläuft Gast- und verschachtelte Seitentabellen "
                         "(gPA → MA)"),
    "dia.title.native": ("Native: no VMM — guest-physical is machine memory",
                         "Nativ: kein VMM — physischer Gastspeicher ist Maschinenspeicher"),
    "leg.gva": ("guest-virtual page", "virtuelle Gastseite"),
    "leg.gpa": ("physical page (guest-physical)", "physische Seite (des Gasts)"),
    "leg.ma": ("machine page", "Maschinenseite"),
    "leg.gpt": ("guest page-table page", "Seitentabellenseite des Gasts"),
    "leg.gpt_wp": ("guest page table, write-protected by the VMM",
                   "Gastseitentabelle, vom VMM schreibgeschützt"),
    "leg.shared": ("shared page (copy-on-write)", "gemeinsam genutzte Seite (Copy-on-Write)"),
    "leg.swapped": ("swapped-out page", "ausgelagerte Seite"),
    "leg.unmapped": ("unmapped page (never touched)", "nicht zugeordnete Seite (nie berührt)"),
    "leg.ballooned": ("page held by the balloon (no machine page)", "vom Balloon gehaltene Seite (keine "
                      "Maschinenseite)"),
    "leg.compressed": ("page compressed into the VM's compression cache", "in den Kompressions-Cache der VM "
                       "komprimierte Seite"),
    "leg.zcache": ("machine page of a compression cache (two compressed pages)",
                   "Maschinenseite eines Kompressions-Caches (zwei komprimierte Seiten)"),
    "leg.on_disk": ("guest-virtual page the guest paged out to its own virtual disk",
                    "virtuelle Gastseite, die der Gast auf seine eigene virtuelle Platte ausgelagert hat"),
    "leg.spt": ("shadow page-table page", "Seite einer Schattenseitentabelle"),
    "leg.ept": ("nested page-table page (EPT)", "Seite einer verschachtelten Seitentabelle (EPT)"),
    "leg.guest_map": ("guest OS page tables: gVA → gPA", "Seitentabellen des Gastbetriebssystems: gVA → gPA"),
    "leg.vmm_map": ("VMM mapping (pmap): gPA → MA", "Zuordnung durch den VMM (pmap): gPA → MA"),
    "leg.vmm_map_nested": ("nested page tables (EPT): gPA → MA",
                           "verschachtelte Seitentabellen (EPT): gPA → MA"),
    "leg.vmm_map_both": ("VMM mapping gPA → MA: the pmap (shadow mode), the nested tables (nested mode)",
                         "Zuordnung durch den VMM gPA → MA: pmap (Schattenmodus), verschachtelte "
                         "Seitentabellen (verschachtelter Modus)"),
    "leg.shadow_map": ("shadow page-table entry: gVA → MA", "Eintrag der Schattenseitentabelle: gVA → MA"),
    "leg.current": ("the current access", "der aktuelle Zugriff"),
    "leg.changed": ("page whose mapping changed in this step (backed, shared, swapped, freed)",
                    "Seite, deren Zuordnung sich in diesem Schritt geändert hat (belegt, gemeinsam genutzt, "
                    "ausgelagert, freigegeben)"),
    "leg.walked": ("table walked in this step", "in diesem Schritt durchlaufene Tabelle"),
    "dia.read_only": ("read-only", "schreibgeschützt"),
    "leg.hint": ("Point at a page for its details; point at a line of “What happened” to see the pages and "
                 "arrows it speaks of.",
                 "Zeigen Sie auf eine Seite für Einzelheiten; zeigen Sie auf eine Zeile von „Was geschah“, um die "
                 "Seiten und Pfeile zu sehen, von denen sie spricht."),
    "dia.tip.pte": ("guest PTE", "Gast-PTE"),
    "dia.tip.page": ("page {label}", "Seite {label}"),
    "dia.tip.gpt": ("guest page table: {level} of {proc}", "Seitentabelle des Gasts: {level} von {proc}"),
    "dia.tip.wp": ("write-protected by the VMM (shadow tables mirror it)",
                   "vom VMM schreibgeschützt (Schattenseitentabellen spiegeln sie)"),
    "dia.tip.spt": ("shadow page table, {level}, {vm}", "Schattenseitentabelle, {level}, {vm}"),
    "dia.tip.ept": ("nested (EPT) page table, {level}, {vm}", "verschachtelte (EPT-)Seitentabelle, {level}, {vm}"),
    "dia.tip.changed": ("its mapping changed in this step", "ihre Zuordnung hat sich in diesem Schritt geändert"),
    "dia.tip.backs": ("backs {vm} gPA 0x{gpa:x}", "hinterlegt {vm} gPA 0x{gpa:x}"),
}
