"""The pages people use (French): patients, the call centre, coordinators, doctors.

Server-rendered templates; a little JavaScript calls the same API as everyone
(``static/app.js``), so the pages hold no rules of their own.
"""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

PAGES = {
    "/": ("patient.html", "Prendre rendez-vous"),
    "/rdv": ("manage.html", "Mon rendez-vous"),
    "/mon-espace": ("account.html", "Mon espace"),
    "/centre-appels": ("agent.html", "Centre d'appels"),
    "/coordination": ("coordination.html", "Coordination"),
    "/medecin": ("doctor.html", "Espace médecin"),
}


def blueprint() -> Blueprint:
    bp = Blueprint(
        "pages",
        __name__,
        template_folder="templates",
        static_folder="static",
        static_url_path="/static",
    )

    def view(template: str, title: str):
        def render():
            oidc = current_app.extensions["relais_gateway"].settings.oidc_client
            return render_template(template, title=title, pages=PAGES, oidc=oidc)

        return render

    for path, (template, title) in PAGES.items():
        bp.add_url_rule(path, endpoint=template.split(".")[0], view_func=view(template, title))
    return bp
