// The call-centre and desk console (templates/agent.html): find the caller, see their
// identity (provisional or validated) and the identities alike, validate it against an
// identity document, link it to the validated identity of the same person (or undo a
// link); their appointments (check in, move, cancel); book for them, or for a new caller.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const { el } = Relais;
  const birthPlace = Relais.birthPlacePicker("c-");
  let places = [], caller = null;
  const api = (method, path, body) => Relais.api(method, "/api/booking" + path, body);

  // -- the caller's identity --------------------------------------------------------
  async function choose(patientId) {
    caller = await api("GET", `/patients/${encodeURIComponent(patientId)}`);
    $("caller").classList.remove("hidden");
    $("new-caller-fields").classList.add("hidden");
    $("booking-for").textContent = "Pour : " + Relais.personName(caller);
    $("patient-name").textContent = Relais.personName(caller);
    $("caller-identity").textContent = [
      Relais.identityStatus(caller.identity_status),
      "né(e) le " + Relais.longDate(caller.birth_date),
      "sexe " + Relais.sexLabel(caller.sex),
      caller.birth_place_label ? "à " + caller.birth_place_label : "lieu de naissance non renseigné",
      caller.given_names && caller.given_names.length > 1 ? "prénoms : " + caller.given_names.join(", ") : null,
    ].filter(Boolean).join(" · ");
    const provisional = caller.identity_status === "provisional" && !caller.merged_into;
    $("caller-banner").classList.toggle("hidden", !provisional && !caller.legacy);
    $("caller-banner").textContent = [
      provisional ? "Identité provisoire : déclarée en ligne ou au téléphone, pas encore vérifiée sur une pièce d'identité."
        + " Elle se valide à l'accueil, une fois l'arrivée du patient notée." : null,
      caller.legacy ? "Identité reprise de l'ancien système, où deux homonymes pouvaient partager un dossier :"
        + " vérifiez qu'elle ne concerne qu'une personne avant d'enregistrer un courriel de connexion." : null,
    ].filter(Boolean).join(" ");
    $("validate").classList.toggle("hidden", Boolean(caller.merged_into));
    $("v-email").value = (caller.sign_in && caller.sign_in.email) || caller.email || "";
    $("v-phone").value = (caller.sign_in && caller.sign_in.phone) || "";
    $("v-new").checked = false;
    const linked = caller.merged_identities || [];
    $("merged-box").classList.toggle("hidden", !caller.merged_into && !linked.length);
    $("merged-text").textContent = caller.merged_into
      ? "Cette identité est rattachée à une identité validée (même personne)."
      : `${linked.length} identité${linked.length > 1 ? "s" : ""} rattachée${linked.length > 1 ? "s" : ""} à celle-ci :`;
    $("merged-list").replaceChildren(...(caller.merged_into ? [caller.id] : linked).map((id) =>
      el("li", {}, id, " ", el("button", { type: "button", class: "danger", dataset: { unmerge: id },
                                           "aria-label": "Défaire le rattachement de " + id },
                              "Défaire le rattachement"))));
    await Promise.all([showCandidates(), showAppointments()]);
  }

  async function showCandidates() {
    const found = caller.merged_into ? []
      : await api("GET", `/patients/${encodeURIComponent(caller.id)}/candidates`);
    const level = { exact: "identique", probable: "très proche", possible: "proche" };
    const canLink = caller.identity_status === "provisional";
    Relais.show($("candidates"), found.map((c) => el("tr", {},
      el("td", {}, Relais.personName(c.patient)), el("td", {}, Relais.longDate(c.patient.birth_date)),
      el("td", {}, c.patient.birth_place_label || "—"), el("td", {}, level[c.level] || c.level),
      el("td", {}, Relais.identityStatus(c.patient.identity_status)),
      el("td", {}, canLink && c.patient.identity_status === "validated"
        ? el("button", { type: "button", class: "secondary", dataset: { into: c.patient.id },
                         "aria-label": "Rattacher à " + Relais.personName(c.patient) },
             "Même personne : rattacher") : ""))), "Aucune identité ressemblante");
    $("candidates-box").classList.remove("hidden");
  }

  $("candidates").addEventListener("click", async (e) => {
    const into = e.target.dataset.into;
    if (!into) return;
    if (!confirm("Rattacher cette identité provisoire à l'identité validée ? (c'est réversible)")) return;
    try {
      await api("POST", `/patients/${encodeURIComponent(caller.id)}/merge`,
                { into, reason: "same_person_document" });
      Relais.say("Identités rattachées : le dossier suit la personne.", true);
      await choose(into);
    } catch (err) { Relais.fail(err); }
  });

  $("merged-list").addEventListener("click", async (e) => {
    const source = e.target.dataset.unmerge;
    if (!source) return;
    if (!confirm("Défaire ce rattachement ? Les deux identités redeviennent distinctes.")) return;
    try {
      await api("POST", `/patients/${encodeURIComponent(source)}/unmerge`, { reason: $("unmerge-reason").value });
      Relais.say("Rattachement défait : les deux identités sont de nouveau distinctes.", true);
      await choose(caller.id);
    } catch (err) { Relais.fail(err); }
  });

  $("validate").addEventListener("submit", async (e) => {
    e.preventDefault();
    const button = e.submitter; if (button) button.disabled = true;
    const signIn = {};
    if ($("v-email").value.trim()) signIn.email = $("v-email").value.trim();
    if ($("v-phone").value.trim()) signIn.phone = $("v-phone").value.trim();
    try {
      await api("POST", `/patients/${encodeURIComponent(caller.id)}/validate`,
                { document: $("v-document").value, sign_in: signIn, confirm_new: $("v-new").checked });
      Relais.say("Identité validée.", true);
      await choose(caller.id);
    } catch (err) { Relais.fail(err); } finally { if (button) button.disabled = false; }
  });

  $("new-caller").addEventListener("click", () => {
    caller = null;
    $("caller").classList.add("hidden"); $("new-caller-fields").classList.remove("hidden");
    $("booking-for").textContent = "Pour un nouvel appelant : son identité sera provisoire.";
    $("c-birth_name").focus();
  });

  // -- the caller's appointments ----------------------------------------------------
  function appointmentRow(a) {
    const actions = a.status !== "booked" ? [] : [
      el("button", { type: "button", dataset: { checkin: a.reference } }, "Arrivé(e)"), " ",
      el("button", { type: "button", class: "danger", dataset: { cancel: a.reference } }, "Annuler"), " ",
      el("button", { type: "button", class: "secondary", dataset: { move: a.reference, site: a.site_id } },
         "Déplacer"),
    ];
    return el("tr", {},
      el("td", {}, Relais.dayLabel(a.start) + " " + Relais.time(a.start)),
      el("td", {}, a.motif_label), el("td", {}, Relais.status(a.status)), el("td", {}, a.reference),
      el("td", {}, actions));
  }

  async function showAppointments() {
    const rows = await api("GET", `/patients/${encodeURIComponent(caller.id)}/appointments`);
    Relais.show($("appointments"), rows.map(appointmentRow), "Aucun rendez-vous");
  }

  $("appointments").addEventListener("click", async (e) => {
    const { cancel, move, checkin } = e.target.dataset;
    try {
      if (checkin) {
        await api("POST", `/appointments/${encodeURIComponent(checkin)}/check-in`);
        Relais.say(caller.identity_status === "validated" ? "Arrivée notée."
          : "Arrivée notée. Vérifiez maintenant l'identité sur sa pièce d'identité.", true);
        await showAppointments();
        if (caller.identity_status !== "validated") $("v-document").focus();
      }
      if (cancel) {
        if (!confirm("Annuler ce rendez-vous ?")) return;
        await api("POST", `/appointments/${encodeURIComponent(cancel)}/cancel`);
        Relais.say("Rendez-vous annulé.", true); await showAppointments();
      }
      if (move) {
        const args = new URLSearchParams({ site_id: e.target.dataset.site, per_page: 60 });
        const slots = await api("GET", "/slots?" + args);
        Relais.renderSlots($("move-slots"), slots, async (slot) => {
          try {
            await api("POST", `/appointments/${encodeURIComponent(move)}/move`, { slot_id: slot.id });
            $("move-slots").replaceChildren(); Relais.say("Rendez-vous déplacé.", true);
            await showAppointments();
          } catch (err) { Relais.fail(err); }
        });
      }
    } catch (err) { Relais.fail(err); }
  });

  // -- finding the caller -------------------------------------------------------------
  $("search").addEventListener("submit", async (e) => {
    e.preventDefault();
    const args = new URLSearchParams();
    if ($("s-phone").value) args.set("phone", $("s-phone").value);
    else { args.set("family_name", $("s-family").value); if ($("s-birth").value) args.set("birth_date", $("s-birth").value); }
    try {
      const found = await api("GET", "/patients?" + args);
      Relais.show($("patients"), found.map((p) => el("tr", {},
        el("td", {}, Relais.personName(p)), el("td", {}, Relais.longDate(p.birth_date)),
        el("td", {}, Relais.identityStatus(p.identity_status)), el("td", {}, p.phone || ""),
        el("td", {}, el("button", { type: "button", onclick: () => choose(p.id).catch(Relais.fail),
                                    "aria-label": "Choisir " + Relais.personName(p) }, "Choisir")))),
        "Aucun patient trouvé : saisissez son identité ci-dessous (elle sera provisoire).");
    } catch (err) { Relais.fail(err); }
  });

  // -- booking ----------------------------------------------------------------------------
  function whoFor() {
    if (caller) return { patient_id: caller.merged_into || caller.id };
    if (!birthPlace.code()) throw Object.assign(new Error("Choisissez la commune de naissance dans la liste."),
                                                { body: null });
    return { patient: { ...Relais.traitsFrom("c-", birthPlace), phone: $("c-phone").value } };
  }

  async function refreshSlots() {
    const place = places[$("place").value];
    if (!place) return;
    if (!$("motif").options.length || $("motif").dataset.site !== place.site) {
      const motifs = await api("GET", `/sites/${encodeURIComponent(place.site)}/motifs`);
      Relais.options($("motif"), motifs.map((m) => [m.code, m.label + (m.online ? "" : " (téléphone)")]));
      $("motif").dataset.site = place.site;
    }
    const args = new URLSearchParams({ site_id: place.site, per_page: 120 });
    if (place.stop) args.set("stop_id", place.stop);
    const slots = await api("GET", "/slots?" + args);
    Relais.renderSlots($("slots"), slots, async (slot) => {
      try {
        const booked = await Relais.api("POST", "/api/booking/appointments",
          { slot_id: slot.id, motif: $("motif").value, channel: "phone", ...whoFor() },
          { "Idempotency-Key": Relais.newKey() });
        Relais.say(`Rendez-vous ${booked.reference} : ${Relais.dayLabel(booked.start)} à ${Relais.time(booked.start)}.`, true);
        await choose(booked.patient_id);
        refreshSlots().catch(Relais.fail);
      } catch (err) { Relais.fail(err); }
    });
    const waiting = await api("GET", "/waitlist?" + new URLSearchParams({ site_id: place.site }));
    Relais.show($("waiting"), waiting.map((w) => el("tr", {},
      el("td", {}, w.motif), el("td", {}, "avant le " + Relais.longDate(w.latest_date)),
      el("td", {}, Relais.status(w.status)))));
  }

  $("place").addEventListener("change", () => refreshSlots().catch(Relais.fail));
  $("motif").addEventListener("change", () => refreshSlots().catch(Relais.fail));
  $("waitlist").addEventListener("click", async () => {
    const place = places[$("place").value];
    try {
      await Relais.api("POST", "/api/booking/waitlist", { site_id: place.site, motif: $("motif").value,
        latest_date: $("latest_date").value, ...whoFor() }, { "Idempotency-Key": Relais.newKey() });
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
