"""Progress of a batch: a bar on a terminal (tqdm: count, rate, ETA), one line per submission otherwise."""

from __future__ import annotations

import sys
import time

from tqdm import tqdm


class Progress:
    def __init__(self, total: int, *, bar: bool | None = None) -> None:
        self.total, self.count, self.reused, self.started = total, 0, 0, time.monotonic()
        use_bar = sys.stderr.isatty() if bar is None else bar
        self.bar = tqdm(total=total, unit="sub", dynamic_ncols=True) if use_bar else None

    def _line(self, text: str) -> None:
        if self.bar is not None:
            self.bar.write(text)
        else:
            print(text, flush=True)

    def done(self, name: str, text: str, *, quiet: bool = False) -> None:
        """One more submission finished; ``quiet``: reused from an earlier run (counted, not listed on a bar)."""
        self.count += 1
        self.reused += quiet
        if self.bar is not None:
            self.bar.update(1)
            self.bar.set_postfix_str(name, refresh=False)
            if not quiet and not text.startswith(("✔", "✘")):  # failures stay visible above the bar
                self._line(f"{name}: {text}")
        else:
            elapsed = time.monotonic() - self.started
            self._line(f"[{self.count}/{self.total}] {name}: {text} ({elapsed:.0f} s elapsed)")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        if self.reused:
            print(f"沿用 {self.reused} 份先前的结果 / {self.reused} reused from an earlier run "
                  "(same grader, same files, same options; --force regrades)", flush=True)
