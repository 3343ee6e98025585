"""Exported files (visualizer.export): the presentation, the lesson file, the handout, and the
buttons that download them."""
from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    # -- in the file -----------------------------------------------------------------------------------
    "exp.handout": ("Handout:", "Druckfassung:"),
    "exp.handout.pages": ("one step per page", "ein Schritt pro Seite"),
    "exp.handout.grid": ("several steps per page", "mehrere Schritte pro Seite"),
    "exp.print": ("Print …", "Drucken …"),
    "exp.concepts": ("The concepts behind the “why?”s", "Die Konzepte hinter den „warum?“"),
    "exp.stopped": ("The run stops early: {error}", "Der Lauf endet vorzeitig: {error}"),
    "exp.unreadable": ("This browser cannot unpack the file's data (it needs DecompressionStream: Chrome 80, "
                       "Firefox 113, Safari 16.4 or newer).",
                       "Dieser Browser kann die Daten der Datei nicht entpacken (nötig ist DecompressionStream: "
                       "Chrome 80, Firefox 113, Safari 16.4 oder neuer)."),
    "exp.lesson.number_bad": ("Type a whole number from 0 to {max}.", "Bitte eine ganze Zahl von 0 bis {max} eingeben."),
    "exp.lesson.link": ("In the app: {label} ({href})", "In der Anwendung: {label} ({href})"),
    "exp.lesson.answers": ("Answers", "Lösungen"),
    # -- the buttons in the app --------------------------------------------------------------------------
    "exp.download": ("Download presentation", "Präsentation herunterladen"),
    "exp.download_help": ("One HTML file that opens offline in any browser (from a USB stick, no server): steps "
                          "{first} to {last} in {modes}, keys as in lecture mode, and it prints as a handout.",
                          "Eine HTML-Datei, die offline in jedem Browser läuft (vom USB-Stick, ohne Server): "
                          "Schritte {first} bis {last} in {modes}, Tasten wie im Vortragsmodus; sie lässt sich als "
                          "Druckfassung drucken."),
    "exp.download_handout": ("Download handout", "Druckfassung herunterladen"),
    "exp.download_handout_help_pdf": ("A PDF: steps {first} to {last}, one step per page, with the narration.",
                                      "Ein PDF: Schritte {first} bis {last}, ein Schritt pro Seite, mit der "
                                      "Erzählung."),
    "exp.download_handout_help_html": ("An HTML file laid out for printing (steps {first} to {last}, one step per "
                                       "page): open it and print it, or save it as PDF from the print dialog.",
                                       "Eine zum Drucken gesetzte HTML-Datei (Schritte {first} bis {last}, ein "
                                       "Schritt pro Seite): öffnen und drucken oder im Druckdialog als PDF "
                                       "speichern."),
    "exp.range_capped": (" The run is longer than one file holds: the file starts at the current step.",
                         " Der Lauf ist länger, als eine Datei fasst: Die Datei beginnt beim aktuellen Schritt."),
    "exp.lesson_download_help": ("The lesson as one HTML file that opens offline: its prompts, the questions "
                                 "(answered and scored in the file, the answers on demand) and the explanations.",
                                 "Die Lektion als eine HTML-Datei, die offline läuft: Hinweise, Fragen (in der "
                                 "Datei beantwortet und gewertet, Lösungen auf Wunsch) und Erläuterungen."),
    "exp.lesson_handout_help": ("The lesson to print: each step with its questions, the answers at the end.",
                                "Die Lektion zum Drucken: jeder Schritt mit seinen Fragen, die Lösungen am Ende."),
    "exp.sheet": ("Printable sheet", "Druckbares Blatt"),
    "exp.sheet_download": ("Printable sheet (HTML)", "Druckbares Blatt (HTML)"),
    "exp.sheet_download_pdf": ("Printable sheet (PDF)", "Druckbares Blatt (PDF)"),
    "exp.failed": ("The file could not be made: {error}", "Die Datei ließ sich nicht erstellen: {error}"),
}
