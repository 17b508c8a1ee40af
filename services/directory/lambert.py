"""Lambert 93 (EPSG:2154, what FINESS geolocalisation rows use) to WGS84 lon/lat.

The inverse of the Lambert conformal conic projection with two standard
parallels on the GRS80 ellipsoid (IGN's published constants for Lambert 93).
"""

from __future__ import annotations

import math

A = 6378137.0  # GRS80 semi-major axis
E = 0.0818191910428158  # GRS80 first eccentricity
LON0 = math.radians(3.0)
PHI1, PHI2, PHI0 = math.radians(44.0), math.radians(49.0), math.radians(46.5)
X0, Y0 = 700000.0, 6600000.0


def _m(phi: float) -> float:
    return math.cos(phi) / math.sqrt(1 - (E * math.sin(phi)) ** 2)


def _t(phi: float) -> float:
    s = math.sin(phi)
    return math.tan(math.pi / 4 - phi / 2) / ((1 - E * s) / (1 + E * s)) ** (E / 2)


N = (math.log(_m(PHI1)) - math.log(_m(PHI2))) / (math.log(_t(PHI1)) - math.log(_t(PHI2)))
F = _m(PHI1) / (N * _t(PHI1) ** N)
RHO0 = A * F * _t(PHI0) ** N


def to_wgs84(x: float, y: float) -> tuple[float, float]:
    """(lon, lat) in degrees for Lambert 93 metres (x, y)."""
    dx, dy = x - X0, RHO0 - (y - Y0)
    rho = math.copysign(math.hypot(dx, dy), N)
    theta = math.atan2(dx, dy)
    t = (rho / (A * F)) ** (1 / N)
    phi = math.pi / 2 - 2 * math.atan(t)
    for _ in range(10):
        s = math.sin(phi)
        phi = math.pi / 2 - 2 * math.atan(t * ((1 - E * s) / (1 + E * s)) ** (E / 2))
    return math.degrees(theta / N + LON0), math.degrees(phi)


def from_wgs84(lon: float, lat: float) -> tuple[float, float]:
    """Lambert 93 metres (x, y) for (lon, lat) in degrees (sample and demo files)."""
    rho = A * F * _t(math.radians(lat)) ** N
    theta = N * (math.radians(lon) - LON0)
    return X0 + rho * math.sin(theta), Y0 + RHO0 - rho * math.cos(theta)
