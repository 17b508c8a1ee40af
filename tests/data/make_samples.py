"""Writes the sample directory files in tests/data (run once; the files are committed).

The formats are those of the public extractions: the RPPS "PS_LibreAcces" file
(``|``-separated, one line per activity, a trailing separator) and the FINESS
etalab file (``;``, ``structureet`` then ``geolocalisation`` rows in Lambert 93).
"""

from __future__ import annotations

from pathlib import Path

from services.directory.lambert import from_wgs84

HERE = Path(__file__).parent
RPPS_HEADER = (
    "Type d'identifiant PP|Identifiant PP|Identification nationale PP|Code civilité d'exercice|"
    "Libellé civilité d'exercice|Code civilité|Libellé civilité|Nom d'exercice|"
    "Prénom d'exercice|Code profession|Libellé profession|Code catégorie professionnelle|"
    "Libellé catégorie professionnelle|Code type savoir-faire|Libellé type savoir-faire|"
    "Code savoir-faire|Libellé savoir-faire|Code mode exercice|Libellé mode exercice|"
    "Numéro SIRET site|Numéro SIREN site|Numéro FINESS site|"
    "Numéro FINESS établissement juridique|Identifiant technique de la structure|"
    "Raison sociale site|Enseigne commerciale site|Complément destinataire (coord. structure)|"
    "Complément point géographique (coord. structure)|Numéro Voie (coord. structure)|"
    "Indice répétition voie (coord. structure)|Code type de voie (coord. structure)|"
    "Libellé type de voie (coord. structure)|Libellé Voie (coord. structure)|"
    "Mention distribution (coord. structure)|Bureau cedex (coord. structure)|"
    "Code postal (coord. structure)|Code commune (coord. structure)|"
    "Libellé commune (coord. structure)|Code pays (coord. structure)|"
    "Libellé pays (coord. structure)|Téléphone (coord. structure)|"
    "Téléphone 2 (coord. structure)|Télécopie (coord. structure)|"
    "Adresse e-mail (coord. structure)|Code Département (structure)|"
    "Libellé Département (structure)|Ancien identifiant de la structure|"
    "Autorité d'enregistrement|Code secteur d'activité|Libellé secteur d'activité|"
    "Code section tableau pharmaciens|Libellé section tableau pharmaciens|"
)


def rpps_line(
    pp,
    family,
    given,
    profession,
    specialty,
    structure,
    street,
    postcode,
    commune,
    phone,
    email,
    dept,
) -> str:
    cells = [
        "8",
        pp,
        "8" + pp,
        "DR",
        "Docteur",
        "M",
        "Monsieur",
        family,
        given,
        "10",
        profession,
        "C",
        "Civil",
        "S",
        "Spécialité ordinale",
        "SM",
        specialty,
        "L",
        "Libéral",
        "",
        "",
        "",
        "",
        structure,
        f"Cabinet {family}",
        "",
        "",
        "",
        "1",
        "",
        "R",
        "Rue",
        street,
        "",
        "",
        postcode,
        "",
        commune,
        "99000",
        "France",
        phone,
        "",
        "",
        email,
        dept,
        "",
        "",
        "ARS",
        "SA07",
        "Cabinet individuel",
        "",
        "",
    ]
    return "|".join(cells) + "|"


PRACTITIONERS = [
    (
        "10100000011",
        "Lefèvre",
        "Hélène",
        "Médecin",
        "Cardiologie",
        "S1",
        "de la Gare",
        "23000",
        "Guéret",
        "0555520101",
        "helene.lefevre@cardio-gueret.fr",
        "23",
    ),
    (
        "10100000029",
        "Bénédicte",
        "Renée",
        "Médecin",
        "Dermatologie et vénéréologie",
        "S2",
        "Pasteur",
        "23000",
        "Guéret",
        "0555520202",
        "",
        "23",
    ),
    (
        "10100000037",
        "Moreau",
        "Jérôme",
        "Médecin",
        "Ophtalmologie",
        "S3",
        "Victor Hugo",
        "87000",
        "Limoges",
        "0555330303",
        "",
        "87",
    ),
    (
        "10100000045",
        "Dupré",
        "Agnès",
        "Sage-Femme",
        "",
        "S4",
        "des Écoles",
        "87250",
        "Bessines-sur-Gartempe",
        "0555760404",
        "",
        "87",
    ),
    (
        "10100000052",
        "Nguyen",
        "Thi",
        "Masseur-Kinésithérapeute",
        "",
        "S5",
        "Nationale",
        "23380",
        "Ajain",
        "0555800505",
        "",
        "23",
    ),
    (
        "10100000060",
        "Roux",
        "André",
        "Médecin",
        "Psychiatrie",
        "S6",
        "Jean Jaurès",
        "23000",
        "Guéret",
        "0555520606",
        "",
        "23",
    ),
]


def write_rpps() -> None:
    good = [rpps_line(*p) for p in PRACTITIONERS]
    bad = [
        rpps_line(
            "ABC00000011", "Faux", "Id", "Médecin", "", "S9", "X", "23000", "Guéret", "", "", "23"
        ),  # not an RPPS identifier
        "8|10100000078|810100000078|DR|Docteur",  # cut short
        rpps_line(
            "10100000086", "", "Sans", "Médecin", "", "S8", "X", "23000", "Guéret", "", "", "23"
        ),  # no name
        rpps_line(
            "10100000094",
            "Blanc",
            "Paul",
            "Médecin",
            "Pédiatrie",
            "S7",
            "Foch",
            "75015",
            "Paris",
            "0145000000",
            "",
            "75",
        ),  # outside the territory
    ]
    lines = [
        RPPS_HEADER,
        good[0],
        good[1],
        bad[0],
        good[2],
        bad[1],
        good[3],
        good[4],
        bad[2],
        good[5],
        bad[3],
        good[0],
    ]  # the last repeats line 2
    text = "\n".join(lines) + "\n"
    (HERE / "rpps_sample.txt").write_text(text, encoding="utf-8")
    (HERE / "rpps_sample_cp1252.txt").write_bytes(text.replace("\n", "\r\n").encode("cp1252"))


STRUCTURES = [
    (
        "230780041",
        "230780040",
        "CH GUERET",
        "Centre hospitalier de Guéret",
        "39",
        "AV",
        "de la Sénatorerie",
        "23000 GUERET",
        "23",
        "0555515000",
        "355",
        "Centre Hospitalier (C.H.)",
        1.8717,
        46.1714,
    ),
    (
        "230000127",
        "230000119",
        "PHARMACIE DU CENTRE",
        "Pharmacie du Centre",
        "5",
        "PL",
        "de l'Église",
        "23380 AJAIN",
        "23",
        "0555800111",
        "620",
        "Pharmacie d'Officine",
        1.9985,
        46.2070,
    ),
    (
        "870001234",
        "870001226",
        "LABM BESSINES",
        "Laboratoire de biologie de Bessines",
        "12",
        "R",
        "Paul Bert",
        "87250 BESSINES SUR GARTEMPE",
        "87",
        "0555760222",
        "611",
        "Laboratoire d'Analyses de Biologie Médicale",
        1.3690,
        46.1080,
    ),
    (
        "230001471",
        "230001463",
        "EHPAD LES GENETS",
        "EHPAD Les Genêts",
        "2",
        "RTE",
        "de Jarnages",
        "23380 AJAIN",
        "23",
        "0555800333",
        "500",
        "Etablissement d'hébergement pour personnes âgées dépendantes",
        2.0050,
        46.2120,
    ),
]


def write_finess() -> None:
    rows = ["finess;etalab;95;2026-11-01"]
    for (
        number,
        legal,
        short,
        long,
        num,
        typ,
        street,
        routing,
        dept,
        phone,
        cat,
        catlabel,
        _lon,
        _lat,
    ) in STRUCTURES:
        cells = [
            "structureet",
            number,
            legal,
            short,
            long,
            "",
            "",
            num,
            typ,
            street,
            "",
            "",
            routing[:5],
            dept,
            "",
            routing,
            phone,
            "",
            cat,
            catlabel,
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "2001-01-01",
            "2001-01-01",
            "2024-01-01",
            "",
        ]
        rows.append(";".join(cells))
    rows.append(";".join(["structureet", "XX0000000", "", "BROKEN"] + [""] * 27))
    for number, *rest in STRUCTURES:
        lon, lat = rest[-2], rest[-1]
        x, y = from_wgs84(lon, lat)
        rows.append(
            f"geolocalisation;{number};{x:.1f};{y:.1f};1,ATLASANTE,100,IGN,BD_ADRESSE;2024-01-01"
        )
    rows.append("geolocalisation;230000127;not-a-number;6570000;x;2024-01-01")
    (HERE / "finess_sample.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")


if __name__ == "__main__":
    write_rpps()
    write_finess()
