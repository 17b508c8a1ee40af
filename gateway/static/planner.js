// Coordination (templates/coordination.html): the rota planner beside the coverage matrix.
// Starts a plan over the coming weeks, waits for the roster worker to solve it, lists its
// proposals (to confirm all or some) and why each remaining gap stays open.
"use strict";

const RelaisPlanner = (() => {
  const $ = (id) => document.getElementById(id);
  const { el } = Relais;
  const REASONS = {
    no_offer: "aucun médecin n'a proposé cette semaine",
    no_housing: "pas de logement disponible",
    no_accepted_profession: "seuls des médecins d'une autre profession l'ont proposée",
    offering_doctors_placed_elsewhere_or_at_limit: "les volontaires sont placés ailleurs ou à leur limite",
  };
  const STATES = { open: "à confirmer", confirmed: "confirmée", refused: "refusée" };
  let plan = null;

  // the matrix (coordination.js) marks the gaps a proposal would fill
  function announce() {
    document.dispatchEvent(new CustomEvent("relais:plan", { detail: plan }));
  }

  async function start() {
    const weeks = Number($("plan-weeks").value);
    const monday = Week.mondayOf(new Date());
    const body = { from: Week.isoWeek(monday), to: Week.isoWeek(Week.addDays(monday, 7 * (weeks - 1))) };
    plan = await Relais.api("POST", "/api/roster/plans", body);
    show();
    while (plan.status === "queued" || plan.status === "running") {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      plan = await Relais.api("GET", `/api/roster/plans/${encodeURIComponent(plan.id)}`);
      show();
    }
    announce();
  }

  function summary() {
    if (plan.status === "queued" || plan.status === "running") {
      return el("p", { id: "plan-status" }, "Calcul en cours…");
    }
    if (plan.status === "failed") return el("p", { id: "plan-status" }, `Échec du calcul : ${plan.error || ""}`);
    const r = plan.result;
    return el("p", { id: "plan-status" },
      `${plan.proposals.length} semaines proposées ; ${r.covered_after} sur ${r.site_weeks} semaines couvertes `
      + `(${r.covered_before} déjà). ` + (r.optimal ? "Couverture optimale (prouvée)." : "Couverture non prouvée optimale."));
  }

  function proposalRow(p) {
    const box = el("input", { type: "checkbox", id: `take-${p.id}`, value: p.id,
                              checked: p.state === "open", disabled: p.state !== "open" });
    const notes = [p.continuity ? "connaît le site" : null, p.preferred ? "site préféré" : null].filter(Boolean);
    const refusal = p.refusal && p.refusal.message ? ` — ${p.refusal.message}` : "";
    return el("tr", { dataset: { proposal: p.id, state: p.state } },
      el("td", {}, box),
      el("td", {}, el("label", { for: `take-${p.id}` }, `${p.site_name} — semaine ${p.week}`)),
      el("td", {}, p.doctor_name, notes.length ? el("small", {}, ` (${notes.join(", ")})`) : null),
      el("td", {}, STATES[p.state] + refusal));
  }

  async function confirmChosen() {
    const ids = [...document.querySelectorAll("#plan-proposals input:checked")].map((b) => b.value);
    if (!ids.length) { Relais.say("Aucune proposition cochée.", false); return; }
    const answer = await Relais.api("POST", `/api/roster/plans/${encodeURIComponent(plan.id)}/confirm`,
                                    { proposal_ids: ids });
    plan = await Relais.api("GET", `/api/roster/plans/${encodeURIComponent(plan.id)}`);
    show();
    announce();
    document.dispatchEvent(new CustomEvent("relais:rota-changed"));
    Relais.say(`${answer.confirmed} semaine(s) confirmée(s)` + (answer.refused ? `, ${answer.refused} refusée(s).` : "."),
               answer.refused === 0);
  }

  function show() {
    const parts = [summary()];
    if (plan.status === "done") {
      const rows = plan.proposals.map(proposalRow);
      parts.push(el("table", { id: "plan-proposals", "aria-label": "Propositions du planificateur" },
        el("thead", {}, el("tr", {}, el("th", {}, "Prendre"), el("th", {}, "Site et semaine"),
                                     el("th", {}, "Médecin"), el("th", {}, "État"))),
        el("tbody", {}, rows.length ? rows : el("tr", {}, el("td", { colspan: 4 }, "Aucune proposition.")))));
      const confirm = el("button", { type: "button", id: "plan-confirm" }, "Confirmer les propositions cochées");
      confirm.addEventListener("click", () => confirmChosen().catch(Relais.fail));
      if (plan.proposals.some((p) => p.state === "open")) parts.push(confirm);
      if (plan.gaps.length) {
        parts.push(el("h3", {}, "Semaines qui resteront sans médecin"),
          el("ul", { id: "plan-gaps" }, plan.gaps.map((g) =>
            el("li", {}, `${g.site_name} — semaine ${g.week} : ${REASONS[g.reason] || g.reason}`))));
      }
    }
    $("plan-body").replaceChildren(...parts);
  }

  function setup() {
    $("plan-start").addEventListener("click", () => start().catch(Relais.fail));
  }

  return { setup };
})();
