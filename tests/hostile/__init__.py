"""Labels that try to run script, and a data folder that carries them, for the safety tests."""

from __future__ import annotations

import csv
from pathlib import Path

HOSTILE_ORG = "<img src=x onerror=alert(1)>"
HOSTILE_DESCRIPTION = "</script><script>window.__pwned=1</script> & <b>bold</b>"
HOSTILE_THEME = '"><svg onload=window.__pwned=2>'


def make_hostile(data_dir: Path) -> None:
    """Give NESTA and the blockchain theme labels and a description that try to run script."""
    for name, ident, changes in (("organizations.csv", "nesta", {"label": HOSTILE_ORG,
                                                                 "description": HOSTILE_DESCRIPTION}),
                                 ("themes.csv", "blockchain", {"label": HOSTILE_THEME})):
        path = data_dir / name
        with path.open(newline="", encoding="utf-8") as stream:
            rows = list(csv.DictReader(stream))
        for row in rows:
            if row["id"] == ident:
                row.update(changes)
        with path.open("w", newline="", encoding="utf-8") as stream:
            writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
