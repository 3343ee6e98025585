"""Printing an exported file to PDF with headless Chromium, where it is installed.

The file is printed as a browser prints it (its print styles: ``@page`` size and margins, one
step per page or several), so the PDF and a printout from the browser's own dialog are the same
handout. Chromium runs with a fresh profile and without any network use of its own; the file
makes no request either (:mod:`.shell`).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Optional

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-pdf-header-footer",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
         "--disable-default-apps", "--mute-audio")


class PdfError(RuntimeError):
    """No PDF: Chromium is missing or failed (the message says which and what to do)."""


def chromium() -> Optional[str]:
    """The Chromium (or Chrome) to print with: ``$CHROMIUM`` if set, else the first on the PATH,
    else Debian's ``/usr/bin/chromium``; None where there is none."""
    env = os.environ.get("CHROMIUM", "").strip()
    if env:
        return env if os.path.exists(env) else None
    for name in CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    return "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None


def to_pdf(html: str, timeout: float = 180.0) -> bytes:
    """``html`` (a whole document) printed to PDF by headless Chromium."""
    exe = chromium()
    if exe is None:
        raise PdfError("a PDF needs Chromium or Chrome (Debian: apt-get install chromium; or set CHROMIUM to its "
                       "path); without it, write the HTML file and print it from a browser")
    with tempfile.TemporaryDirectory(prefix="esxi-export-") as tmp:
        src, out = Path(tmp) / "handout.html", Path(tmp) / "handout.pdf"
        src.write_text(html, encoding="utf-8")
        cmd = [exe, *FLAGS, f"--user-data-dir={Path(tmp) / 'profile'}", f"--print-to-pdf={out}", src.as_uri()]
        try:
            r = subprocess.run(cmd, capture_output=True, timeout=timeout, check=False, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise PdfError(f"Chromium took longer than {timeout:.0f} s to print") from None
        except OSError as exc:
            raise PdfError(f"Chromium could not be started ({exe}): {exc.strerror}") from None
        if not out.exists() or out.stat().st_size == 0:
            err = r.stderr.decode("utf-8", "replace").strip().splitlines()
            raise PdfError(f"Chromium printed no PDF (exit status {r.returncode}): {' '.join(err[-3:])[:400]}")
        return out.read_bytes()
