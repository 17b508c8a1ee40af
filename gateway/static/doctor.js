// The doctor's desk (templates/doctor.html): the week's agenda by day (tabs,
// Monday to Saturday), a patient's record, the consultation form, correspondents.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const { el } = Relais;
  let consultation = null, monday = Week.mondayOf(new Date()), shown = 0;

  function appointmentItem(a) {
    const name = a.patient.name || "patient inconnu";
    const provisional = a.patient.identity_status === "provisional" && !a.patient.merged_into;
    return el("li", { class: "appointment" + (a.status === "cancelled" ? " cancelled" : "") },
      el("strong", {}, Relais.time(a.start)), " ", el("span", { class: "who" }, name),
      provisional ? el("span", { class: "badge provisional" }, "identité provisoire") : null,
      el("span", { class: "what" }, a.motif_label + " — " + Relais.status(a.status)),
      a.status === "cancelled" ? null : el("button",
        { type: "button", class: "secondary", "aria-label": "Dossier de " + name,
          onclick: () => openRecord(a).catch(Relais.fail) }, "Dossier"));
  }

  function dayPanel(appointments) {
    if (!appointments.length) return el("p", {}, "Aucun rendez-vous ce jour.");
    return el("ul", { class: "agenda" }, appointments.map(appointmentItem));
  }

  async function duty(week) {
    const who = Relais.who();
    if (!who || who.role !== "doctor") { $("duty").textContent = ""; return; }
    const args = new URLSearchParams({ doctor_id: who.subject, week });
    const mine = (await Relais.api("GET", "/api/roster/assignments?" + args))
      .filter((a) => a.state === "confirmed" || a.state === "proposed");
    const site = mine.length ? [...$("site").options].find((o) => o.value === mine[0].site_id) : null;
    if (site) $("site").value = site.value;
    $("duty").textContent = site ? `Votre semaine : ${site.textContent}.`
      : "Vous n'êtes pas de service cette semaine : agenda du lieu choisi.";
  }

  async function agenda(lookUpDuty) {
    const load = ++shown;
    $("week").dataset.loaded = "0";
    const week = Week.isoWeek(monday);
    if (lookUpDuty) await duty(week);
    const days = [0, 1, 2, 3, 4, 5].map((n) => Week.addDays(monday, n));
    const answers = await Promise.all(days.map((day) => Relais.api("GET", "/api/booking/agenda?"
      + new URLSearchParams({ site_id: $("site").value, day: Week.isoDay(day) }))));
    if (load !== shown) return; // a newer week was asked for meanwhile
    $("week-title").textContent = `Semaine du ${Week.label(days[0], { day: "numeric", month: "long" })}`
      + ` au ${Week.label(days[5], { day: "numeric", month: "long", year: "numeric" })}`;
    const today = days.findIndex((d) => Week.isoDay(d) === Week.isoDay(new Date()));
    Week.tabs($("days"), $("panels"), days.map((day, i) => {
      const count = answers[i].appointments.filter((a) => a.status !== "cancelled").length;
      return { label: Week.label(day), panel: dayPanel(answers[i].appointments),
               detail: count ? `${count} rendez-vous` : "aucun rendez-vous" };
    }), Math.max(today, 0));
    $("week").dataset.loaded = "1";
  }

  function list(items, text) {
    return items && items.length ? el("ul", {}, items.map((i) => el("li", {}, text(i)))) : el("p", {}, "—");
  }

  async function openRecord(appointment) {
    const r = await Relais.api("GET", `/api/records/records/${encodeURIComponent(appointment.patient.id)}`);
    const provisional = r.identity_status !== "validated";
    $("record-body").replaceChildren(
      el("p", {}, el("strong", {}, Relais.personName(r)),
         `, né(e) le ${Relais.longDate(r.birth_date)}`, r.birth_place_label ? ` à ${r.birth_place_label}` : "",
         `, sexe ${Relais.sexLabel(r.sex)} — `, el("span", { class: "badge " + (provisional ? "provisional" : "validated") },
         Relais.identityStatus(r.identity_status))),
      provisional ? el("p", { class: "banner", role: "note" },
        "Identité provisoire : elle n'a pas encore été vérifiée sur une pièce d'identité. "
        + "Ce dossier ne contient que ce qui a été écrit sous cette identité.") : null,
      r.merged_identities && r.merged_identities.length ? el("p", {},
        `Ce dossier réunit aussi ce qui a été écrit sous ${r.merged_identities.length} identité(s) provisoire(s) rattachée(s).`) : null,
      el("h3", {}, "Antécédents"), list(r.medical_history, (i) => i.text),
      el("h3", {}, "Allergies"), list(r.allergies, (i) => `${i.substance} (${i.severity})`),
      el("h3", {}, "Traitements"), list(r.treatments, (i) => `${i.name} ${i.dose || ""}`));
    $("record").classList.remove("hidden");
    consultation = await Relais.api("POST", "/api/records/consultations", { appointment_id: appointment.id })
      .catch(() => null);
    $("consultation").classList.toggle("hidden", !consultation);
  }

  $("consultation").addEventListener("submit", async (e) => {
    e.preventDefault();
    const exam = {};
    for (const k of ["systolic", "diastolic", "heart_rate", "temperature", "weight_kg", "height_cm", "spo2"])
      if ($(k).value) exam[k] = Number($(k).value);
    try {
      await Relais.api("PATCH", `/api/records/consultations/${encodeURIComponent(consultation.id)}`,
        { exam, notes: $("notes").value, diagnosis: $("diagnosis").value, prescriptions: $("prescriptions").value });
      Relais.say("Consultation enregistrée.", true);
    } catch (err) { Relais.fail(err); }
  });
  $("close").addEventListener("click", async () => {
    try {
      await Relais.api("POST", `/api/records/consultations/${encodeURIComponent(consultation.id)}/close`);
      Relais.say("Consultation close.", true);
      $("consultation").classList.add("hidden"); await agenda(false);
    } catch (err) { Relais.fail(err); }
  });

  const goTo = (date) => { monday = Week.mondayOf(date); agenda(true).catch(Relais.fail); };
  $("previous-week").addEventListener("click", () => goTo(Week.addDays(monday, -7)));
  $("next-week").addEventListener("click", () => goTo(Week.addDays(monday, 7)));
  $("this-week").addEventListener("click", () => goTo(new Date()));
  $("site").addEventListener("change", () => agenda(false).catch(Relais.fail));

  $("directory").addEventListener("submit", async (e) => {
    e.preventDefault();
    const args = new URLSearchParams({ site_id: $("site").value, km: 80 });
    if ($("q").value) args.set("q", $("q").value);
    if ($("specialty").value) args.set("specialty", $("specialty").value);
    try {
      const found = await Relais.api("GET", "/api/directory/correspondents?" + args);
      Relais.show($("correspondents"), found.map((c) => el("tr", {},
        el("td", {}, c.name), el("td", {}, c.specialty || c.category || c.profession || ""),
        el("td", {}, c.commune || ""), el("td", {}, c.phone || ""),
        el("td", {}, c.distance_km === undefined || c.distance_km === null ? "" : `${c.distance_km} km`))),
        "Aucun résultat");
    } catch (err) { Relais.fail(err); }
  });

  setupLogin(async () => {
    $("desk").classList.remove("hidden");
    const sites = await Relais.api("GET", "/api/roster/sites");
    Relais.options($("site"), sites.map((s) => [s.id, s.name]));
    await agenda(true);
  });
})();
