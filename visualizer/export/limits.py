"""The export's limits, without what the export needs to draw (the command line builds its help
from them: importing the drawing would cost every command half a second)."""
from __future__ import annotations

MAX_STEPS = 250
"""Steps one file holds at most; a longer run needs a range (``--steps A-B``)."""
HANDOUTS = ("pages", "grid")
"""Print layouts: one step per A4 page (landscape), or several steps to an A4 page (portrait)."""
