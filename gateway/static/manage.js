// A patient's own appointment (templates/manage.html): view, cancel or move it
// with the reference and the manage code.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const params = new URLSearchParams(location.search);
  $("reference").value = params.get("reference") || "";
  $("token").value = params.get("token") || "";
  let current = null;
  const headers = () => ({ "X-Manage-Token": $("token").value.trim() });
  const ref = () => encodeURIComponent($("reference").value.trim().toUpperCase());

  async function show() {
    current = await Relais.api("GET", `/api/booking/appointments/${ref()}`, undefined, headers());
    $("summary").textContent = `${current.motif_label} — ${Relais.dayLabel(current.start)} à ${Relais.time(current.start)}`
      + (current.stop && current.stop.commune ? ` — ${current.stop.commune}` : "")
      + ` (statut : ${Relais.status(current.status)})`
      + (current.needs_doctor ? " — le médecin de cette semaine a changé, le centre vous recontactera" : "");
    $("details").classList.remove("hidden");
    const active = current.status === "booked";
    $("cancel").disabled = !active; $("move").disabled = !active;
  }
  $("find").addEventListener("submit", (e) => { e.preventDefault(); show().catch(Relais.fail); });
  $("cancel").addEventListener("click", async () => {
    if (!confirm("Annuler ce rendez-vous ?")) return;
    try {
      await Relais.api("POST", `/api/booking/appointments/${ref()}/cancel`, undefined, headers());
      Relais.say("Votre rendez-vous est annulé.", true); await show();
    } catch (e) { Relais.fail(e); }
  });
  $("move").addEventListener("click", async () => {
    try {
      const args = new URLSearchParams({ site_id: current.site_id, per_page: 100 });
      if (current.stop && current.stop.stop_id) args.set("stop_id", current.stop.stop_id);
      const slots = await Relais.api("GET", "/api/booking/slots?" + args);
      Relais.renderSlots($("slots"), slots, async (slot) => {
        try {
          await Relais.api("POST", `/api/booking/appointments/${ref()}/move`, { slot_id: slot.id }, headers());
          $("slots").replaceChildren(); Relais.say("Votre rendez-vous est déplacé.", true); await show();
        } catch (e) { Relais.fail(e); }
      });
    } catch (e) { Relais.fail(e); }
  });
  if (ref() && $("token").value) show().catch(Relais.fail);
})();
