"""Demo staff accounts for `make run` (embedded mode only; printed at startup)."""

from __future__ import annotations

from gateway.auth.accounts import create_account
from gateway.documents import StaffAccount
from relais.demo import doctor_rpps

DEMO_PASSWORD = "relais-demo"  # noqa: S105 - embedded mode's published development default
SITES = ["site-ajain", "bus-nord-87"]


def seed(state) -> list[tuple[str, str, str]]:
    """Create the demo accounts once; returns (login, role, who) for the banner."""
    accounts = [
        ("accueil", "agent", "Accueil téléphonique", "accueil", []),
        ("coordination", "coordinator", "Coordination Ajain et médicobus", "coord-demo", SITES),
        ("exploitation", "operator", "Exploitation", "ops-demo", []),
    ]
    token = state.issuer.issue("gateway-seed", "operator", ttl=60)
    status, doctors = state.call("roster", "/doctors", {"Authorization": f"Bearer {token}"})
    by_rpps = {d["rpps"]: d for d in doctors} if status == 200 else {}
    for index in range(12):
        doctor = by_rpps.get(doctor_rpps(index))
        if doctor:
            login = "dr." + doctor["family_name"].lower()
            accounts.append((login, "doctor", doctor["display_name"], doctor["id"], []))
    created = []
    for login, role, name, subject, sites in accounts:
        if not StaffAccount.objects(id=login).count():
            create_account(
                login, DEMO_PASSWORD, role, subject=subject, sites=sites, display_name=name
            )
        created.append((login, role, name))
    return created
