"""Demo directory files for `make run`, written in the public formats, then imported.

About sixty correspondents around Ajain, Guéret and the médico-bus stops; the
demo's volunteer doctors are among them, as in the real RPPS file.
"""

from __future__ import annotations

import io

from relais.demo import DOCTORS, doctor_rpps
from relais.demo import luhn_complete as rpps_of
from services.directory.communes import COMMUNES
from services.directory.importing.rpps import COLUMNS, ID
from services.directory.lambert import from_wgs84

SPECIALISTS = [
    ("Cardiologie", "23000", "Guéret"),
    ("Cardiologie", "87000", "Limoges"),
    ("Dermatologie et vénéréologie", "23000", "Guéret"),
    ("Ophtalmologie", "23000", "Guéret"),
    ("Ophtalmologie", "23300", "La Souterraine"),
    ("Pédiatrie", "23000", "Guéret"),
    ("Gynécologie médicale", "23000", "Guéret"),
    ("Psychiatrie", "23000", "Guéret"),
    ("Rhumatologie", "87000", "Limoges"),
    ("Pneumologie", "23000", "Guéret"),
    ("Gastro-entérologie et hépatologie", "87000", "Limoges"),
    ("Oto-rhino-laryngologie", "23000", "Guéret"),
    ("Endocrinologie", "87000", "Limoges"),
    ("Neurologie", "87000", "Limoges"),
    ("Néphrologie", "87000", "Limoges"),
    ("Gériatrie", "23200", "Aubusson"),
    ("Médecine générale", "23380", "Ajain"),
    ("Médecine générale", "23380", "Glénic"),
    ("Médecine générale", "23140", "Jarnages"),
    ("Médecine générale", "87250", "Bessines-sur-Gartempe"),
    ("Médecine générale", "87290", "Châteauponsac"),
    ("Médecine générale", "87370", "Laurière"),
    ("Médecine générale", "87340", "Ambazac"),
    ("Chirurgie orthopédique", "87000", "Limoges"),
    ("Radio-diagnostic", "23000", "Guéret"),
    ("Urologie", "87000", "Limoges"),
    ("Anesthésie-réanimation", "23000", "Guéret"),
    ("Allergologie", "87000", "Limoges"),
]
OTHER_PROFESSIONS = [
    ("Masseur-Kinésithérapeute", "23380", "Ajain"),
    ("Infirmier", "23380", "Ajain"),
    ("Infirmier", "87250", "Bessines-sur-Gartempe"),
    ("Orthophoniste", "23000", "Guéret"),
    ("Podologue", "23000", "Guéret"),
    ("Chirurgien-Dentiste", "23320", "Saint-Vaury"),
]
FAMILY = [
    "Garnier",
    "Faure",
    "Rousseau",
    "Blanc",
    "Guerin",
    "Muller",
    "Henry",
    "Roussel",
    "Nicolas",
    "Perrin",
    "Morin",
    "Mathieu",
    "Clement",
    "Gauthier",
    "Dumont",
    "Lopez",
    "Fontaine",
    "Chevalier",
    "Robin",
    "Masson",
    "Sanchez",
    "Gerard",
    "Nguyen",
    "Boyer",
    "Denis",
    "Lemaire",
    "Duval",
    "Joly",
    "Gautier",
    "Roger",
    "Roche",
    "Roy",
    "Noel",
    "Meyer",
]
GIVEN = [
    "Alice",
    "Bruno",
    "Chloé",
    "David",
    "Emma",
    "François",
    "Gaëlle",
    "Hugo",
    "Inès",
    "Julien",
    "Karine",
    "Louis",
    "Manon",
    "Nicolas",
    "Océane",
    "Patrick",
    "Quentin",
    "Rose",
    "Sylvain",
    "Thérèse",
    "Ursule",
    "Victor",
    "William",
    "Xavier",
    "Yasmine",
    "Zoé",
    "Arnaud",
    "Béatrice",
    "Cédric",
    "Denise",
    "Étienne",
    "Fanny",
    "Gilles",
    "Hervé",
]
STRUCTURES = [
    ("230780041", "Centre hospitalier de Guéret", "355", "Centre Hospitalier (C.H.)", "23000"),
    ("870000015", "CHU Dupuytren Limoges", "101", "Centre Hospitalier Régional (C.H.R.)", "87000"),
    ("230000127", "Pharmacie du Centre", "620", "Pharmacie d'Officine", "23380"),
    ("870001531", "Pharmacie de Bessines", "620", "Pharmacie d'Officine", "87250"),
    ("870001549", "Pharmacie de Châteauponsac", "620", "Pharmacie d'Officine", "87290"),
    ("870001556", "Pharmacie de Laurière", "620", "Pharmacie d'Officine", "87370"),
    ("870001564", "Pharmacie d'Ambazac", "620", "Pharmacie d'Officine", "87340"),
    (
        "230001232",
        "Laboratoire de biologie médicale Guéret",
        "611",
        "Laboratoire d'Analyses",
        "23000",
    ),
    ("870001234", "Laboratoire de biologie de Bessines", "611", "Laboratoire d'Analyses", "87250"),
    (
        "230001240",
        "Centre d'imagerie médicale de la Creuse",
        "698",
        "Centre de radiologie",
        "23000",
    ),
    ("230001471", "EHPAD Les Genêts", "500", "EHPAD", "23380"),
    ("870001612", "EHPAD Le Gartempe", "500", "EHPAD", "87250"),
    (
        "230001489",
        "CPTS Creuse Grand Sud-Ouest",
        "604",
        "Communauté professionnelle (CPTS)",
        "23000",
    ),
    ("230001497", "Maison médicale de garde de Guéret", "461", "Maison médicale de garde", "23000"),
]


def _commune(postcode: str) -> tuple[str, tuple[float, float]]:
    for (code, name), point in COMMUNES.items():
        if code == postcode:
            return name, point
    raise KeyError(postcode)


def rpps_file() -> io.BytesIO:
    header = [ID, *COLUMNS.values()]
    rows = ["|".join(header) + "|"]

    def row(pp, family, given, profession, specialty, postcode, commune, structure, phone):
        cells = {
            ID: pp,
            COLUMNS["family_name"]: family,
            COLUMNS["given_name"]: given,
            COLUMNS["profession"]: profession,
            COLUMNS["specialty"]: specialty,
            COLUMNS["structure_id"]: structure,
            COLUMNS["postcode"]: postcode,
            COLUMNS["commune"]: commune,
            COLUMNS["phone"]: phone,
            COLUMNS["departement"]: postcode[:2],
        }
        return "|".join(cells.get(name, "") for name in header) + "|"

    for index, (family, given, profession) in enumerate(DOCTORS):
        label = "Sage-Femme" if profession == "midwife" else "Médecin"
        specialty = "" if profession == "midwife" else "Médecine générale"
        rows.append(
            row(
                doctor_rpps(index),
                family,
                given,
                label,
                specialty,
                "87000",
                "Limoges",
                f"D{index}",
                "",
            )
        )
    people = [
        *(("Médecin", *s) for s in SPECIALISTS),
        *((p, "", c, n) for p, c, n in OTHER_PROFESSIONS),
    ]
    for index, (profession, specialty, postcode, commune) in enumerate(people):
        rows.append(
            row(
                rpps_of(f"2000{index:06d}"),
                FAMILY[index],
                GIVEN[index],
                profession,
                specialty,
                postcode,
                commune,
                f"S{index}",
                f"05 55 {10 + index:02d} {index:02d} 00",
            )
        )
    return io.BytesIO(("\n".join(rows) + "\n").encode("utf-8"))


def finess_file() -> io.BytesIO:
    rows = ["finess;etalab;95;demo"]
    geo = []
    for number, name, category, label, postcode in STRUCTURES:
        commune, (lon, lat) = _commune(postcode)
        cells = [
            "structureet",
            number,
            number[:8] + "0",
            name.upper()[:38],
            name,
            "",
            "",
            "1",
            "R",
            "Principale",
            "",
            "",
            postcode,
            postcode[:2],
            "",
            f"{postcode} {commune.upper()}",
            "0555000000",
            "",
            category,
            label,
        ]
        rows.append(";".join(cells + [""] * 12))
        x, y = from_wgs84(lon + 0.003, lat + 0.002)
        geo.append(f"geolocalisation;{number};{x:.1f};{y:.1f};demo;2026-01-01")
    return io.BytesIO(("\n".join(rows + geo) + "\n").encode("utf-8"))
