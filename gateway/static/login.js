// The staff login box (templates/_login.html): shows the page once a token is held,
// from the built-in login form or back from the identity provider (OIDC).
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
  const back = Relais.fromIdentityProvider();
  if (back || Relais.who()) ready(back || Relais.who());
}
