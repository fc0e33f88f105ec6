"""Progress of a batch: a bar on a terminal (tqdm: count, rate, ETA), one line per submission otherwise."""

from __future__ import annotations

import sys
import time

from tqdm import tqdm


class Progress:
    def __init__(self, total: int, reused: int = 0, *, bar: bool | None = None) -> None:
        self.total, self.count, self.started = total, reused, time.monotonic()
        use_bar = sys.stderr.isatty() if bar is None else bar
        self.bar = tqdm(total=total, initial=reused, unit="sub", dynamic_ncols=True) if use_bar else None
        if reused:
            self._line(f"{reused} 份沿用先前的结果 / reused from an earlier run (same grader, same files)")

    def _line(self, text: str) -> None:
        if self.bar is not None:
            self.bar.write(text)
        else:
            print(text, flush=True)

    def done(self, name: str, text: str) -> None:
        self.count += 1
        if self.bar is not None:
            self.bar.update(1)
            self.bar.set_postfix_str(name, refresh=False)
            if not text.startswith(("✔", "✘")):  # failures stay visible above the bar
                self._line(f"{name}: {text}")
        else:
            elapsed = time.monotonic() - self.started
            self._line(f"[{self.count}/{self.total}] {name}: {text} ({elapsed:.0f} s elapsed)")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
