"""Attack tests report what they tried and what got through.

Each attack suite builds one `AttackReport`, records every attempt with `tried(...)`, and calls
`report.assert_none_got_through()` at the end. The report is printed (visible with `pytest -s`
and in the test's captured output on failure) and written to `var/security-report/<name>.json`,
so the closing note's "tried / got through" figures come from the suite itself."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings

REPORT_DIR = Path(settings.BASE_DIR) / "var" / "security-report"


@dataclass
class AttackReport:
    name: str
    attempts: int = 0
    got_through: list[dict[str, Any]] = field(default_factory=list)

    def tried(self, attack: str, *, got_through: bool, **detail: Any) -> None:
        """Record one attempt; `got_through` is True when the defence failed."""
        self.attempts += 1
        if got_through:
            self.got_through.append({"attack": attack, **detail})

    def summary(self) -> dict[str, Any]:
        return {
            "suite": self.name,
            "tried": self.attempts,
            "got_through": len(self.got_through),
            "failures": self.got_through[:50],
        }

    def assert_none_got_through(self) -> None:
        summary = self.summary()
        REPORT_DIR.mkdir(parents=True, exist_ok=True)
        (REPORT_DIR / f"{self.name}.json").write_text(json.dumps(summary, indent=2, default=str))
        tried, through = summary["tried"], summary["got_through"]
        print(f"[attack report] {self.name}: tried {tried}, got through {through}")
        assert self.attempts > 0, f"{self.name}: no attack was tried"
        assert not self.got_through, json.dumps(summary, indent=2, default=str)
