// Back from the identity provider (gateway/auth/oidc.py): keep the checked token in this
// tab's session storage, then go on to the staff page; the token is never in an address.
"use strict";

(() => {
  const done = document.getElementById("oidc-done");
  const who = JSON.parse(done.dataset.who);
  sessionStorage.setItem("relais.token", done.dataset.token);
  sessionStorage.setItem("relais.who", JSON.stringify({ access_token: done.dataset.token, ...who }));
  location.replace(done.dataset.next);
})();
