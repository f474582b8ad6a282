"""A progress bar on stderr (tqdm) that stays quiet when nobody is watching."""

from __future__ import annotations

import sys

from tqdm import tqdm


class Progress:
    def __init__(self, total: int | None, quiet: bool) -> None:
        self.bar = tqdm(
            total=total, unit="rec", file=sys.stderr, dynamic_ncols=True, smoothing=0.1,
            disable=quiet or not sys.stderr.isatty(),
        )

    def update(self, n: int) -> None:
        self.bar.update(n)

    def close(self) -> None:
        self.bar.close()
