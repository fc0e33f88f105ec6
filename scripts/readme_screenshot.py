"""Make the README's screenshot from a real run: ``pytest grader/`` in tmux, the pane
captured with its colours, rendered to PNG with a CJK-capable monospace font.

    pip install -e ".[screenshot]"        # pyte: the terminal emulator that reads the capture
    apt-get install tmux fonts-wqy-microhei
    python scripts/readme_screenshot.py   # writes grader/assets/first_run.png

Options: ``--out PNG``, ``--lines N`` (how many lines of the end to keep; default: from the
score area's first rule on), ``--columns``;
anything after ``--`` goes to pytest (default: the stubs, every problem).
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyte
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[1]
DONE = "__screenshot_done__"
LATIN = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
LATIN_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf"
CJK = ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 1)  # WenQuanYi Micro Hei Mono
PALETTE = {  # xterm's, on a dark background
    "default": (229, 229, 229), "black": (40, 40, 40), "red": (235, 87, 87), "green": (105, 200, 105),
    "brown": (220, 190, 90), "yellow": (230, 210, 100), "blue": (110, 150, 240), "magenta": (210, 120, 210),
    "cyan": (90, 200, 210), "white": (229, 229, 229),
    "brightred": (255, 110, 110), "brightgreen": (130, 230, 130), "brightyellow": (250, 230, 120),
}
BACKGROUND = (24, 26, 31)
SIZE, CELL_W, CELL_H, PAD = 16, 10, 21, 16


def capture(pytest_args: list[str], columns: int, timeout: float) -> str:
    """Run pytest in a detached tmux pane; return the pane's text with colour escapes."""
    session = f"grader-shot-{os.getpid()}"
    with tempfile.TemporaryDirectory() as state:  # a first run: no hints seen, no last run
        command = (f"cd {shlex.quote(str(ROOT))} && XDG_STATE_HOME={shlex.quote(state)} "
                   f"{shlex.quote(sys.executable)} -m pytest grader/ {shlex.join(pytest_args)}; echo {DONE}; "
                   "sleep 600")
        subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", str(columns), "-y", "50",
                        command], check=True)
        try:
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                text = subprocess.run(["tmux", "capture-pane", "-p", "-e", "-S", "-400", "-t", session],
                                      capture_output=True, text=True, check=True).stdout
                if any(line.strip().endswith(DONE) for line in text.splitlines()):
                    return text
                time.sleep(2)
            raise TimeoutError("pytest did not finish")
        finally:
            subprocess.run(["tmux", "kill-session", "-t", session], check=False)


def _colour(name: str, bold: bool) -> tuple[int, int, int]:
    if bold and f"bright{name}" in PALETTE:
        return PALETTE[f"bright{name}"]
    if len(name) == 6:
        try:
            return tuple(int(name[i:i + 2], 16) for i in (0, 2, 4))
        except ValueError:
            pass
    return PALETTE.get(name, PALETTE["default"])


def render(text: str, keep: int | None, columns: int, out: Path) -> None:
    lines = text.split("\n")
    end = next(i for i, line in enumerate(lines) if line.strip().endswith(DONE))
    body = lines[:end]
    while body and not body[-1].strip():
        body.pop()
    if keep is None:  # the score area: from the last rule that names it
        keep = len(body) - max(i for i, line in enumerate(body) if "成绩 Score" in line)
    body = body[-keep:]
    screen = pyte.Screen(columns, len(body))
    pyte.Stream(screen).feed("\r\n".join(body))
    fonts = {False: ImageFont.truetype(LATIN, SIZE), True: ImageFont.truetype(LATIN_BOLD, SIZE)}
    cjk = ImageFont.truetype(CJK[0], SIZE, index=CJK[1])
    image = Image.new("RGB", (columns * CELL_W + 2 * PAD, len(body) * CELL_H + 2 * PAD), BACKGROUND)
    draw = ImageDraw.Draw(image)
    for y in range(len(body)):
        row = screen.buffer[y]
        for x in range(columns):
            char = row[x]
            if not char.data or char.data == " ":
                continue
            wide = ord(char.data[0]) >= 0x2E80
            font = cjk if wide else fonts[char.bold]
            left, top = PAD + x * CELL_W, PAD + y * CELL_H
            if wide:  # centred in its two cells
                left += (2 * CELL_W - font.getlength(char.data)) / 2
            draw.text((left, top + 2), char.data, font=font, fill=_colour(char.fg, char.bold))
    out.parent.mkdir(parents=True, exist_ok=True)
    image.save(out, optimize=True)


def main() -> int:
    argv = sys.argv[1:]
    extra = argv[argv.index("--") + 1:] if "--" in argv else []
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "grader" / "assets" / "first_run.png")
    parser.add_argument("--lines", type=int, default=None)
    parser.add_argument("--columns", type=int, default=120)
    parser.add_argument("--timeout", type=float, default=1800)
    args = parser.parse_args(argv[:argv.index("--")] if "--" in argv else argv)
    render(capture(extra, args.columns, args.timeout), args.lines, args.columns, args.out)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
