// A week, Monday to Saturday (the days the centres open), shown as accessible tabs.
// Dates are the browser's local days; ISO weeks as the roster writes them (2026-W23).
"use strict";

const Week = {
  DAY: 86400000,

  // the Monday of the week holding `date`, at noon (clear of daylight-saving changes)
  mondayOf(date) {
    const monday = new Date(date.getFullYear(), date.getMonth(), date.getDate(), 12);
    monday.setDate(monday.getDate() - ((monday.getDay() + 6) % 7));
    return monday;
  },
  addDays(date, n) {
    const out = new Date(date); out.setDate(out.getDate() + n); return out;
  },
  isoDay(date) {
    const pad = (n) => String(n).padStart(2, "0");
    return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  },
  isoWeek(monday) {
    const thursday = Week.addDays(monday, 3), year = thursday.getFullYear();
    const firstMonday = Week.mondayOf(new Date(year, 0, 4, 12));
    const number = 1 + Math.round((monday - firstMonday) / (7 * Week.DAY));
    return `${year}-W${String(number).padStart(2, "0")}`;
  },
  label(date, options) {
    return date.toLocaleDateString("fr-FR", options || { weekday: "long", day: "numeric", month: "long" });
  },

  // tabs[i] = {label, detail, panel (a node)}; arrow keys, Home and End move between days
  tabs(tablist, panels, days, selected) {
    const buttons = days.map((day, i) => Relais.el("button",
      { type: "button", role: "tab", id: `day-tab-${i}`, "aria-controls": `day-panel-${i}`,
        class: "tab" },
      Relais.el("span", { class: "tab-day" }, day.label), " ",
      Relais.el("span", { class: "tab-detail" }, day.detail)));
    const sections = days.map((day, i) => Relais.el("div",
      { role: "tabpanel", id: `day-panel-${i}`, "aria-labelledby": `day-tab-${i}`, tabindex: 0 }, day.panel));
    const choose = (index, focus) => {
      buttons.forEach((b, i) => {
        b.setAttribute("aria-selected", String(i === index));
        b.tabIndex = i === index ? 0 : -1;
        sections[i].hidden = i !== index;
      });
      if (focus) buttons[index].focus();
    };
    buttons.forEach((button, i) => {
      button.addEventListener("click", () => choose(i, false));
      button.addEventListener("keydown", (e) => {
        const moves = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: buttons.length - 1 };
        if (!(e.key in moves)) return;
        e.preventDefault();
        choose((moves[e.key] + buttons.length) % buttons.length, true);
      });
    });
    tablist.replaceChildren(...buttons);
    panels.replaceChildren(...sections);
    choose(selected, false);
  },
};
