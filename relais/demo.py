"""People shared by several services' demo data (the composition root's business only).

The twelve volunteer doctors of the demo rota are also in the directory (the
public RPPS file lists every practitioner), which is how the roster learns
that their RPPS numbers exist.
"""

from __future__ import annotations

DOCTORS = [
    ("Martin", "Claire", "gp"),
    ("Bernard", "Luc", "gp"),
    ("Dubois", "Anne", "gp"),
    ("Thomas", "Jean", "gp"),
    ("Robert", "Sophie", "gp"),
    ("Richard", "Marc", "gp"),
    ("Petit", "Hélène", "gp"),
    ("Durand", "Paul", "gp"),
    ("Leroy", "Isabelle", "gp"),
    ("Moreau", "Pierre", "gp"),
    ("Simon", "Camille", "midwife"),
    ("Laurent", "Julie", "midwife"),
]


def luhn_complete(stem: str) -> str:
    for digit in "0123456789":
        candidate = stem + digit
        total = 0
        for index, char in enumerate(reversed(candidate)):
            value = int(char) * (2 if index % 2 else 1)
            total += value - 9 if value > 9 else value
        if total % 10 == 0:
            return candidate
    raise ValueError(stem)


def doctor_rpps(index: int) -> str:
    return luhn_complete(f"1000{index:06d}")
