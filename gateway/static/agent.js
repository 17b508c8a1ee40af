// The call-centre console (templates/agent.html): find the caller, their
// appointments, book, move or cancel for them, the site's waiting list.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const { el } = Relais;
  let places = [], caller = null;

  function fillCaller(patient) {
    caller = patient;
    for (const k of ["family_name", "given_name", "birth_date", "phone"]) $(k).value = patient[k] || "";
  }
  function callerBody() {
    return { family_name: $("family_name").value, given_name: $("given_name").value,
             birth_date: $("birth_date").value, phone: $("phone").value };
  }

  function appointmentRow(a) {
    const actions = a.status !== "booked" ? [] : [
      el("button", { type: "button", class: "danger", dataset: { cancel: a.reference } }, "Annuler"),
      " ",
      el("button", { type: "button", class: "secondary", dataset: { move: a.reference, site: a.site_id } },
         "Déplacer"),
    ];
    return el("tr", {},
      el("td", {}, Relais.dayLabel(a.start) + " " + Relais.time(a.start)),
      el("td", {}, a.motif_label), el("td", {}, Relais.status(a.status)), el("td", {}, a.reference),
      el("td", {}, actions));
  }

  async function showAppointments(patient) {
    $("patient-name").textContent = patient.given_name + " " + patient.family_name;
    const rows = await Relais.api("GET", `/api/booking/patients/${encodeURIComponent(patient.id)}/appointments`);
    Relais.show($("appointments"), rows.map(appointmentRow), "Aucun rendez-vous");
    $("appointments-box").classList.remove("hidden");
  }

  $("appointments").addEventListener("click", async (e) => {
    const cancel = e.target.dataset.cancel, move = e.target.dataset.move;
    try {
      if (cancel) {
        await Relais.api("POST", `/api/booking/appointments/${encodeURIComponent(cancel)}/cancel`);
        Relais.say("Rendez-vous annulé.", true); await showAppointments(caller);
      }
      if (move) {
        const args = new URLSearchParams({ site_id: e.target.dataset.site, per_page: 60 });
        const slots = await Relais.api("GET", "/api/booking/slots?" + args);
        Relais.renderSlots($("move-slots"), slots, async (slot) => {
          try {
            await Relais.api("POST", `/api/booking/appointments/${encodeURIComponent(move)}/move`,
                             { slot_id: slot.id });
            $("move-slots").replaceChildren(); Relais.say("Rendez-vous déplacé.", true);
            await showAppointments(caller);
          } catch (err) { Relais.fail(err); }
        });
      }
    } catch (err) { Relais.fail(err); }
  });

  $("search").addEventListener("submit", async (e) => {
    e.preventDefault();
    const args = new URLSearchParams();
    if ($("s-phone").value) args.set("phone", $("s-phone").value);
    else { args.set("family_name", $("s-family").value); if ($("s-birth").value) args.set("birth_date", $("s-birth").value); }
    try {
      const found = await Relais.api("GET", "/api/booking/patients?" + args);
      const choose = (p) => () => { fillCaller(p); showAppointments(p).catch(Relais.fail); };
      Relais.show($("patients"), found.map((p) => el("tr", {},
        el("td", {}, p.given_name + " " + p.family_name), el("td", {}, p.birth_date),
        el("td", {}, p.phone || ""),
        el("td", {}, el("button", { type: "button", onclick: choose(p) }, "Choisir")))),
        "Aucun patient trouvé : saisissez ses coordonnées ci-dessous.");
    } catch (err) { Relais.fail(err); }
  });

  async function refreshSlots() {
    const place = places[$("place").value];
    if (!place) return;
    if (!$("motif").options.length || $("motif").dataset.site !== place.site) {
      const motifs = await Relais.api("GET", `/api/booking/sites/${encodeURIComponent(place.site)}/motifs`);
      Relais.options($("motif"), motifs.map((m) => [m.code, m.label + (m.online ? "" : " (téléphone)")]));
      $("motif").dataset.site = place.site;
    }
    const args = new URLSearchParams({ site_id: place.site, per_page: 120 });
    if (place.stop) args.set("stop_id", place.stop);
    const slots = await Relais.api("GET", "/api/booking/slots?" + args);
    Relais.renderSlots($("slots"), slots, async (slot) => {
      try {
        const booked = await Relais.api("POST", "/api/booking/appointments",
          { slot_id: slot.id, motif: $("motif").value, channel: "phone", patient: callerBody() },
          { "Idempotency-Key": Relais.newKey() });
        Relais.say(`Rendez-vous ${booked.reference} : ${Relais.dayLabel(booked.start)} à ${Relais.time(booked.start)}.`, true);
        refreshSlots().catch(Relais.fail);
      } catch (err) { Relais.fail(err); }
    });
    const waiting = await Relais.api("GET", "/api/booking/waitlist?" + new URLSearchParams({ site_id: place.site }));
    Relais.show($("waiting"), waiting.map((w) => el("tr", {},
      el("td", {}, w.motif), el("td", {}, "avant le " + w.latest_date), el("td", {}, Relais.status(w.status)))));
  }

  $("place").addEventListener("change", () => refreshSlots().catch(Relais.fail));
  $("motif").addEventListener("change", () => refreshSlots().catch(Relais.fail));
  $("waitlist").addEventListener("click", async () => {
    const place = places[$("place").value];
    try {
      await Relais.api("POST", "/api/booking/waitlist", { site_id: place.site, motif: $("motif").value,
        latest_date: $("latest_date").value, patient: callerBody() }, { "Idempotency-Key": Relais.newKey() });
      Relais.say("Appelant inscrit sur la liste d'attente.", true); refreshSlots().catch(Relais.fail);
    } catch (err) { Relais.fail(err); }
  });

  setupLogin(async () => {
    $("console").classList.remove("hidden");
    places = await Relais.places();
    Relais.options($("place"), places.map((p, i) => [i, p.label]));
    refreshSlots().catch(Relais.fail);
  });
})();
