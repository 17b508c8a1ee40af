// Coordination (templates/coordination.html): the coverage matrix (sites × weeks)
// drawn as an SVG chart, a week's welcome checklist, confirm, release, staff a gap.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const { el, svg } = Relais;
  const colours = { confirmed: "#2e7d32", completed: "#546e7a", proposed: "#b26a00", gap: "#c62828" };
  let doctors = [];
  let planned = new Map();  // "site|week" -> the planner's open proposal for a gap

  function iso(d) { return d.toISOString().slice(0, 10); }

  function cellNode(site, cell, x, y, cw, ch) {
    const title = cell.state === "gap" ? "semaine sans médecin" : `${cell.doctor_name} (${cell.state})`;
    const label = cell.state === "gap" ? "—" : (cell.doctor_name || "").replace("Dr ", "").slice(0, 9);
    const proposal = cell.state === "gap" ? planned.get(`${site.site_id}|${cell.week}`) : null;
    const hint = proposal ? ` — proposé : ${proposal.doctor_name}` : "";
    const node = svg("g", { class: "cell", tabindex: 0, dataset: { site: site.site_id, week: cell.week,
                                                                   assignment: cell.assignment_id || "", state: cell.state,
                                                                   planned: proposal ? proposal.id : null } },
      svg("rect", { x: x + 1, y: y + 1, width: cw - 2, height: ch - 2, fill: colours[cell.state] || "#999", rx: 3,
                    class: proposal ? "planned" : null },
        svg("title", {}, `${site.site_name} ${cell.week} : ${title}${hint}`)),
      svg("text", { x: x + 5, y: y + 21, fill: "#fff" },
        proposal ? "→ " + proposal.doctor_name.replace("Dr ", "").slice(0, 8) : label));
    node.addEventListener("click", () => openWeek(node.dataset).catch(Relais.fail));
    node.addEventListener("keydown", (e) => {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); openWeek(node.dataset).catch(Relais.fail); }
    });
    return node;
  }

  async function draw() {
    const from = new Date(), to = new Date(Date.now() + 11 * 7 * 86400000);
    const args = new URLSearchParams({ from: iso(from), to: iso(to) });
    const matrix = await Relais.api("GET", "/api/roster/coverage/matrix?" + args);
    const cw = 70, ch = 34, left = 190, top = 24;
    const width = left + cw * matrix.weeks.length, height = top + ch * matrix.sites.length;
    const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, width: "100%" });
    matrix.weeks.forEach((w, i) => chart.append(svg("text", { x: left + i * cw + 4, y: 16 }, w.slice(5))));
    const gaps = [];
    matrix.sites.forEach((site, r) => {
      chart.append(svg("text", { x: 4, y: top + r * ch + 21 }, site.site_name.slice(0, 28)));
      site.cells.forEach((cell, i) => {
        chart.append(cellNode(site, cell, left + i * cw, top + r * ch, cw, ch));
        if (cell.state === "gap") gaps.push(`${site.site_name} : semaine ${cell.week}`);
      });
    });
    $("matrix").replaceChildren(chart);
    Relais.show(document.querySelector("#gap-list tbody"),
                gaps.map((g) => el("tr", { class: "gap" }, el("td", {}, g))));
  }

  function staffGap(cell) {
    const select = el("select", { id: "doctor" });
    Relais.options(select, doctors.map((d) => [d.id, `${d.display_name} (${d.profession})`]));
    const assign = el("button", { type: "button", id: "assign" }, "Confirmer ce médecin");
    assign.addEventListener("click", async () => {
      try {
        await Relais.api("POST", "/api/roster/assignments",
                         { site_id: cell.site, week: cell.week, doctor_id: select.value, confirm: true });
        Relais.say("Semaine confirmée.", true); await draw(); $("week").classList.add("hidden");
      } catch (e) { Relais.fail(e); }
    });
    $("week-body").replaceChildren(el("label", { for: "doctor" }, "Médecin"), select, assign);
  }

  function act(label, cls, run, done) {
    const button = el("button", { type: "button", class: cls }, label);
    button.addEventListener("click", async () => {
      try { await run(); await draw(); Relais.say(done, true); } catch (err) { Relais.fail(err); }
    });
    return button;
  }

  async function openWeek(cell) {
    $("week").classList.remove("hidden");
    $("week-title").textContent = `${cell.site} — semaine ${cell.week}`;
    if (!cell.assignment) { staffGap(cell); return; }
    const a = await Relais.api("GET", `/api/roster/assignments/${encodeURIComponent(cell.assignment)}`);
    const l = a.logistics || {};
    const path = `/api/roster/assignments/${encodeURIComponent(a.id)}`;
    const logistics = el("form", { id: "logistics" }, el("fieldset", {},
      el("legend", {}, "Accueil du médecin"),
      el("label", {}, el("input", { type: "checkbox", id: "housing", checked: !!l.housing_booked }), " Logement réservé"),
      el("label", { for: "vehicle" }, "Véhicule"), el("input", { id: "vehicle", value: l.vehicle || "" }),
      el("label", {}, el("input", { type: "checkbox", id: "booklet", checked: !!l.welcome_booklet_sent }),
         " Livret d'accueil envoyé"),
      el("label", { for: "arrival" }, "Arrivée"), el("input", { id: "arrival", value: l.arrival_time || "" }),
      el("button", { type: "submit" }, "Enregistrer")));
    logistics.addEventListener("submit", async (e) => {
      e.preventDefault();
      try {
        await Relais.api("PUT", `${path}/logistics`, { housing_booked: $("housing").checked,
          vehicle: $("vehicle").value, welcome_booklet_sent: $("booklet").checked, arrival_time: $("arrival").value });
        Relais.say("Accueil enregistré.", true);
      } catch (err) { Relais.fail(err); }
    });
    const parts = [el("p", {}, `État : ${a.state} — rythme ${a.pace} consultations/heure`), logistics];
    if (a.state === "proposed") {
      parts.push(act("Confirmer", null, () => Relais.api("POST", `${path}/confirm`, {}), "Semaine confirmée."));
    }
    if (["proposed", "confirmed"].includes(a.state)) {
      parts.push(el("label", { for: "reason" }, "Motif de libération"), el("input", { id: "reason" }),
        act("Libérer la semaine", "danger",
            () => Relais.api("POST", `${path}/release`, { reason: $("reason").value }), "Semaine libérée."));
    }
    $("week-body").replaceChildren(...parts);
  }

  document.addEventListener("relais:plan", (event) => {
    const plan = event.detail;
    planned = new Map((plan && plan.status === "done" ? plan.proposals : [])
      .filter((p) => p.state === "open").map((p) => [`${p.site_id}|${p.week}`, p]));
    draw().catch(Relais.fail);
  });
  document.addEventListener("relais:rota-changed", () => draw().catch(Relais.fail));

  setupLogin(async () => {
    RelaisPlanner.setup();
    $("board").classList.remove("hidden");
    doctors = await Relais.api("GET", "/api/roster/doctors");
    draw().catch(Relais.fail);
  });
})();
