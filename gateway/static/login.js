// The staff login box (templates/_login.html): shows the page once a token is held.
"use strict";

function setupLogin(onReady) {
  const form = document.getElementById("login"), who = document.getElementById("whoami");
  const ready = (data) => {
    form.classList.add("hidden"); who.classList.remove("hidden");
    who.querySelector("span").textContent = "Connecté : " + data.name + " (" + data.role + ")";
    Promise.resolve(onReady(data)).catch(Relais.fail);
  };
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    try { ready(await Relais.login(form)); Relais.say(""); } catch (err) { Relais.fail(err); }
  });
  document.getElementById("logout").addEventListener("click", () => { Relais.logout(); location.reload(); });
  if (Relais.who()) ready(Relais.who());
}
