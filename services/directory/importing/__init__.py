"""Importing the public directory files, streamed and idempotent.

lines     bytes to text lines: UTF-8 or Windows-1252, detected per file, decoded per line
rpps      the RPPS / Annuaire Santé extraction (``|``-separated, header row)
finess    the FINESS extraction (``;``-separated, ``structureet`` and ``geolocalisation`` rows)
importer  batches of upserts by id, counts, rejected lines, local notes untouched
"""
