"""Chromium's own PDF viewer (PDFium, with its JavaScript), driven as a person uses it.

Headless Chromium shows the viewer and runs a form's scripts, but its Save asks for a file through a
dialog that only a window system has: so the browser runs with a window, on a virtual screen (Xvfb),
and the save dialog's file name is typed with xdotool. Fields are found on the screen by their
rectangles in the file: the page is located in a screenshot (white on the viewer's dark grey), and
the viewer's scale is its width over the page's.
"""
from __future__ import annotations

import io
import os
import shutil
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
XVFB, XDOTOOL = shutil.which("Xvfb"), shutil.which("xdotool")
VIEWPORT = {"width": 1000, "height": 1300}
TOOLBAR = 56  # px: the viewer's toolbar at the top
DOWNLOAD = (VIEWPORT["width"] - 104, 28)  # its download button, from the right
WITH_CHANGES = (VIEWPORT["width"] - 115, 74)  # the first entry of the menu it opens once a form is edited


@contextmanager
def virtual_screen():
    """A display of our own: Xvfb on the first free number from 90, stopped (by its pid) at the end."""
    number = next(n for n in range(90, 190) if not Path(f"/tmp/.X{n}-lock").exists()
                  and not Path(f"/tmp/.X11-unix/X{n}").exists())
    xvfb = subprocess.Popen([XVFB, f":{number}", "-screen", "0", "1280x1400x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            if Path(f"/tmp/.X11-unix/X{number}").exists():
                break
            time.sleep(0.05)
        yield f":{number}"
    finally:
        xvfb.terminate()
        xvfb.wait(10)


class Viewer:
    """One PDF open in Chromium's viewer: click its fields, type, read the dialogs it raised, save it."""

    def __init__(self, browser, display: str) -> None:
        self.display = display
        self.page = browser.new_page(viewport=VIEWPORT)
        self.alerts: list[str] = []
        self.page.on("dialog", self._dialog)
        self.places: dict = {}
        self.geometry = (0.0, 0.0, 1.0)
        self.width = self.height = 0.0

    def _dialog(self, dialog) -> None:
        self.alerts.append(dialog.message)
        dialog.accept()

    def open(self, path: Path) -> None:
        from pypdf import PdfReader

        reader = PdfReader(path)
        self.width, self.height = float(reader.pages[0].mediabox[2]), float(reader.pages[0].mediabox[3])
        for annotation in reader.pages[0].get("/Annots", []):
            annotation = annotation.get_object()
            name = annotation.get("/T") or annotation.get("/Parent", {}).get("/T")
            states = [str(k)[1:] for k in annotation.get("/AP", {}).get("/N", {}).keys() if k != "/Off"] \
                if "/Parent" in annotation else []
            self.places[(str(name), states[0] if states else "")] = [float(x) for x in annotation["/Rect"]]
        self.page.goto(path.resolve().as_uri() + "#navpanes=0")
        for _ in range(100):  # until the page is drawn
            time.sleep(0.1)
            found = self._page_on_screen()
            if found:
                self.geometry = found
                return
        raise AssertionError("Chromium's viewer did not show the page")

    def _page_on_screen(self):
        import numpy as np
        from PIL import Image

        image = np.asarray(Image.open(io.BytesIO(self.page.screenshot())).convert("L")).astype(int)
        body = image[TOOLBAR + 4:, : image.shape[1] - 20] > 245
        columns = np.where(body.mean(axis=0) > 0.5)[0]
        if not len(columns):
            return None
        left, right = int(columns[0]), int(columns[-1])
        rows = np.where((image[TOOLBAR:, left + 3:right - 3] > 245).mean(axis=1) > 0.9)[0]
        if not len(rows):
            return None
        return left, TOOLBAR + int(rows[0]), (right - left + 1) / self.width

    def where(self, field: str, choice: str = "") -> tuple[float, float]:
        x0, y0, x1, y1 = self.places[(field, choice)]
        left, top, scale = self.geometry
        return left + (x0 + x1) / 2 * scale, top + (self.height - (y0 + y1) / 2) * scale

    def click(self, field: str, choice: str = "") -> None:
        self.page.mouse.click(*self.where(field, choice))
        time.sleep(0.3)

    def type(self, field: str, text: str) -> None:
        """Click the field, type, and leave it with Tab: what commits a value and runs its checks."""
        self.click(field)
        self.page.keyboard.type(text, delay=20)
        self.page.keyboard.press("Tab")
        time.sleep(0.5)

    def save(self, target: Path) -> None:
        """The download button, «With your changes», and the file name typed into the save dialog."""
        self.page.mouse.click(*DOWNLOAD)
        time.sleep(0.7)
        self.page.mouse.click(*WITH_CHANGES)
        environment = {**os.environ, "DISPLAY": self.display}
        window = b""
        for _ in range(50):  # until the dialog is up; there is no window manager to give it the focus
            time.sleep(0.2)
            window = subprocess.run([XDOTOOL, "search", "--name", "Save"], capture_output=True,
                                    env=environment).stdout.split()
            if window:
                break
        assert window, "Chromium's viewer showed no save dialog"
        time.sleep(0.5)
        size = subprocess.run([XDOTOOL, "getwindowgeometry", window[0]], capture_output=True, text=True,
                              env=environment).stdout.split("Geometry:")[1].split()[0]
        width, height = map(int, size.split("x"))
        for keys in (["windowfocus", "--sync", window[0].decode()], ["key", "ctrl+a"],
                     ["type", "--delay", "20", str(target)],  # then its Save button (Enter does not press it)
                     ["sleep", "1"], ["mousemove", str(width - 50), str(height - 25), "click", "1"]):
            subprocess.run([XDOTOOL, *keys], check=True, env=environment)
        for _ in range(100):
            if target.exists() and target.stat().st_size:
                time.sleep(0.3)
                return
            time.sleep(0.1)
        raise AssertionError(f"Chromium did not save {target}")

    def screenshot(self, path: Path) -> None:
        self.page.screenshot(path=str(path))


@contextmanager
def chromium_viewer():
    """Chromium with a window on a virtual screen, and a Viewer for each PDF opened."""
    from playwright.sync_api import sync_playwright

    with virtual_screen() as display, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=False, env={**os.environ, "DISPLAY": display},
            args=["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync", "--disable-component-update",
                  "--disable-background-networking"])
        try:
            yield lambda: Viewer(browser, display)
        finally:
            browser.close()
