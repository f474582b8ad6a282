"""Collects what the hostile-input tests tried, for the summary printed at the end of the run."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field


@dataclass
class FuzzLog:
    cases: dict = field(default_factory=lambda: defaultdict(int))
    crashes: int = 0
    slowest: tuple[float, str] = (0.0, "")

    def record(self, kind: str, seconds: float, crashed: bool, label: str) -> None:
        self.cases[kind] += 1
        self.crashes += crashed
        if seconds > self.slowest[0]:
            self.slowest = (seconds, kind)

    def lines(self) -> list[str]:
        if not self.cases:
            return []
        out = [f"  {kind:<28} {n:>5} cases" for kind, n in sorted(self.cases.items())]
        out.append(f"  crashes: {self.crashes}")
        out.append(f"  slowest case: {self.slowest[1]} ({self.slowest[0]:.2f} s)")
        return out


FUZZ = FuzzLog()
