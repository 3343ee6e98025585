"""The step page: controls, the current step, details, exports; the names of trace operations."""
from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "step.title": ("Step through memory accesses", "Speicherzugriffe Schritt für Schritt"),
    "step.forward": ("Step", "Schritt"),
    "step.back": ("Back", "Zurück"),
    "step.reset": ("Reset", "Anfang"),
    "step.speed_value": ("{n} step/s|{n} steps/s", "{n} Schritt/s|{n} Schritte/s"),
    "step.zoom": ("Zoom", "Zoom"),
    "step.jump": ("Go to step", "Gehe zu Schritt"),
    "step.jump_go": ("Go", "Los"),
    "step.autoplay": ("Autoplay", "Automatisch abspielen"),
    "step.speed": ("Steps per second", "Schritte pro Sekunde"),
    "step.position": ("Step {step} of {total}", "Schritt {step} von {total}"),
    "step.boot": ("the machine has booted; no operation has run yet. Press “Step”.",
                  "die Maschine ist gestartet; noch keine Operation ausgeführt. „Schritt“ drücken."),
    "step.end": ("End of the trace.", "Ende des Traces."),
    "step.result": ("{tlb} · {cycles} · {refs} · {exits}", "{tlb} · {cycles} · {refs} · {exits}"),
    "step.cycles": ("{n} cycles", "{n} Takte"),
    "step.cycles_for": (" (for {cause})", " (für {cause})"),
    "cause.one.vm-switch": ("the VM switch", "den VM-Wechsel"),
    "step.cycles_of_for": (" ({n} of them for {cause})", " (davon {n} für {cause})"),
    "step.refs": ("one walk reference|{n} walk references",
                  "ein Seitentabellenzugriff|{n} Seitentabellenzugriffe"),
    "step.exits": ("one VM exit|{n} VM exits", "ein VM-Exit|{n} VM-Exits"),
    "step.vmm_refs": (" (+ one by the VMM in software)| (+ {n} by the VMM in software)",
                      " (+ einer des VMM in Software)| (+ {n} des VMM in Software)"),
    "step.read": ("read", "lesen"),
    "step.write": ("write", "schreiben"),
    "step.narration": ("What happened", "Was geschah"),
    "step.walk": ("Page-walk references", "Seitentabellenzugriffe"),
    "step.no_walk": ("This step walked no page tables.",
                     "In diesem Schritt wurden keine Seitentabellen durchlaufen."),
    "step.tlb": ("TLB contents", "TLB-Inhalt"),
    "step.details": ("Details", "Einzelheiten"),
    "step.tlb_empty": ("The TLB is empty.", "Der TLB ist leer."),
    "step.counters": ("Counters so far", "Zähler bis hier"),
    "step.events": ("All events of this step", "Alle Ereignisse dieses Schritts"),
    "step.access_now": ("Access now", "Jetzt zugreifen"),
    "step.access_help": ("Adds an access after the current step and runs it.",
                         "Fügt nach dem aktuellen Schritt einen Zugriff ein und führt ihn aus."),
    "step.vm": ("VM", "VM"),
    "step.process": ("Process", "Prozess"),
    "step.gva": ("Guest-virtual address (hex)", "Virtuelle Gastadresse (hex)"),
    "step.kind": ("Access", "Zugriff"),
    "step.value": ("Value to write (hex)", "Zu schreibender Wert (hex)"),
    "step.run_access": ("Run this access", "Zugriff ausführen"),
    "step.added": ("Added as operation {n}: {op}", "Als Operation {n} eingefügt: {op}"),
    "step.exports": ("Export", "Export"),
    "step.export_dot": ("Diagram (DOT)", "Diagramm (DOT)"),
    "step.export_svg": ("Diagram (SVG)", "Diagramm (SVG)"),
    "step.export_png": ("Diagram (PNG)", "Diagramm (PNG)"),
    "step.export_csv": ("Event log (CSV)", "Ereignisprotokoll (CSV)"),
    "step.export_csv_help": ("Every event of steps 1 to {step}{capped}.",
                             "Alle Ereignisse der Schritte 1 bis {step}{capped}."),
    "step.export_capped": (" (the last {n} steps)", " (die letzten {n} Schritte)"),
    "step.no_layout": ("Graphviz is not installed on this server: the app draws the diagram itself. PNG "
                       "export needs Graphviz (`dot`).",
                       "Graphviz ist auf diesem Server nicht installiert: Die Anwendung zeichnet das "
                       "Diagramm selbst. Der PNG-Export braucht Graphviz (`dot`)."),
    "step.fit": ("Fit to width", "An Breite anpassen"),
    "step.hidden_pages": ("{n} more pages are not drawn (the diagram shows at most {cap} per row).",
                          "{n} weitere Seiten sind nicht gezeichnet (höchstens {cap} pro Zeile)."),
    "tlb.hit": ("TLB hit", "TLB-Treffer"),
    "tlb.miss": ("TLB miss", "TLB-Fehltreffer"),
    "tlb.none": ("no memory access", "kein Speicherzugriff"),
    # the operations of a trace (the first word of an operation's description)
    "op.read": ("read", "Lesen"),
    "op.write": ("write", "Schreiben"),
    "op.exec": ("exec", "Ausführen"),
    "op.map": ("map", "Abbilden"),
    "op.unmap": ("unmap", "Abbildung aufheben"),
    "op.protect": ("protect", "Schützen"),
    "op.switch": ("switch", "Prozesswechsel"),
    "op.invlpg": ("invlpg", "INVLPG"),
    "op.share": ("share", "Teilen"),
    "op.swap_out": ("swap out", "Auslagern"),
    "op.fork": ("fork", "Fork"),
    "op.exit": ("exit", "Beenden"),
    "op.with": (" with ", " mit "),
    "step.jump_help": ("Now at step {step} (0 to {last}): type a step and press Enter, or + and − to move at once.",
                       "Jetzt Schritt {step} (0 bis {last}): eine Zahl eingeben und Enter drücken, oder mit + und − "
                       "sofort weitergehen."),
    "step.jump_minus": ("One step back", "Einen Schritt zurück"),
    "step.jump_plus": ("One step forward", "Einen Schritt vor"),
    "step.costs_used": ("Cycles here come from the scenario's cost table (its [costs], else the defaults); "
                        "changes on the Costs page apply to the Compare page.",
                        "Die Takte hier stammen aus der Kostentabelle des Szenarios (seinem [costs], sonst die "
                        "Standardwerte); Änderungen auf der Seite Kosten gelten für den Vergleich."),
    "step.added_kept": ("Added accesses are kept in the address bar: a reload or a copied link brings them back "
                        "(at most {n}).",
                        "Hinzugefügte Zugriffe stehen in der Adresszeile: Neuladen oder ein kopierter Link bringt "
                        "sie zurück (höchstens {n})."),
    "step.added_limit": ("At most {n} accesses can be added to a run (its link holds them all).",
                         "Höchstens {n} Zugriffe lassen sich einem Lauf hinzufügen (sein Link fasst sie alle)."),
    # -- lecture mode --------------------------------------------------------------------------
    "lec.start": ("Lecture", "Vortrag"),
    "lec.start_help": ("Lecture mode for a projector: the diagram at the top, large, with compact controls; keys "
                       "→ / Space / PageDown step, ← / PageUp back, Home resets, m switches the mode. The link "
                       "with present=1 opens it.",
                       "Vortragsmodus für den Beamer: das Diagramm groß oben, kompakte Bedienelemente; Tasten "
                       "→ / Leertaste / Bild↓ ein Schritt, ← / Bild↑ zurück, Pos1 an den Anfang, m wechselt den "
                       "Modus. Der Link mit present=1 öffnet ihn."),
    "lec.exit": ("Exit", "Beenden"),
    "lec.figure_view": ("Figure view", "Abbildungsansicht"),
    "lec.figure_view_help": ("Data pages only, as in the vSphere figure: page-table pages and the VMM's table "
                             "pages are hidden; pages the scenario names (a, b, c) show their names.",
                             "Nur Datenseiten wie in der vSphere-Abbildung: Seitentabellenseiten und die "
                             "Tabellenseiten des VMM sind ausgeblendet; vom Szenario benannte Seiten (a, b, c) "
                             "zeigen ihren Namen."),
    "lec.key.forward": ("Next step (→, Space, PageDown)", "Nächster Schritt (→, Leertaste, Bild↓)"),
    "lec.key.back": ("Previous step (←, PageUp)", "Vorheriger Schritt (←, Bild↑)"),
    "lec.key.reset": ("Back to the start (Home)", "Zurück zum Anfang (Pos1)"),
    "lec.key.mode": ("Switch the mode: shadow → nested → both in one figure → shadow (m)",
                     "Modus wechseln: Schatten → verschachtelt → beide in einer Abbildung → Schatten (m)"),
    "lec.narration_more": ("↓ more", "↓ weiter"),
    # -- the step page on one screen ---------------------------------------------------------------
    "stage.note_figure": ("Figure view: data pages only — the page tables (the guest's, the shadow and the nested "
                          "ones) and the machine pages that hold them are hidden. Switch “Figure view” off to show "
                          "them.",
                          "Abbildungsansicht: nur Datenseiten — die Seitentabellen (die des Gasts, die Schatten- und "
                          "die verschachtelten) und die Maschinenseiten, in denen sie liegen, sind ausgeblendet. "
                          "„Abbildungsansicht“ ausschalten, um sie zu zeigen."),
    "stage.note_both": ("Both modes in one figure: the same pages in the same machine places; the dashed arrows "
                        "(shadow entries) exist in shadow mode only. The table pages differ between the modes and "
                        "are hidden here — m shows one mode.",
                        "Beide Modi in einer Abbildung: dieselben Seiten an denselben Plätzen im Maschinenspeicher; "
                        "die gestrichelten Pfeile (Schatteneinträge) gibt es nur im Schattenmodus. Die "
                        "Tabellenseiten unterscheiden sich zwischen den Modi und sind hier ausgeblendet — m zeigt "
                        "einen Modus."),
    "stage.view": ("View", "Ansicht"),
    "stage.view_help": ("Autoplay speed and the diagram's zoom", "Tempo beim Abspielen und Zoom des Diagramms"),
    "stage.keys": ("Keys: → or j steps, ← or k goes back (not while typing in a field)",
                   "Tasten: → oder j ein Schritt, ← oder k zurück (nicht beim Tippen in einem Feld)"),
}
