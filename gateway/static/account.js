// A patient's own space (templates/account.html): signed in with a one-time code sent to
// the contact recorded when their identity was validated; their appointments, record,
// its FHIR export and who read it.  The token lives in this tab only.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const { el } = Relais;
  const KEY = "relais.patient";
  let session = JSON.parse(sessionStorage.getItem(KEY) || "null");

  const call = (method, path) => fetch(path, { method, headers: {
    Accept: "application/json", Authorization: "Bearer " + session.access_token } });

  async function get(path) {
    const response = await call("GET", path);
    const data = await response.json().catch(() => null);
    if (!response.ok) throw Object.assign(new Error((data && data.message) || response.statusText),
                                          { status: response.status, body: data });
    return data;
  }

  $("ask").addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      await Relais.api("POST", "/auth/patient/code", { contact: $("contact").value.trim() });
      Relais.say("Si cette adresse ouvre un espace, un code vient d'y être envoyé.", true);
      $("verify").classList.remove("hidden"); $("code").focus();
    } catch (err) { Relais.fail(err); }
  });

  $("verify").addEventListener("submit", async (e) => {
    e.preventDefault();
    const body = { contact: $("contact").value.trim(), code: $("code").value.trim() };
    const chosen = document.querySelector("input[name=patient]:checked");
    if (chosen) body.patient_id = chosen.value;
    try {
      session = await Relais.api("POST", "/auth/patient/verify", body);
      sessionStorage.setItem(KEY, JSON.stringify(session));
      Relais.say(""); await open();
    } catch (err) {
      if (err.body && err.body.code === "choose_patient") {
        $("choices").replaceChildren(...err.body.patients.map((p) => el("label", { class: "inline" },
          el("input", { type: "radio", name: "patient", value: p.patient_id }),
          `${p.first_given_name} (né(e) en ${p.birth_year})`)));
        $("choose").classList.remove("hidden");
      }
      Relais.fail(err);
    }
  });

  $("sign-out").addEventListener("click", () => { sessionStorage.removeItem(KEY); location.reload(); });

  function list(items, text) {
    return items && items.length ? el("ul", {}, items.map((i) => el("li", {}, text(i)))) : el("p", {}, "—");
  }

  async function open() {
    const id = encodeURIComponent(session.subject);
    try {
      const [appointments, record, log] = await Promise.all([
        get(`/api/booking/patients/${id}/appointments`), get(`/api/records/records/${id}`),
        get(`/api/records/records/${id}/access-log`)]);
      $("sign-in").classList.add("hidden"); $("space").classList.remove("hidden");
      $("signed-in").textContent = "Connecté(e) : " + Relais.personName(record);
      Relais.show($("appointments"), appointments.map((a) => el("tr", {},
        el("td", {}, Relais.dayLabel(a.start) + " à " + Relais.time(a.start)),
        el("td", {}, a.motif_label), el("td", {}, Relais.status(a.status)), el("td", {}, a.reference))),
        "Aucun rendez-vous");
      $("record").replaceChildren(
        el("h3", {}, "Antécédents"), list(record.medical_history, (i) => i.text),
        el("h3", {}, "Allergies"), list(record.allergies, (i) => i.substance),
        el("h3", {}, "Traitements"), list(record.treatments, (i) => `${i.name} ${i.dose || ""}`),
        el("h3", {}, "Vaccinations"), list(record.vaccinations, (i) => `${i.vaccine} (${Relais.longDate(i.date)})`),
        el("h3", {}, "Consultations"), list(record.consultations, (c) => `${Relais.dayLabel(c.opened_at)} — ${c.reason || ""}`));
      const who = { doctor: "médecin", operator: "administrateur", patient: "vous-même" };
      const what = { read_record: "lecture du dossier", read_access_log: "lecture de ce journal",
                     export_fhir: "export du dossier", read_completeness: "lecture des examens à prévoir",
                     open_consultation: "consultation ouverte", list_site_items: "suivi du centre" };
      Relais.show($("access-log"), log.map((e) => el("tr", {},
        el("td", {}, Relais.dayLabel(e.at) + " " + Relais.time(e.at)), el("td", {}, who[e.role] || e.role),
        el("td", {}, what[e.action] || (e.action.startsWith("add_") ? "ajout au dossier" : e.action)),
        el("td", {}, e.outcome === "allowed" ? "accès" : "refusé"))), "Personne");
    } catch (err) {
      if (err.status === 401) { sessionStorage.removeItem(KEY); location.reload(); return; }
      Relais.fail(err);
    }
  }

  $("fhir").addEventListener("click", async () => {
    try {
      const response = await call("GET", `/api/records/records/${encodeURIComponent(session.subject)}/fhir`);
      if (!response.ok) throw new Error(response.statusText);
      const link = el("a", { href: URL.createObjectURL(await response.blob()), download: "mon-dossier.fhir.json" });
      document.body.append(link); link.click(); link.remove();
    } catch (err) { Relais.fail(err); }
  });

  if (session) open();
})();
