"""Strings of learning mode: predict-then-reveal questions (``q.``), predict mode on the step page
(``learn.``) and the Lessons page (``lesson.``); see :mod:`visualizer.learn.questions` and
:mod:`visualizer.learn.lessons`."""
from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    # -- questions: what is asked ------------------------------------------------------------------
    "q.prompt.tlb": ("Will the TLB hit or miss for gVA 0x{gva:x} of {vm}?",
                     "Trifft der TLB für gVA 0x{gva:x} von {vm} – oder gibt es einen TLB-Fehltreffer?"),
    "q.prompt.exit": ("Will this step exit to the VMM — and if so, for what reason first?",
                      "Führt dieser Schritt zu einem VM-Exit – und wenn ja, aus welchem Grund zuerst?"),
    "q.prompt.walk_refs": ("How many memory references will the CPU's page walker make in this step "
                           "(retries included)?",
                           "Wie viele Speicherzugriffe macht der Seitentabellendurchlauf der CPU in diesem Schritt "
                           "(Wiederholungen eingeschlossen)?"),
    "q.prompt.gpa": ("Which guest-physical address (gPA) does gVA 0x{gva:x} of {vm} translate to?",
                     "Auf welche gastphysische Adresse (gPA) wird gVA 0x{gva:x} von {vm} übersetzt?"),
    "q.prompt.ma": ("Which machine address (MA) does the access to gVA 0x{gva:x} of {vm} reach?",
                    "Welche Maschinenadresse (MA) erreicht der Zugriff auf gVA 0x{gva:x} von {vm}?"),
    "q.prompt.fault": ("Which fault does this step meet?", "Auf welchen Fehler trifft dieser Schritt?"),
    # -- questions: the options ---------------------------------------------------------------------
    "q.choice.tlb.hit": ("TLB hit", "TLB-Treffer"),
    "q.choice.tlb.miss": ("TLB miss", "TLB-Fehltreffer"),
    "q.choice.exit.none": ("no VM exit", "kein VM-Exit"),
    "q.choice.exit.hidden-fault": ("hidden page fault (the VMM fills the shadow or backs the page)",
                                   "versteckter Seitenfehler (der VMM füllt den Schatten oder hinterlegt die Seite)"),
    "q.choice.exit.guest-fault": ("true guest page fault (#PF reflected to the guest)",
                                  "echter Seitenfehler des Gasts (#PF an den Gast)"),
    "q.choice.exit.pt-write": ("write to a write-protected guest page table",
                               "Schreiben in schreibgeschützte Seitentabelle des Gasts"),
    "q.choice.exit.cr3-load": ("CR3 load (context switch)", "CR3-Laden (Kontextwechsel)"),
    "q.choice.exit.invlpg": ("INVLPG (by the guest)", "INVLPG (des Gasts)"),
    "q.choice.exit.ept-violation": ("EPT violation", "EPT-Verletzung"),
    "q.choice.fault.none": ("no fault", "kein Fehler"),
    "q.choice.fault.guest-pf": ("a guest page fault (#PF)", "ein Seitenfehler des Gasts (#PF)"),
    "q.choice.fault.hidden-fault": ("a hidden page fault (shadow)", "ein versteckter Seitenfehler (Schatten)"),
    "q.choice.fault.ept-violation": ("an EPT violation", "eine EPT-Verletzung"),
    "q.choice.fault.guest-pf+hidden-fault": ("both: a guest page fault and a hidden page fault",
                                             "beides: ein Seitenfehler des Gasts und ein versteckter Seitenfehler"),
    "q.choice.fault.guest-pf+ept-violation": ("both: a guest page fault and an EPT violation",
                                              "beides: ein Seitenfehler des Gasts und eine EPT-Verletzung"),
    "q.prompt.reclaim": ("What does the host do to reclaim memory in this step — the most it does?",
                         "Was tut der Host in diesem Schritt, um Speicher zurückzugewinnen – das Meiste, was er tut?"),
    "q.choice.reclaim.none": ("nothing: no page reclaimed", "nichts: keine Seite zurückgewonnen"),
    "q.choice.reclaim.share": ("shares pages of identical content (page sharing)",
                               "nutzt gleiche Seiten gemeinsam (Page Sharing)"),
    "q.choice.reclaim.balloon": ("inflates balloons: the guests give pages back",
                                 "bläst Balloons auf: die Gäste geben Seiten ab"),
    "q.choice.reclaim.compress-swap": ("compresses or swaps out pages it picks at random",
                                       "komprimiert zufällige Seiten oder lagert sie aus"),
    "q.choice.reclaim.block": ("blocks the VM that allocates while it compresses and swaps",
                               "blockiert die belegende VM, komprimiert, lagert aus"),
    # -- questions: why the answer is right ------------------------------------------------------------
    "q.explain.tlb.hit": ("TLB hit: an earlier step left a translation of gVA page 0x{gva:x} in the TLB, so "
                          "the CPU needs no page walk.",
                          "TLB-Treffer: Ein früherer Schritt hat eine Übersetzung der gVA-Seite 0x{gva:x} im TLB "
                          "hinterlassen, die CPU braucht keinen Seitentabellendurchlauf."),
    "q.explain.tlb.miss": ("TLB miss: the TLB held no usable translation of gVA page 0x{gva:x} — it was never "
                           "filled, a flush or an eviction removed it, or the entry it held does not allow this "
                           "write (read-only, or its dirty bit not yet set), so the CPU walks the tables again.",
                           "TLB-Fehltreffer: Der TLB hielt keine brauchbare Übersetzung der gVA-Seite 0x{gva:x} – "
                           "sie wurde nie eingetragen, ein Leeren des TLB oder eine Verdrängung hat sie entfernt, "
                           "oder der vorhandene Eintrag erlaubt diesen Schreibzugriff nicht (schreibgeschützt oder "
                           "Dirty-Bit noch nicht gesetzt), also durchläuft die CPU die Tabellen erneut."),
    "q.explain.tlb.miss_read": ("TLB miss: the TLB held no translation of gVA page 0x{gva:x} — it was never filled, "
                                "or a flush or an eviction removed it — so the CPU walks the tables again.",
                                "TLB-Fehltreffer: Der TLB hielt keine Übersetzung der gVA-Seite 0x{gva:x} – sie wurde "
                                "nie eingetragen, oder ein Leeren des TLB oder eine Verdrängung hat sie entfernt –, "
                                "also durchläuft die CPU die Tabellen erneut."),
    "q.explain.exit.none": ("No VM exit: the CPU did not leave the guest for the VMM in this step.",
                            "Kein VM-Exit: Die CPU hat den Gast in diesem Schritt nicht für den VMM verlassen."),
    "q.explain.exit": ("One VM exit: {first}.|{n} VM exits, the first: {first} (in all: {all}).",
                       "Ein VM-Exit: {first}.|{n} VM-Exits, der erste: {first} (insgesamt: {all})."),
    "q.explain.walk_refs": ("The CPU's page walker made one memory reference in this step.|The CPU's page "
                            "walker made {n} memory references in this step.",
                            "Der Seitentabellendurchlauf der CPU machte in diesem Schritt einen Speicherzugriff.|"
                            "Der Seitentabellendurchlauf der CPU machte in diesem Schritt {n} Speicherzugriffe."),
    "q.explain.vmm_refs": ("The VMM's software walk of the guest tables read one more entry (not counted "
                           "as the CPU's).|The VMM's software walks of the guest tables read {n} more entries "
                           "(not counted as the CPU's).",
                           "Der Durchlauf des VMM durch die Gast-Tabellen in Software las einen weiteren Eintrag "
                           "(nicht bei der CPU gezählt).|Die Durchläufe des VMM durch die Gast-Tabellen in Software "
                           "lasen {n} weitere Einträge (nicht bei der CPU gezählt)."),
    "q.explain.reclaim.none": ("The host reclaimed nothing in this step: its sharing scan found no page alike "
                               "to one it had seen (it remembered hints), and free memory called for nothing more.",
                               "Der Host hat in diesem Schritt nichts zurückgewonnen: Sein Scan fand keine Seite, die "
                               "einer schon gesehenen glich (er vermerkte Hinweise), und der freie Speicher verlangte "
                               "nichts weiter."),
    "q.explain.reclaim.share": ("The host shared pages: its sharing scan found pages alike (a hash match, then a "
                                "full compare) and mapped them to one read-only machine page — in every state, "
                                "the cheapest technique and the first.",
                                "Der Host hat Seiten gemeinsam genutzt: Sein Scan fand gleiche Seiten (ein Hash-"
                                "Treffer, dann ein vollständiger Vergleich) und bildete sie auf eine schreibgeschützte "
                                "Maschinenseite ab – in jedem Zustand, die billigste Technik und die erste."),
    "q.explain.reclaim.balloon": ("The host inflated balloons: free memory was below 64% of minFree (the soft "
                                  "state), so it set balloon targets, and each guest's driver pinned pages whose "
                                  "machine pages the VMM freed.",
                                  "Der Host hat Balloons aufgeblasen: Der freie Speicher lag unter 64 % von minFree "
                                  "(Zustand soft), also setzte er Ziele für die Balloons, und der Treiber jedes Gasts "
                                  "hielt Seiten fest, deren Maschinenseiten der VMM freigab."),
    "q.explain.reclaim.compress-swap": ("The host compressed or swapped pages: free memory was below 32% of "
                                        "minFree (the hard state, or low), so it took pages at random — it cannot "
                                        "know which a guest still uses — and compressed those that fit 2 KiB, "
                                        "swapping the others.",
                                        "Der Host hat Seiten komprimiert oder ausgelagert: Der freie Speicher lag "
                                        "unter 32 % von minFree (Zustand hard oder low), also nahm er zufällige "
                                        "Seiten – er kann nicht wissen, welche ein Gast noch braucht – und "
                                        "komprimierte die, die in 2 KiB passen, die anderen lagerte er aus."),
    "q.explain.reclaim.block": ("The host blocked the VM: taking another machine page would have left less than "
                                "16% of minFree free (the low state), so the VM waited while the host compressed "
                                "and swapped pages.",
                                "Der Host hat die VM blockiert: Eine weitere Maschinenseite hätte weniger als 16 % "
                                "von minFree frei gelassen (Zustand low), also wartete die VM, während der Host "
                                "Seiten komprimierte und auslagerte."),
    "q.explain.gpa": ("The guest OS's page tables of {vm} map gVA 0x{gva:x} to gPA 0x{gpa:x}.",
                      "Die Seitentabellen des Gast-Betriebssystems von {vm} bilden gVA 0x{gva:x} auf "
                      "gPA 0x{gpa:x} ab."),
    "q.explain.ma.shadow": ("The VMM's pmap backs gPA 0x{gpa:x} of {vm} with machine address 0x{ma:x}; the "
                            "shadow page tables map gVA 0x{gva:x} straight to it.",
                            "Die pmap des VMM hinterlegt gPA 0x{gpa:x} von {vm} mit der Maschinenadresse 0x{ma:x}; "
                            "die Schattenseitentabellen bilden gVA 0x{gva:x} direkt darauf ab."),
    "q.explain.ma.nested": ("The nested (EPT) tables, which the VMM keeps from its pmap, map gPA 0x{gpa:x} of "
                            "{vm} to machine address 0x{ma:x}; the CPU combined them with the guest's tables "
                            "for gVA 0x{gva:x}.",
                            "Die verschachtelten Seitentabellen (EPT), die der VMM nach seiner pmap führt, bilden "
                            "gPA 0x{gpa:x} von {vm} auf die Maschinenadresse 0x{ma:x} ab; die CPU hat sie für "
                            "gVA 0x{gva:x} mit den Tabellen des Gasts verknüpft."),
    "q.explain.fault.none": ("No fault: every table the access needed had a usable entry (or the TLB "
                             "answered).",
                             "Kein Fehler: Jede Tabelle, die der Zugriff brauchte, hatte einen gültigen Eintrag "
                             "(oder der TLB hat geantwortet)."),
    "q.explain.fault.guest-pf": ("A guest page fault: the guest's own page tables lacked the mapping or denied "
                                 "the access, so the guest OS's #PF handler ran (in shadow mode the VMM reflects "
                                 "it into the guest; in nested mode the CPU delivers it without a VM exit).",
                                 "Ein Seitenfehler des Gasts: Den Seitentabellen des Gasts fehlte die Abbildung oder "
                                 "sie verboten den Zugriff, also lief der #PF-Handler des Gast-Betriebssystems (mit "
                                 "Schattenseitentabellen leitet der VMM ihn an den Gast weiter; mit verschachtelten "
                                 "Seitentabellen stellt die CPU ihn ohne VM-Exit zu)."),
    "q.explain.fault.hidden-fault": ("A hidden page fault: the shadow page tables lacked (or denied) what the "
                                     "guest's tables allow; the VMM fixed the shadow and the guest never saw "
                                     "a fault.",
                                     "Ein versteckter Seitenfehler: Den Schattenseitentabellen fehlte, was die "
                                     "Tabellen des Gasts erlauben (oder sie verboten es); der VMM hat den Schatten "
                                     "ergänzt, der Gast hat keinen Fehler bemerkt."),
    "q.explain.fault.ept-violation": ("An EPT violation: the nested tables had no usable entry for a gPA (not yet "
                                      "backed, swapped out, or shared and written); the VMM fixed it and the guest "
                                      "never saw it.",
                                      "Eine EPT-Verletzung: Die verschachtelten Seitentabellen hatten für eine gPA "
                                      "keinen gültigen Eintrag (noch nicht hinterlegt, ausgelagert oder gemeinsam "
                                      "genutzt und beschrieben); der VMM hat das behoben, der Gast hat nichts "
                                      "bemerkt."),
    "q.explain.fault.guest-pf_hidden-fault": ("Both: the guest's own tables lacked the mapping (a guest page fault, "
                                              "reflected by the VMM), and on the way the shadow lacked entries the "
                                              "guest's tables then had (hidden page faults).",
                                              "Beides: Den Tabellen des Gasts fehlte die Abbildung (ein Seitenfehler "
                                              "des Gasts, vom VMM an den Gast weitergeleitet), und unterwegs fehlten dem Schatten "
                                              "Einträge, die die Tabellen des Gasts dann hatten (versteckte "
                                              "Seitenfehler)."),
    "q.explain.fault.guest-pf_ept-violation": ("Both: the guest's own tables lacked the mapping (a guest page "
                                               "fault, no VM exit), and the guest-physical pages its handler touched "
                                               "had no machine page yet (EPT violations).",
                                               "Beides: Den Tabellen des Gasts fehlte die Abbildung (ein Seitenfehler "
                                               "des Gasts, ohne VM-Exit), und die gastphysischen Seiten, die sein "
                                               "Handler berührte, hatten noch keine Maschinenseite "
                                               "(EPT-Verletzungen)."),
    # -- predict mode on the step page ------------------------------------------------------------------
    "learn.predict": ("Predict first", "Erst vorhersagen"),
    "learn.predict_help": ("Before each step is shown, answer questions about what the engine is about to do; "
                           "then reveal the step.",
                           "Vor jedem Schritt Fragen dazu beantworten, was die Simulation gleich tut; dann den "
                           "Schritt aufdecken."),
    "learn.score": ("Score: {right} of {asked} right", "Punkte: {right} von {asked} richtig"),
    "learn.ask_title": ("Before step {step}: {op} — what will happen?",
                        "Vor Schritt {step}: {op} – was wird passieren?"),
    "learn.reveal": ("Reveal", "Aufdecken"),
    "learn.cancel": ("Cancel", "Abbrechen"),
    "learn.number": ("Your number", "Ihre Zahl"),
    "learn.right": ("✓ right: {answer}", "✓ richtig: {answer}"),
    "learn.wrong": ("✗ wrong: {given} — the answer: {answer}", "✗ falsch: {given} – richtig ist: {answer}"),
    "learn.open": ("The answer: {answer}", "Lösung: {answer}"),
    "learn.revealed_title": ("Step {step}: your predictions", "Schritt {step}: Ihre Vorhersagen"),
    "learn.nothing_to_ask": ("Nothing to predict at this step.", "Zu diesem Schritt gibt es nichts vorherzusagen."),
    "learn.reveal_key": ("→, space or PageDown reveals", "→, Leertaste oder Bild ab deckt auf"),
    "learn.reset_score": ("Reset score", "Punkte zurücksetzen"),
    # -- the Lessons page -------------------------------------------------------------------------------------
    "lesson.choose": ("Lesson", "Lektion"),
    "lesson.upload": ("Your own lesson (.toml)", "Eigene Lektion (.toml)"),
    "lesson.upload_help": ("A lesson file in the format of visualizer/lessons/*.toml (at most {kib} KiB).",
                           "Eine Lektionsdatei im Format von visualizer/lessons/*.toml (höchstens {kib} KiB)."),
    "lesson.uploaded": ("Your lesson “{name}” is loaded.", "Ihre Lektion „{name}“ ist geladen."),
    "lesson.err.size": ("The lesson file is larger than {kib} KiB (the limit); the current lesson stays.",
                        "Die Lektionsdatei ist größer als {kib} KiB (die Grenze); die aktuelle Lektion bleibt."),
    "lesson.err.utf8": ("The lesson file is not UTF-8 text; the current lesson stays.",
                        "Die Lektionsdatei ist kein UTF-8-Text; die aktuelle Lektion bleibt."),
    "lesson.err.invalid": ("The lesson file “{name}” cannot be used: {error}. The current lesson stays.",
                           "Die Lektionsdatei „{name}“ ist nicht verwendbar: {error}. Die aktuelle Lektion bleibt."),
    "lesson.err.name": ("There is no lesson “{value}” (lessons: {names}); showing “{fallback}”.",
                        "Es gibt keine Lektion „{value}“ (Lektionen: {names}); gezeigt wird „{fallback}“."),
    "lesson.err.step": ("The lesson has no step “{value}” (steps 1 to {last}); showing step {fallback}.",
                        "Die Lektion hat keinen Schritt „{value}“ (Schritte 1 bis {last}); gezeigt wird Schritt "
                        "{fallback}."),
    "lesson.err.done": ("The link's answers “{value}” cannot be read: {problem}. The lesson's score starts empty. "
                        "(The form is done=2.b.a_3.12: a lesson step, then one code per question — a letter for "
                        "a choice, a for the first; a number; or - for a question left open.)",
                        "Die Antworten im Link „{value}“ sind nicht lesbar: {problem}. Die Punkte der Lektion "
                        "beginnen bei null. (Die Form ist done=2.b.a_3.12: ein Lektionsschritt, dann ein Zeichen "
                        "je Frage – ein Buchstabe für eine Auswahl, a für die erste; eine Zahl; oder - für eine "
                        "offen gelassene Frage.)"),
    "lesson.err.done.form": ("it is not in that form", "sie haben nicht diese Form"),
    "lesson.err.done.step": ("the lesson has no step {step} (steps 1 to {last})",
                             "die Lektion hat keinen Schritt {step} (Schritte 1 bis {last})"),
    "lesson.err.done.nothing_asked": ("step {step} asks no questions", "Schritt {step} stellt keine Fragen"),
    "lesson.err.done.twice": ("step {step} is named twice", "Schritt {step} kommt zweimal vor"),
    "lesson.err.done.count": ("step {step} asks one question; codes in the link: {given}|step {step} asks {n} "
                              "questions; codes in the link: {given}",
                              "Schritt {step} stellt eine Frage; Zeichen im Link: {given}|Schritt {step} stellt {n} "
                              "Fragen; Zeichen im Link: {given}"),
    "lesson.err.done.choice": ("step {step}, question {k}: its choices are a to {last}",
                               "Schritt {step}, Frage {k}: ihre Auswahl reicht von a bis {last}"),
    "lesson.err.done.number": ("step {step}, question {k} asks for a number",
                               "Schritt {step}, Frage {k} fragt nach einer Zahl"),
    "lesson.position": ("Lesson step {i} of {n}", "Lektionsschritt {i} von {n}"),
    "lesson.state": ("The diagram shows the state after operation {step} of {total} ({mode}).",
                     "Das Diagramm zeigt den Zustand nach Operation {step} von {total} ({mode})."),
    "lesson.state_boot": ("The diagram shows the machine before the first operation ({mode}).",
                          "Das Diagramm zeigt die Maschine vor der ersten Operation ({mode})."),
    "lesson.zoom_readable": ("Readable", "Lesbar"),
    "lesson.next": ("Next", "Weiter"),
    "lesson.back": ("Back", "Zurück"),
    "lesson.restart": ("Start over", "Von vorn"),
    "lesson.ask_title": ("Predict before you look: operation {step}, {op}",
                         "Erst vorhersagen, dann ansehen: Operation {step}, {op}"),
    "lesson.check": ("Reveal and check", "Aufdecken und prüfen"),
    "lesson.results": ("Your predictions", "Ihre Vorhersagen"),
    "lesson.open_step": ("Open this state on the step page", "Diesen Zustand auf der Schrittseite öffnen"),
    "lesson.open_link": ("Open: {label}", "Öffnen: {label}"),
    "lesson.done": ("End of the lesson: {right} of {asked} predictions right.",
                    "Ende der Lektion: {right} von {asked} Vorhersagen richtig."),
    "lesson.intro": ("About this lesson", "Worum es geht"),
    "lesson.custom": ("(your upload)", "(Ihr Upload)"),
    "lesson.scenario": ("Scenario: {name}", "Szenario: {name}"),
    "lesson.commentary_after": ("First predict: the explanation of this step follows when you reveal it.",
                                "Erst vorhersagen: Die Erläuterung zu diesem Schritt folgt beim Aufdecken."),
    "learn.explanations": ("Why: the explanation of each answer", "Warum: die Erklärung zu jeder Antwort"),
}
