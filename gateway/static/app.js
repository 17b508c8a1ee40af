// Relais pages: small helpers around the API (the same API every client uses).
//
// Data reaches the page only as text: the pages build their DOM with Relais.el
// (strings become text nodes) and never assign HTML strings.  The gateway's
// Content-Security-Policy enforces it (Trusted Types: an HTML string in a DOM
// sink throws), so a patient's name can never become markup or code.
"use strict";

const Relais = {
  // an element: attributes (class, dataset, on<event>, others as attributes), then children
  el(tag, attrs, ...children) {
    return Relais._build(document.createElement(tag), attrs, children);
  },
  svg(tag, attrs, ...children) {
    return Relais._build(document.createElementNS("http://www.w3.org/2000/svg", tag), attrs, children);
  },
  _build(node, attrs, children) {
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.setAttribute("class", value);
      else if (key === "dataset") Object.assign(node.dataset, value);
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    node.append(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false)
      .map((c) => (c instanceof Node ? c : String(c))));
    return node;
  },
  // replace a container's content; `empty` (text) when there is nothing to show
  show(container, nodes, empty) {
    container.replaceChildren(...(nodes.length || !empty ? nodes
      : [Relais.el("tr", {}, Relais.el("td", {}, empty))]));
  },
  // a <select>'s options from [value, label] pairs
  options(select, pairs) {
    select.replaceChildren(...pairs.map(([value, label]) => Relais.el("option", { value }, label)));
  },

  token() { return sessionStorage.getItem("relais.token"); },
  who() { return JSON.parse(sessionStorage.getItem("relais.who") || "null"); },

  async api(method, path, body, extraHeaders) {
    const headers = { "Accept": "application/json", ...(extraHeaders || {}) };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (Relais.token()) headers["Authorization"] = "Bearer " + Relais.token();
    const response = await fetch(path, { method, headers,
      body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch (e) { data = { message: text }; }
    if (!response.ok) {
      const error = new Error((data && data.message) || response.statusText);
      error.status = response.status; error.body = data; throw error;
    }
    return data;
  },

  say(text, ok) {
    const box = document.getElementById("message");
    box.textContent = text; box.className = ok ? "ok" : "";
  },

  // French for the refusals a person can meet on these pages (by the API's code)
  messages: {
    possible_duplicate: "Une identité validée a exactement ces traits : rattachez cette identité à elle, ou cochez « c'est une autre personne ».",
    identity_merged: "Cette identité a été rattachée à une autre : travaillez sur celle-ci.",
    not_provisional: "Seule une identité provisoire se rattache à une autre.",
    target_not_validated: "Rattachez à une identité validée (validez-la d'abord sur pièce d'identité).",
    same_identity: "Une identité ne se rattache pas à elle-même.",
    not_merged: "Cette identité n'est rattachée à aucune autre.",
    identity_changed: "L'identité vient d'être modifiée par quelqu'un d'autre : rechargez-la.",
    not_your_patient: "Ce patient n'est pas suivi sur vos lieux.",
    not_at_the_desk: "L'identité se valide à l'accueil : notez d'abord l'arrivée du patient (bouton « Arrivé(e) »), puis vérifiez sa pièce d'identité.",
    patient_id_for_staff: "Seul le personnel prend rendez-vous pour un patient déjà connu.",
    code_invalid: "Ce code n'est pas valable (erroné, expiré ou déjà utilisé).",
    sign_in_locked: "Trop de codes erronés : réessayez dans 15 minutes avec un nouveau code.",
    too_many_codes: "Trop de codes demandés : patientez avant d'en redemander un.",
    sms_unavailable: "L'envoi de codes par SMS n'est pas encore possible : indiquez votre adresse électronique.",
    email_unavailable: "L'envoi de codes par courriel n'est pas configuré sur ce serveur.",
    email_not_sent: "Le courriel n'a pas pu partir : réessayez dans un instant.",
    choose_patient: "Cette adresse sert à plusieurs personnes : choisissez laquelle.",
  },

  // the fields a person fills in, by their name in the API (nested ones by their last part)
  fieldLabels: {
    birth_name: "nom de naissance", used_name: "nom d'usage", first_given_name: "premier prénom",
    given_names: "prénoms", used_given_name: "prénom d'usage", birth_date: "date de naissance",
    sex: "sexe", birth_place: "lieu de naissance", phone: "téléphone", email: "courriel",
  },

  // field errors, however nested (``{"patient": {"birth_name": [...]}}``), as "field : reason"
  fieldErrors(errors, into = []) {
    for (const [key, value] of Object.entries(errors || {})) {
      if (Array.isArray(value)) into.push((Relais.fieldLabels[key] || key) + " : " + value.join(", "));
      else if (value && typeof value === "object") Relais.fieldErrors(value, into);
    }
    return into;
  },

  fail(error) {
    const known = error.body && Relais.messages[error.body.code];
    if (known) { Relais.say(known, false); return; }
    const fields = error.body && error.body.errors && Relais.fieldErrors(error.body.errors.json);
    Relais.say(fields && fields.length ? "Vérifiez : " + fields.join(" ; ") : error.message, false);
  },

  async login(form) {
    const data = await Relais.api("POST", "/auth/login", {
      username: form.username.value, password: form.password.value });
    sessionStorage.setItem("relais.token", data.access_token);
    sessionStorage.setItem("relais.who", JSON.stringify(data));
    return data;
  },

  logout() { sessionStorage.removeItem("relais.token"); sessionStorage.removeItem("relais.who"); },

  dayLabel(iso) {
    return new Date(iso).toLocaleDateString("fr-FR", { weekday: "long", day: "numeric", month: "long",
                                                       timeZone: "Europe/Paris" });
  },
  time(iso) {
    return new Date(iso).toLocaleTimeString("fr-FR", { hour: "2-digit", minute: "2-digit",
                                                       timeZone: "Europe/Paris" });
  },

  // free slots grouped by day, each a button calling pick(slot)
  renderSlots(container, slots, pick) {
    container.replaceChildren();
    let day = null, row = null;
    for (const slot of slots) {
      if (slot.day !== day) {
        day = slot.day;
        const title = document.createElement("p");
        title.className = "day"; title.textContent = Relais.dayLabel(slot.start);
        row = document.createElement("div"); row.className = "slots";
        container.append(title, row);
      }
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = Relais.time(slot.start);
      button.setAttribute("aria-label", Relais.dayLabel(slot.start) + " à " + Relais.time(slot.start)
        + (slot.doctor_name ? ", " + slot.doctor_name : ""));
      button.dataset.slot = slot.id;
      button.addEventListener("click", () => pick(slot));
      row.append(button);
    }
  },

  // an appointment's or a waiting-list entry's status, in French
  status(code) {
    const labels = { booked: "confirmé", cancelled: "annulé", checked_in: "arrivé", completed: "terminé",
                     no_show: "absent", waiting: "en attente", offered: "créneau proposé", accepted: "accepté",
                     expired: "expiré" };
    return labels[code] || code;
  },

  newKey() { return "web-" + crypto.randomUUID(); },

  // places: centres, and each stop of a mobile unit
  async places() {
    const sites = await Relais.api("GET", "/api/roster/sites");
    const days = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"];
    const out = [];
    for (const site of sites) {
      if (site.kind === "mobile") {
        for (const stop of site.stops) out.push({ site: site.id, stop: stop.stop_id,
          label: site.name + " — " + stop.commune + " (" + days[stop.weekday] + ")" });
      } else out.push({ site: site.id, stop: null, label: site.name + " — " + site.commune });
    }
    return out;
  },
};

// communes of the territory, for "near me" searches
const COMMUNES = {
  "Ajain": [1.9983, 46.2071], "Guéret": [1.8717, 46.1714], "Glénic": [1.9245, 46.224],
  "Jarnages": [2.0844, 46.1839], "Bessines-sur-Gartempe": [1.3706, 46.1087],
  "Châteauponsac": [1.275, 46.1356], "Laurière": [1.4736, 46.0764],
  "Saint-Sulpice-Laurière": [1.4731, 46.0453], "Ambazac": [1.3997, 45.9597],
  "Limoges": [1.2611, 45.8336], "La Souterraine": [1.4873, 46.2376],
};

// -- identities (identity vigilance): the same words and the same birth-place picker
//    on every page that declares or shows a person
Object.assign(Relais, {
  identityStatus(code) {
    return { provisional: "identité provisoire", validated: "identité validée" }[code] || "identité inconnue";
  },
  sexLabel(code) { return { f: "féminin", m: "masculin", i: "indéterminé" }[code] || "non renseigné"; },

  // how staff call a person: used names first, the birth name beside when it differs
  personName(p) {
    const given = p.used_given_name || p.first_given_name || "";
    const family = p.used_name || p.birth_name || "";
    const shown = (given + " " + family).trim();
    return p.used_name && p.birth_name && p.used_name !== p.birth_name
      ? `${shown} (naissance : ${p.birth_name})` : shown;
  },

  // French dates: « 2 mai 1938 »
  longDate(iso) {
    if (!iso) return "";
    const [y, m, d] = iso.slice(0, 10).split("-").map(Number);
    return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString("fr-FR",
      { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" }).replace(/^1 /, "1er ");
  },

  // the birth-place fields of a form, ids prefixed: <p>born-fr / <p>born-abroad (radios),
  // <p>commune-q (search), <p>commune (select of the communes found), <p>country (code)
  birthPlacePicker(p) {
    const $ = (id) => document.getElementById(p + id);
    let timer = null, asked = 0;
    const show = () => {
      const abroad = $("born-abroad").checked;
      $("france").classList.toggle("hidden", abroad); $("abroad").classList.toggle("hidden", !abroad);
    };
    $("born-fr").addEventListener("change", show); $("born-abroad").addEventListener("change", show);
    $("commune-q").addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const q = $("commune-q").value.trim(), mine = ++asked;
        if (q.length < 2) { Relais.options($("commune"), [["", "Tapez au moins 2 lettres"]]); return; }
        try {
          const found = await Relais.api("GET", "/api/booking/birth-places?" + new URLSearchParams({ q }));
          if (mine !== asked) return;
          Relais.options($("commune"), found.length
            ? found.map((c) => [c.code, `${c.name} (${c.departement})` + (c.kind === "commune" ? "" : ` — ${c.kind}`)])
            : [["", "Aucune commune de ce nom"]]);
        } catch (e) { Relais.fail(e); }
      }, 250);
    });
    show();
    return {
      code() {
        if ($("born-abroad").checked) return $("country").value.trim() || "99999";
        return $("commune").value;
      },
      reset() { $("commune-q").value = ""; Relais.options($("commune"), [["", "Tapez le nom de la commune"]]); },
    };
  },

  // the strict traits from a form's fields (ids prefixed), as the API takes them
  traitsFrom(p, picker) {
    const v = (id) => { const e = document.getElementById(p + id); return e ? e.value.trim() : ""; };
    const first = v("first_given_name");
    const others = v("other_given_names").split(/[,;]+/).map((s) => s.trim()).filter(Boolean);
    const traits = { birth_name: v("birth_name"), first_given_name: first, birth_date: v("birth_date"),
                     sex: v("sex"), birth_place: picker.code() };
    if (others.length) traits.given_names = [first, ...others];
    if (v("used_name")) traits.used_name = v("used_name");
    if (v("used_given_name")) traits.used_given_name = v("used_given_name");
    return traits;
  },
});
