"""Where practitioners are when a file gives no coordinates: their commune's centre.

The RPPS extraction has addresses but no coordinates; until a geocoder is
wired in, a practitioner is placed at the centre of their commune, looked up by
postcode and name in this table of the territory's communes (Creuse and
Haute-Vienne; coordinates of the town hall, to about a kilometre).
"""

from __future__ import annotations

from services.directory.search_keys import normalise

COMMUNES = {
    ("23000", "gueret"): (1.8717, 46.1714),
    ("23380", "ajain"): (1.9983, 46.2071),
    ("23380", "glenic"): (1.9245, 46.2240),
    ("23300", "la souterraine"): (1.4873, 46.2376),
    ("23200", "aubusson"): (2.1685, 45.9564),
    ("23400", "bourganeuf"): (1.7553, 45.9529),
    ("23600", "boussac"): (2.2241, 46.3486),
    ("23220", "bonnat"): (1.9049, 46.3338),
    ("23320", "saint vaury"): (1.7553, 46.2031),
    ("23170", "chambon sur voueize"): (2.4263, 46.1894),
    ("23130", "chenerailles"): (2.1753, 46.1155),
    ("23140", "jarnages"): (2.0844, 46.1839),
    ("23800", "dun le palestel"): (1.6666, 46.3000),
    ("23250", "pontarion"): (1.8490, 45.9964),
    ("87000", "limoges"): (1.2611, 45.8336),
    ("87100", "limoges"): (1.2611, 45.8336),
    ("87250", "bessines sur gartempe"): (1.3706, 46.1087),
    ("87290", "chateauponsac"): (1.2750, 46.1356),
    ("87370", "lauriere"): (1.4736, 46.0764),
    ("87370", "saint sulpice lauriere"): (1.4731, 46.0453),
    ("87340", "ambazac"): (1.3997, 45.9597),
    ("87300", "bellac"): (1.0497, 46.1219),
    ("87400", "saint leonard de noblat"): (1.4917, 45.8355),
    ("87240", "ambazac"): (1.3997, 45.9597),
    ("87640", "razes"): (1.3347, 46.0319),
    ("87210", "le dorat"): (1.0814, 46.2160),
    ("87190", "magnac laval"): (1.1675, 46.2155),
    ("87160", "saint sulpice les feuilles"): (1.3686, 46.3192),
}


def centre_of(postcode: str | None, commune: str | None) -> dict | None:
    found = COMMUNES.get((postcode or "", normalise(commune)))
    if found is None:
        return None
    return {"type": "Point", "coordinates": list(found)}
