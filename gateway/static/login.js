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
  const logout = document.getElementById("logout");
  logout.addEventListener("click", () => {
    Relais.logout();
    const provider = logout.dataset.providerLogout;
    if (!provider) { location.reload(); return; }
    // a shared computer: end the session at the identity provider too, then come back here
    const back = new URLSearchParams({ client_id: logout.dataset.clientId,
                                       post_logout_redirect_uri: location.origin + location.pathname });
    location.assign(provider + (provider.includes("?") ? "&" : "?") + back);
  });
  if (Relais.who()) ready(Relais.who());
}
