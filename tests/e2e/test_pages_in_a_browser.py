"""The pages people use, in headless Chromium (Debian's), against `relais run` with demo data.

Screenshots go to test-artifacts/.
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from chassis.secantus import free_port, wait_for_port
from relais.services import SERVICES

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


RUNNING: dict = {}  # the running site's data folder and log


def database(name: str):
    """The running site's database of a service (its URI is in the site's log)."""
    import pymongo

    found = re.search(r"database: (\S+)", RUNNING["log"].read_text())
    client = pymongo.MongoClient(found.group(1), serverSelectionTimeoutMS=5000)
    return client[next(n for n in client.list_database_names() if n.endswith("_" + name))]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is needed (make installs it: apt-get install chromium)")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"MONGODB_URI", "AMQP_URL"}}
    # rate-limit counters of this site's own (Redis keeps other runs' counters a while)
    env["GATEWAY_RATE_PREFIX"] = f"e2e-{uuid.uuid4().hex[:8]}"
    data = tmp_path_factory.mktemp("relais") / "var"
    # a file, not a pipe: nobody reads a pipe here, and a full one would block the server
    log = (data.parent / "relais.log").open("w")
    process = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("relais")),
            "run",
            "--port",
            str(port),
            "--data-dir",
            str(data),
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_for_port(port, timeout=120)
        RUNNING["data"] = data
        RUNNING["log"] = data.parent / "relais.log"
        yield f"http://127.0.0.1:{port}"
    finally:
        os.killpg(process.pid, signal.SIGINT)
        process.wait(30)
        log.close()


@pytest.fixture(scope="module")
def browser():
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="fr-FR", viewport={"width": 420, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def book_online(
    page,
    site: str,
    family: str = "Vidal",
    given: str = "Odette",
    phone: str = "05 55 81 22 33",
    soonest: bool = False,
) -> tuple[str, str]:
    page.goto(site + "/")
    page.get_by_label("Centre de santé ou arrêt du médicobus").select_option(
        label="Centre de santé d'Ajain — Ajain"
    )
    slots = page.locator("#slots .slots button")
    expect(slots.first).to_be_visible(timeout=20_000)
    # the last is days ahead: beyond the 24-hour online cancellation cut-off
    (slots.first if soonest else slots.last).click()
    fill_identity(page, "p-", family, given)
    page.get_by_label("Téléphone").fill(phone)
    page.get_by_role("button", name="Confirmer le rendez-vous").click()
    reference = page.locator("#reference")
    expect(reference).to_have_text(re.compile(r"^AJN-[0-9A-Z]{4}$"), timeout=20_000)
    return reference.inner_text(), page.locator("#token").inner_text()


def fill_identity(page, prefix: str, family: str, given: str, born: str = "1947-06-21") -> None:
    """The strict traits, as a patient (or an agent for a caller) types them in."""
    page.locator(f"#{prefix}birth_name").fill(family)
    page.locator(f"#{prefix}first_given_name").fill(given)
    page.locator(f"#{prefix}birth_date").fill(born)
    page.locator(f"#{prefix}sex").select_option("f")
    page.locator(f"#{prefix}commune-q").fill("gueret")
    commune = page.locator(f"#{prefix}commune")
    expect(commune.locator("option").first).to_have_text("Guéret (23)", timeout=10_000)
    commune.select_option("23096")


def test_a_patient_books_a_slot_and_sees_the_reference(site, page):
    _reference, token = book_online(page, site)
    assert token
    shot(page, "patient-booked")


def test_a_patient_cancels_with_reference_and_token(site, page):
    reference, token = book_online(page, site)
    page.goto(f"{site}/rdv")
    page.get_by_label("Référence du rendez-vous").fill(reference)
    page.get_by_label("Code de gestion").fill(token)
    page.get_by_role("button", name="Afficher mon rendez-vous").click()
    expect(page.locator("#summary")).to_contain_text("confirmé")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Annuler le rendez-vous").click()
    expect(page.locator("#summary")).to_contain_text("annulé", timeout=10_000)
    shot(page, "patient-cancelled")


def login(page, site: str, path: str, username: str) -> None:
    page.goto(site + path)
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill("relais-demo")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.locator("#whoami")).to_be_visible()


def test_a_call_centre_agent_books_for_a_new_caller_whose_identity_is_provisional(site, page):
    login(page, site, "/centre-appels", "accueil")
    fill_identity(page, "c-", "Chabrol", "Lucien", "1939-02-11")
    page.locator("#c-phone").fill("05 55 62 44 10")
    first = page.locator("#slots .slots button").first
    expect(first).to_be_visible(timeout=20_000)
    first.click()
    expect(page.locator("#message")).to_contain_text(
        re.compile(r"Rendez-vous [A-Z]{3}-"), timeout=20_000
    )
    # the new caller is shown at once, with an identity to check at the desk
    expect(page.locator("#patient-name")).to_have_text("Lucien Chabrol")
    expect(page.locator("#caller-identity")).to_contain_text("identité provisoire")
    expect(page.locator("#caller-banner")).to_be_visible()
    shot(page, "agent-booked")


def test_the_desk_links_a_provisional_identity_to_the_validated_one_and_undoes_it(site, page):
    """The demo's Marcelle Dupuis is validated, and booked again online (a provisional
    identity of her own): the desk sees the likeness, links them, and can undo it."""
    page.set_viewport_size({"width": 1200, "height": 900})
    login(page, site, "/centre-appels", "accueil")
    page.get_by_label("Nom (de naissance ou d'usage)").fill("dupuis")
    page.get_by_role("button", name="Rechercher").click()
    rows = page.locator("#patients tr")
    expect(rows).to_have_count(2, timeout=20_000)
    expect(page.locator("#patients")).to_contain_text("identité provisoire")
    expect(page.locator("#patients")).to_contain_text("identité validée")
    provisional = rows.filter(has_text="identité provisoire")
    provisional.get_by_role("button").click()
    expect(page.locator("#caller-banner")).to_be_visible()
    # she is at the desk: her arrival first, then her identity document
    page.get_by_role("button", name="Arrivé(e)").click()
    expect(page.locator("#message")).to_contain_text("Arrivée notée", timeout=20_000)
    link = page.get_by_role("button", name=re.compile("Rattacher à Marcelle Dupuis"))
    expect(link).to_be_visible(timeout=20_000)
    expect(page.locator("#candidates")).to_contain_text("identique")
    shot(page, "desk-candidates")
    page.once("dialog", lambda dialog: dialog.accept())
    link.click()
    expect(page.locator("#message")).to_contain_text("rattachées", timeout=20_000)
    expect(page.locator("#caller-identity")).to_contain_text("identité validée")
    # both appointments now under the validated identity
    expect(page.locator("#appointments tr")).to_have_count(2)

    expect(page.locator("#merged-box")).to_contain_text("1 identité rattachée")
    page.get_by_role("button", name="Rechercher").click()
    expect(rows).to_have_count(1, timeout=20_000)  # the linked one is found through her

    # merged by mistake after all: undone from the validated identity
    rows.get_by_role("button").click()
    page.get_by_label("Pourquoi défaire ce rattachement ?").select_option("merged_by_mistake")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=re.compile("Défaire le rattachement")).first.click()
    expect(page.locator("#message")).to_contain_text("distinctes", timeout=20_000)
    expect(page.locator("#appointments tr")).to_have_count(1)
    page.get_by_role("button", name="Rechercher").click()
    expect(rows).to_have_count(2, timeout=20_000)
    shot(page, "desk-unlinked")


def test_a_coordinator_sees_a_gap_in_the_matrix(site, page):
    page.set_viewport_size({"width": 1200, "height": 900})
    login(page, site, "/coordination", "coordination")
    gap = page.locator('#matrix g.cell[data-state="gap"]').first
    expect(gap).to_be_attached(timeout=20_000)
    expect(page.locator("#gap-list tr.gap").first).to_contain_text("semaine")
    confirmed = page.locator('#matrix g.cell[data-state="confirmed"]')
    assert confirmed.count() > 0
    shot(page, "coordinator-matrix")


def test_a_coordinator_plans_the_coming_weeks_and_confirms_a_proposal(site, page):
    page.set_viewport_size({"width": 1200, "height": 900})
    login(page, site, "/coordination", "coordination")
    expect(page.locator('#matrix g.cell[data-state="gap"]').first).to_be_attached(timeout=20_000)
    gaps_before = page.locator('#matrix g.cell[data-state="gap"]').count()
    page.get_by_label("Horizon").select_option("12")  # beyond the demo offers: gaps remain
    page.get_by_role("button", name="Proposer un planning").click()

    expect(page.locator("#plan-status")).to_contain_text("optimale", timeout=60_000)
    proposals = page.locator("#plan-proposals tbody tr[data-state='open']")
    expect(proposals.first).to_be_visible()
    # the matrix marks the gaps the plan would fill; the others say why they stay open
    expect(page.locator("#matrix g.cell[data-planned]").first).to_be_attached()
    expect(page.locator("#plan-gaps li").first).to_be_visible()
    shot(page, "coordinator-plan")

    page.get_by_role("button", name="Confirmer les propositions cochées").click()

    expect(page.locator("#message")).to_contain_text("confirmée", timeout=20_000)
    expect(page.locator("#plan-proposals tbody tr[data-state='open']")).to_have_count(0)
    expect(page.locator('#matrix g.cell[data-state="gap"]')).not_to_have_count(gaps_before)
    shot(page, "coordinator-plan-confirmed")


# -- a hostile name stays text on the staff pages ------------------------------
# Booking is anonymous, so a "name" can be markup.  The inline handler would set a
# window flag if it ever ran, and the <b> would exist if the name became markup.
HOSTILE_FAMILY = 'Piège<img src=x onerror="window.__pwned=1"><b id="injected">'
HOSTILE_GIVEN = "<script>window.__pwned=2</script>Léa"
HOSTILE_PHONE = "05 55 99 12 34"


def watch(page) -> list[str]:
    """Script errors and policy violations on the page (a refused HTML sink is one)."""
    seen = []
    page.on("pageerror", lambda error: seen.append(f"pageerror: {error}"))
    page.on("console", lambda m: m.type == "error" and seen.append(f"console: {m.text}"))
    return seen


def assert_shown_as_text(page, container: str) -> None:
    expect(page.locator(container)).to_contain_text('<img src=x onerror="window.__pwned=1">')
    expect(page.locator(container)).to_contain_text("<script>window.__pwned=2</script>")
    assert page.locator(f"{container} img, {container} script, #injected").count() == 0
    assert page.evaluate("window.__pwned") is None


def test_a_name_holding_a_script_is_shown_as_text_and_never_runs(site, browser):
    patient = browser.new_context(locale="fr-FR", viewport={"width": 420, "height": 900})
    reference, _ = book_online(
        patient.new_page(), site, "Piege", "Lea", HOSTILE_PHONE, soonest=True
    )
    patient.close()
    # the API refuses markup in a name now; a name kept from before that rule may hold it
    booking = database("booking")
    held = booking["appointments"].find_one({"reference": reference})
    booking["patients"].update_one(
        {"_id": held["patient_id"]},
        {"$set": {"birth_name": HOSTILE_FAMILY, "first_given_name": HOSTILE_GIVEN}},
    )

    agent = browser.new_context(locale="fr-FR", viewport={"width": 420, "height": 900})
    page = agent.new_page()
    problems = watch(page)
    login(page, site, "/centre-appels", "accueil")
    page.get_by_label("ou téléphone").fill(HOSTILE_PHONE)
    page.get_by_role("button", name="Rechercher").click()
    expect(page.locator("#patients")).to_contain_text("Piège", timeout=20_000)
    assert_shown_as_text(page, "#patients")
    page.locator("#patients").get_by_role("button", name="Choisir").first.click()
    expect(page.locator("#appointments")).to_contain_text(reference, timeout=20_000)
    assert_shown_as_text(page, "#patient-name")
    shot(page, "agent-hostile-name")
    assert problems == []
    agent.close()

    # the doctor's week agenda lists the same patient, as text too
    doctor = browser.new_context(locale="fr-FR", viewport={"width": 420, "height": 900})
    page = doctor.new_page()
    problems = watch(page)
    login(page, site, "/medecin", "dr.martin")
    expect(page.get_by_role("tab")).to_have_count(6, timeout=20_000)
    for _ in range(8):  # the soonest free slot is this week or a following one
        tab = page.get_by_role("tab", name=re.compile(r"[1-9]\d* rendez-vous"))
        expect(page.locator("#week-title")).not_to_be_empty()
        # (the page's policy forbids eval, so no wait_for_function here)
        expect(page.locator("#week[data-loaded='1']")).to_be_attached(timeout=20_000)
        found = [t for t in tab.all() if t.is_visible()]
        hit = None
        for candidate in found:
            candidate.click()
            if "Piège" in page.locator("[role=tabpanel]:not([hidden])").inner_text():
                hit = candidate
                break
        if hit:
            break
        page.get_by_role("button", name="Semaine suivante").click()
    else:
        pytest.fail("the hostile booking is not in the doctor's next weeks")
    assert_shown_as_text(page, "[role=tabpanel]:not([hidden])")
    shot(page, "doctor-hostile-name")
    assert problems == []
    doctor.close()


def test_a_doctor_sees_this_weeks_agenda_by_day(site, page):
    problems = watch(page)
    login(page, site, "/medecin", "dr.martin")
    tabs = page.get_by_role("tab")
    expect(tabs).to_have_count(6, timeout=20_000)
    names = [tabs.nth(i).inner_text().split()[0].lower() for i in range(6)]
    assert names == ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"]
    # Dr Martin is at Ajain this week (demo rota): the page starts there
    expect(page.get_by_label("Lieu")).to_have_value("site-ajain")
    expect(page.locator("#duty")).to_have_text("Votre semaine : Centre de santé d'Ajain.")
    expect(page.get_by_role("tabpanel")).to_be_visible()
    selected = page.locator("[role=tab][aria-selected=true]")
    expect(selected).to_have_count(1)
    # keyboard: the arrow keys move between days, as in any tab list
    selected.focus()
    page.keyboard.press("ArrowRight")
    after = page.locator("[role=tab][aria-selected=true]")
    expect(after).to_be_focused()
    panel = page.locator("#" + after.get_attribute("aria-controls"))
    expect(panel).to_be_visible()
    shot(page, "doctor-week")
    assert problems == []


def test_the_api_documentation_renders_under_its_policy(site, page):
    problems = watch(page)
    page.set_viewport_size({"width": 1200, "height": 900})
    page.goto(site + "/docs")
    expect(page.locator(".swagger-ui .info .title")).to_be_visible(timeout=20_000)
    # every service's document is offered in the picker
    options = page.locator(".swagger-ui select#select option")
    assert sorted(options.all_inner_texts()) == sorted(SERVICES)
    shot(page, "api-docs")
    assert [p for p in problems if "Content Security Policy" in p or "pageerror" in p] == []


def test_the_doctor_sees_that_an_identity_is_provisional(site, page):
    """The demo's Henri Lagrange is validated; a new online patient is not."""
    reference, _ = book_online(page, site, "Provisoire", "Aline", "05 55 81 22 40", soonest=True)
    booking = database("booking")
    patient_id = booking["appointments"].find_one({"reference": reference})["patient_id"]
    problems = watch(page)
    login(page, site, "/medecin", "dr.martin")
    expect(page.locator("#week[data-loaded='1']")).to_be_attached(timeout=20_000)
    for _ in range(8):
        item = page.locator("li.appointment", has_text="Aline Provisoire")
        for tab in page.get_by_role("tab", name=re.compile(r"[1-9]\d* rendez-vous")).all():
            tab.click()
            if item.filter(visible=True).count():
                break
        if item.filter(visible=True).count():
            break
        page.get_by_role("button", name="Semaine suivante").click()
        expect(page.locator("#week[data-loaded='1']")).to_be_attached(timeout=20_000)
    visible = item.filter(visible=True).first
    expect(visible).to_contain_text("identité provisoire")
    assert patient_id  # the booking made a provisional identity of its own
    shot(page, "doctor-provisional-in-agenda")
    assert problems == []


def test_a_patient_signs_in_with_the_code_sent_to_the_address_given_at_the_desk(site, page):
    """The demo's Marcelle Dupuis was validated with her e-mail: the code lands in the
    embedded mail catcher (var/mail), she types it and sees her appointments and record."""
    problems = watch(page)
    page.goto(site + "/mon-espace")
    page.get_by_label("Adresse électronique").fill("marcelle.dupuis@example.org")
    page.get_by_role("button", name="Recevoir un code").click()
    expect(page.locator("#message")).to_contain_text("un code vient", timeout=20_000)
    mail = RUNNING["data"] / "mail"
    for _ in range(100):
        sent = sorted(mail.glob("*.eml"))
        if sent:
            break
        page.wait_for_timeout(100)
    import email
    import email.policy

    message = email.message_from_bytes(sent[-1].read_bytes(), policy=email.policy.default)
    assert message["To"] == "marcelle.dupuis@example.org"
    code = re.search(r"\b(\d{6})\b", message.get_content()).group(1)
    page.get_by_label("Code reçu (6 chiffres, valable 10 minutes)").fill(code)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.locator("#signed-in")).to_contain_text("Marcelle", timeout=20_000)
    expect(page.locator("#appointments tr").first).to_contain_text(re.compile(r"[A-Z]{3}-"))
    expect(page.locator("#record")).to_contain_text("Antécédents")
    shot(page, "patient-space")
    assert problems == []


def test_a_refused_name_is_said_in_french_and_the_form_stays(site, page):
    page.goto(site + "/")
    page.get_by_label("Centre de santé ou arrêt du médicobus").select_option(
        label="Centre de santé d'Ajain — Ajain"
    )
    page.locator("#slots .slots button").last.click()
    fill_identity(page, "p-", "-Vidal", "Odette")
    page.get_by_label("Téléphone").fill("05 55 81 22 34")
    page.get_by_role("button", name="Confirmer le rendez-vous").click()
    expect(page.locator("#message")).to_contain_text("nom de naissance", timeout=20_000)
    expect(page.locator("#message")).not_to_contain_text("object")
    expect(page.locator("#p-birth_name")).to_be_visible()  # corrected in place, not retyped
    page.locator("#p-birth_name").fill("Vidal")
    page.get_by_role("button", name="Confirmer le rendez-vous").click()
    expect(page.locator("#reference")).to_have_text(re.compile(r"^AJN-"), timeout=20_000)
