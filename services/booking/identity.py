"""Identity vigilance (RNIV), pure rules: the traits, their status, the INS, matching.

A patient's identity is what France's identity-vigilance framework calls the
strict traits: birth name, first given name and the list of given names, birth
date, sex and birth place (an INSEE code, contracts.birthplaces); the used name
and used given name sit beside them.  Phone and e-mail are contact details,
never identity.

An identity is ``provisional`` as declared (online, by phone) and ``validated``
once staff have checked a high-trust identity document at the desk: who, when,
which kind of document (never a scan, never the document's number).  Relais
records an INS (matricule and OID) when staff give one and checks its form and
key, but cannot *qualify* it: that needs the INSi teleservice, which Relais does
not call.

Nothing here decides that two identities are one person: :func:`likeness` only
says how alike two are, for staff to judge.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from chassis.names import name_key

PROVISIONAL, VALIDATED = "provisional", "validated"
STATUSES = (PROVISIONAL, VALIDATED)
SEXES = ("f", "m", "i")  # féminin, masculin, indéterminé (RNIV)
# identity documents of high trust (RNIV): the only ones that validate an identity
DOCUMENTS = {
    "cni": "carte nationale d'identité",
    "passeport": "passeport",
    "titre_sejour": "titre de séjour",
    "carte_identite_ue": "carte d'identité d'un pays de l'Union européenne",
}
# why staff merged or split identities: codes, never free text (no medical word
# can slip into the audit trail)
MERGE_REASONS = {
    "same_person_document": "même personne, pièce d'identité vérifiée",
    "duplicate_booking": "doublon créé lors d'une prise de rendez-vous",
}
UNMERGE_REASONS = {
    "different_people": "deux personnes distinctes (homonymes)",
    "merged_by_mistake": "rapprochement fait par erreur",
}
INS_OIDS = {
    "1.2.250.1.213.1.4.8": "INS-NIR",
    "1.2.250.1.213.1.4.9": "INS-NIA",
    "1.2.250.1.213.1.4.10": "INS-NIR-TEST",
    "1.2.250.1.213.1.4.11": "INS-NIR-DEMO",
}
_MATRICULE = re.compile(r"^[1-478]\d{4}(?:\d{2}|2[AB])\d{6}\d{2}$")
STRICT_TRAITS = ("birth_name", "first_given_name", "birth_date", "sex", "birth_place")


def matricule_problem(matricule: str) -> str | None:
    """Why a matricule INS (15 characters: 13 and a key of 2) cannot be kept, or None.

    The key is 97 minus the 13-character number modulo 97, Corsica's 2A and 2B
    counted as 19 and 18."""
    if not _MATRICULE.match(matricule):
        return "15 characters: 13 digits (2A or 2B for Corsica) and a key of 2 digits"
    number = matricule[:13].replace("2A", "19", 1).replace("2B", "18", 1)
    if 97 - int(number) % 97 != int(matricule[13:]):
        return "the key (last 2 digits) does not match the number"
    return None


def oid_problem(oid: str) -> str | None:
    if oid not in INS_OIDS:
        return "one of " + ", ".join(f"{k} ({v})" for k, v in INS_OIDS.items())
    return None


@dataclass(frozen=True)
class Traits:
    """What is compared between identities, as search keys."""

    birth_key: str
    used_key: str
    given_key: str
    birth_date: date
    sex: str
    birth_place: str | None

    @classmethod
    def of(cls, patient: dict) -> Traits:
        return cls(
            name_key(patient.get("birth_name") or ""),
            name_key(patient.get("used_name") or ""),
            name_key(patient.get("first_given_name") or ""),
            _day(patient["birth_date"]),
            patient.get("sex") or "unknown",
            patient.get("birth_place"),
        )

    @property
    def names(self) -> set[str]:
        return {k for k in (self.birth_key, self.used_key) if k}


@dataclass(frozen=True)
class Likeness:
    level: str  # exact | probable | possible
    same: tuple[str, ...]  # which strict traits agree
    different: tuple[str, ...]  # which disagree (unknown ones are neither)


def _close_dates(a: date, b: date) -> bool:
    """The same date, or one typed with day and month swapped or one part off."""
    if a == b:
        return True
    if (a.day, a.month) == (b.month, b.day) and a.year == b.year:
        return True
    parts = [(a.year, b.year), (a.month, b.month), (a.day, b.day)]
    return sum(x != y for x, y in parts) == 1


def likeness(a: Traits, b: Traits) -> Likeness | None:
    """How alike two identities are, or None when too unlike to show staff.

    exact: every strict trait agrees; probable: names and birth date agree, sex
    or birth place unknown or different (homonyms are exactly this); possible:
    one name and a birth date that may be a typing slip."""
    checks = {
        "birth_name": (a.birth_key, b.birth_key),
        "first_given_name": (a.given_key, b.given_key),
        "birth_date": (a.birth_date, b.birth_date),
        "sex": (_known(a.sex), _known(b.sex)),
        "birth_place": (_known(a.birth_place), _known(b.birth_place)),
    }
    same = tuple(k for k, (x, y) in checks.items() if x and y and x == y)
    different = tuple(k for k, (x, y) in checks.items() if x and y and x != y)
    if len(same) == len(STRICT_TRAITS):
        return Likeness("exact", same, ())
    named = "first_given_name" in same and (a.names & b.names)
    if named and "birth_date" in same:
        return Likeness("probable", same, different)
    if (a.names & b.names or named) and _close_dates(a.birth_date, b.birth_date):
        return Likeness("possible", same, different)
    return None


def _day(value) -> date:
    """A birth date as a date (the database gives a datetime, aware or not)."""
    return value.date() if isinstance(value, datetime) else value


def _known(value):
    return None if value in (None, "", "unknown", "99999") else value


LEVELS = {"exact": 0, "probable": 1, "possible": 2}


def display_name(patient) -> str:
    """How staff call the person (used names first), with the birth name when it differs:
    ``Jeanne Dupont (naissance : Martin)``."""
    given = patient.used_given_name or patient.first_given_name or ""
    family = patient.used_name or patient.birth_name or ""
    shown = f"{given} {family}".strip()
    if patient.used_name and patient.birth_name and patient.used_name != patient.birth_name:
        shown += f" (naissance : {patient.birth_name})"
    return shown
