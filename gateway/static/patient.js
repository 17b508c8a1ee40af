// Booking online (templates/patient.html): a place or a commune, a reason, a
// free slot, the patient's details; the reference and manage code at the end.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  let places = [], chosenSlot = null, waitlistMode = false;
  const birthPlace = Relais.birthPlacePicker("p-");

  async function init() {
    try {
      places = await Relais.places();
      Relais.options($("place"), [["", "— choisir —"], ...places.map((p, i) => [i, p.label])]);
      Relais.options($("commune"), [["", "— choisir —"], ...Object.keys(COMMUNES).map((c) => [c, c])]);
    } catch (e) { Relais.fail(e); }
  }

  async function loadMotifs(siteId) {
    const motifs = await Relais.api("GET", `/api/booking/sites/${encodeURIComponent(siteId)}/motifs`);
    Relais.options($("motif"), motifs.map((m) => [m.code, m.label]));
    if (motifs.some((m) => m.code === "consultation")) $("motif").value = "consultation";
  }

  async function showSlots() {
    $("book").classList.add("hidden"); $("done").classList.add("hidden");
    const place = places[$("place").value];
    let slots = [];
    if (place) {
      const args = new URLSearchParams({ site_id: place.site, per_page: 200 });
      if (place.stop) args.set("stop_id", place.stop);
      if ($("motif").value) args.set("motif", $("motif").value);
      slots = await Relais.api("GET", "/api/booking/slots?" + args);
    } else if ($("commune").value) {
      const [lon, lat] = COMMUNES[$("commune").value];
      const args = new URLSearchParams({ lon, lat, km: $("km").value, per_page: 50 });
      if ($("motif").value) args.set("motif", $("motif").value);
      slots = await Relais.api("GET", "/api/booking/slots/nearest?" + args);
    }
    Relais.renderSlots($("slots"), slots, pick);
    $("nothing").classList.toggle("hidden", !(place || $("commune").value));
  }

  function pick(slot) {
    chosenSlot = slot; waitlistMode = false;
    document.querySelectorAll(".waitlist-only").forEach((e) => e.classList.add("hidden"));
    $("chosen").textContent = "Créneau choisi : " + Relais.dayLabel(slot.start) + " à " + Relais.time(slot.start)
      + (slot.stop && slot.stop.commune ? " — " + slot.stop.commune : "")
      + (slot.distance_km ? ` (${slot.distance_km} km)` : "");
    $("confirm").textContent = "Confirmer le rendez-vous";
    $("book").classList.remove("hidden");
    $("p-birth_name").focus();
  }

  $("place").addEventListener("change", async () => {
    $("commune").value = "";
    const place = places[$("place").value];
    try { if (place) await loadMotifs(place.site); await showSlots(); } catch (e) { Relais.fail(e); }
  });
  $("commune").addEventListener("change", async () => {
    $("place").value = "";
    try { if (places.length) await loadMotifs(places[0].site); await showSlots(); } catch (e) { Relais.fail(e); }
  });
  $("km").addEventListener("change", () => showSlots().catch(Relais.fail));
  $("motif").addEventListener("change", () => showSlots().catch(Relais.fail));
  $("show-waitlist").addEventListener("click", () => {
    waitlistMode = true; chosenSlot = null;
    document.querySelectorAll(".waitlist-only").forEach((e) => e.classList.remove("hidden"));
    $("chosen").textContent = "Inscription sur la liste d'attente";
    $("confirm").textContent = "M'inscrire";
    $("book").classList.remove("hidden");
  });

  $("book").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.target;
    if (!birthPlace.code()) { Relais.say("Choisissez votre commune de naissance dans la liste.", false);
                              $("p-commune-q").focus(); return; }
    const patient = { ...Relais.traitsFrom("p-", birthPlace), phone: form.phone.value, has_gp: form.has_gp.value };
    if (form.email.value) patient.email = form.email.value;
    const key = { "Idempotency-Key": Relais.newKey() };
    try {
      if (waitlistMode) {
        const place = places[$("place").value] || places[0];
        const entry = await Relais.api("POST", "/api/booking/waitlist", { site_id: place.site,
          motif: $("motif").value, latest_date: form.latest_date.value, patient }, key);
        Relais.say(`Vous êtes sur la liste d'attente (n° ${entry.id}). Conservez ce code : ${entry.token}`, true);
        return;
      }
      const booked = await Relais.api("POST", "/api/booking/appointments",
        { slot_id: chosenSlot.id, motif: $("motif").value, patient }, key);
      $("reference").textContent = booked.reference;
      $("token").textContent = booked.manage_token;
      $("manage-link").href = "/rdv?" + new URLSearchParams({ reference: booked.reference, token: booked.manage_token });
      $("book").classList.add("hidden"); $("done").classList.remove("hidden");
      Relais.say("Votre rendez-vous est enregistré.", true);
    } catch (e) {
      Relais.fail(e);
      // a refused field keeps the form as it is; a slot taken meanwhile shows the free ones
      if (e.status !== 422) showSlots().catch(() => {});
    }
  });
  init();
})();
