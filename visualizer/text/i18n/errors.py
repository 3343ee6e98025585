"""Messages about bad input: deep links, the access form, uploads, the engine."""
from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "err.scenario": ("Unknown scenario “{value}” in the link; showing “{fallback}”. Built-ins: {names}.",
                     "Unbekanntes Szenario „{value}“ im Link; gezeigt wird „{fallback}“. Mitgeliefert: "
                     "{names}."),
    "err.scenario_exercise": ("The link's exercise scenario “{value}” is not one the Practice page makes "
                              "(exercise:KIND:SEED:N — KIND one of {kinds}; SEED a whole number from 0 to {seed}; "
                              "N from 1 to {n}); showing “{fallback}”.",
                              "Das Übungsszenario „{value}“ im Link gibt es auf der Übungsseite nicht "
                              "(exercise:ART:SEED:N — ART eine von {kinds}; SEED eine ganze Zahl von 0 bis {seed}; "
                              "N von 1 bis {n}); gezeigt wird „{fallback}“."),
    "err.mode": ("Unknown mode “{value}” in the link (shadow, nested or both); showing {fallback}.",
                 "Unbekannter Modus „{value}“ im Link (shadow, nested oder both); gezeigt wird {fallback}."),
    "err.jump": ("Step {value} is beyond the last step ({last}); showing step {fallback}.",
                 "Schritt {value} liegt hinter dem letzten Schritt ({last}); gezeigt wird Schritt {fallback}."),
    "err.step": ("Step “{value}” in the link is not a whole number from 0 to {last}; showing step {fallback}.",
                 "Schritt „{value}“ im Link ist keine ganze Zahl von 0 bis {last}; gezeigt wird Schritt "
                 "{fallback}."),
    "err.step_range": ("Step {value} in the link is beyond the last step ({last}); showing step {fallback}.",
                       "Schritt {value} im Link liegt hinter dem letzten Schritt ({last}); gezeigt wird Schritt "
                       "{fallback}."),
    "link.err.added": ("The link's added accesses “{value}” cannot be read: {problem}. The scenario is shown "
                       "without them.",
                       "Die hinzugefügten Zugriffe „{value}“ im Link sind nicht lesbar: {problem}. Das Szenario "
                       "wird ohne sie gezeigt."),
    "link.err.added_form": ("each access is STEP.r.WHO.GVA or STEP.w.WHO.GVA.VALUE (addresses and values in hex), "
                            "joined by _",
                            "jeder Zugriff lautet SCHRITT.r.WER.GVA oder SCHRITT.w.WER.GVA.WERT (Adressen und Werte "
                            "hexadezimal), verbunden durch _"),
    "link.err.added_many": ("{n} accesses, at most {limit} fit", "{n} Zugriffe, höchstens {limit} passen"),
    "link.err.added_target": ("access {k} names VM/process {value}; this scenario has 0 to {last}",
                              "Zugriff {k} nennt VM/Prozess {value}; dieses Szenario hat 0 bis {last}"),
    "link.err.added_gva": ("access {k}: {value} is not a guest-virtual address below 0x800000000000",
                           "Zugriff {k}: {value} ist keine virtuelle Gastadresse unter 0x800000000000"),
    "link.err.added_step": ("access {k} comes after step {value}, but the trace has {last} steps there",
                            "Zugriff {k} folgt auf Schritt {value}, der Trace hat dort aber {last} Schritte"),
    "link.err.score": ("The link's score “{value}” is not RIGHT-ANSWERED (two whole numbers up to {limit}, the "
                       "first not larger); the score starts at 0 of 0.",
                       "Der Punktestand „{value}“ im Link hat nicht die Form RICHTIG-BEANTWORTET (zwei ganze Zahlen "
                       "bis {limit}, die erste nicht größer); der Punktestand beginnt bei 0 von 0."),
    "link.err.answers": ("The link's answers “{value}” cannot be read: {problem}; the step is shown without them.",
                         "Die Antworten „{value}“ im Link sind nicht lesbar: {problem}; der Schritt wird ohne sie "
                         "gezeigt."),
    "link.err.answers_form": ("one code per question, joined by dots: a letter, a number or -",
                              "ein Zeichen je Frage, verbunden durch Punkte: ein Buchstabe, eine Zahl oder -"),
    "link.err.answers_count": ("{given} given for {n} questions", "{given} angegeben für {n} Fragen"),
    "link.err.answers_choice": ("question {k} takes a to {last}", "Frage {k} nimmt a bis {last}"),
    "link.err.answers_number": ("question {k} takes a whole number", "Frage {k} nimmt eine ganze Zahl"),
    "link.err.answers_none": ("answers need predict mode on and a step after the start",
                              "Antworten brauchen den Vorhersagemodus und einen Schritt nach dem Start"),
    "link.err.cost": ("The link's cost {name} = “{value}” is not a whole number from 0 to {limit}; it keeps its "
                      "value.",
                      "Der Kostenwert {name} = „{value}“ im Link ist keine ganze Zahl von 0 bis {limit}; er behält "
                      "seinen Wert."),
    "err.lang": ("Unknown language “{value}” in the link (en or de); showing English.",
                 "Unbekannte Sprache „{value}“ im Link (en oder de); gezeigt wird Englisch."),
    "err.gva": ("“{value}” is not a guest-virtual address: write a hex address below 0x800000000000, e.g. "
                "0x400000.",
                "„{value}“ ist keine virtuelle Gastadresse: bitte eine Hex-Adresse unter 0x800000000000 "
                "angeben, z. B. 0x400000."),
    "err.value": ("“{value}” is not a 64-bit value: write a hex number such as 0x2a.",
                  "„{value}“ ist kein 64-Bit-Wert: bitte eine Hex-Zahl wie 0x2a angeben."),
    "err.engine": ("The operation could not run: {error}",
                   "Die Operation konnte nicht ausgeführt werden: {error}"),
    "err.engine_bug": ("The engine broke one of its own rules at this step — a bug in the tool, not in your input "
                       "({error}). Please report it with the scenario, the mode and the step: the address bar holds "
                       "all three.",
                       "Die Engine hat in diesem Schritt eine ihrer eigenen Regeln verletzt — ein Fehler des "
                       "Werkzeugs, nicht Ihrer Eingabe ({error}). Bitte melden Sie ihn mit Szenario, Modus und "
                       "Schritt: die Adresszeile enthält alle drei."),
    "err.out_of_memory": ("The machine ran out of machine pages at this step: {error}. Use a scenario with "
                          "more machine memory.",
                          "Der Maschine gingen in diesem Schritt die Maschinenseiten aus: {error}. Bitte ein"
                          " Szenario mit mehr Maschinenspeicher verwenden."),
    "err.session_budget": ("The run stops here: going further would take more memory or time than one session may "
                           "use on this server (at most {mib} MiB of machine memory, {cpu} s of computing at a "
                           "time). The command line runs the whole scenario: python -m visualizer run FILE.",
                           "Der Lauf endet hier: weiter ginge es nur mit mehr Speicher oder Zeit, als eine Sitzung "
                           "auf diesem Server nutzen darf (höchstens {mib} MiB Maschinenspeicher, {cpu} s Rechenzeit "
                           "am Stück). Die Kommandozeile führt das ganze Szenario aus: python -m visualizer run "
                           "DATEI."),
    "err.scenario_budget": ("the scenario needs {need} MiB in the server ({ops} operations), more than the {limit} "
                            "MiB one session may hold; run it from the command line (python -m visualizer run FILE)",
                            "das Szenario braucht {need} MiB im Server ({ops} Operationen), mehr als die {limit} "
                            "MiB, die eine Sitzung halten darf; bitte über die Kommandozeile ausführen "
                            "(python -m visualizer run DATEI)"),
    "err.message_dropped": ("A message from this browser was malformed or too large and was ignored; the page goes "
                            "on as before.",
                            "Eine Nachricht dieses Browsers war fehlerhaft oder zu groß und wurde ignoriert; die "
                            "Seite läuft weiter wie bisher."),
    "err.upload_size": ("the file is larger than {kib} KiB", "die Datei ist größer als {kib} KiB"),
    "err.upload_utf8": ("the file is not UTF-8 text", "die Datei ist kein UTF-8-Text"),
    "err.upload_shape": ("the file is too large or nested too deeply to read",
                         "die Datei ist zu groß oder zu tief verschachtelt, um sie zu lesen"),
    "err.scenario_upload": ("The link names the uploaded scenario “{value}”. Uploaded scenarios live only in "
                            "the browser session that uploaded them (and are gone after a server restart): "
                            "upload the file here to see it. Showing “{fallback}”.",
                            "Der Link nennt das hochgeladene Szenario „{value}“. Hochgeladene Szenarien gibt "
                            "es nur in der Browsersitzung, die sie hochgeladen hat (und nach einem Neustart "
                            "des Servers nicht mehr): bitte die Datei hier hochladen, um es zu sehen. Gezeigt "
                            "wird „{fallback}“."),
}
