// Presence at one tap: the forms work without JavaScript; with it, a tap updates the page in place.
(function () {
  "use strict";
  var count = document.getElementById("presence-count");
  var summary = document.getElementById("presence-summary");
  document.querySelectorAll("form.presence-toggle").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (form.getAttribute("data-busy")) { return; }
      form.setAttribute("data-busy", "1");
      var button = form.querySelector("button");
      var field = form.querySelector("input[name=present]");
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { Accept: "application/json" }
      })
        .then(function (r) { return r.json().then(function (data) { return { ok: r.ok, data: data }; }); })
        .then(function (answer) {
          var data = answer.data;
          if (!answer.ok) {
            if (count) { count.textContent = data.error ? data.error.message : ""; }
            return;
          }
          button.setAttribute("aria-pressed", data.present ? "true" : "false");
          button.classList.toggle("is-present", data.present);
          button.querySelector(".presence-status").textContent = data.status_text;
          field.value = data.present ? "0" : "1";
          if (count) { count.innerHTML = ""; var strong = document.createElement("strong"); strong.textContent = data.count_text; count.appendChild(strong); }
          if (summary) {
            summary.classList.toggle("quorum-yes", data.quorum_present);
            summary.classList.toggle("quorum-no", !data.quorum_present);
          }
        })
        .catch(function () { form.submit(); })
        .then(function () { form.removeAttribute("data-busy"); });
    });
  });
  // The receipt is announced once, into a live region that was empty when the page loaded.
  var live = document.getElementById("receipt-announcement");
  if (live && live.getAttribute("data-text")) {
    window.setTimeout(function () { live.textContent = live.getAttribute("data-text"); }, 250);
  }
})();
