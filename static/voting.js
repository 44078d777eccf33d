// Keeps the chair's turnout up to date without reloading; prints a result on request.
(function () {
  "use strict";
  var screen = document.querySelector("[data-turnout-url]");
  if (screen) {
    var url = screen.getAttribute("data-turnout-url");
    var text = document.getElementById("turnout-text");
    var bar = document.getElementById("turnout-bar");
    var refresh = function () {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (!data) { return; }
          if (data.state === "closed") { window.location.reload(); return; }
          if (text && text.textContent !== data.text) { text.textContent = data.text; }
          if (bar) { bar.max = data.eligible_count; bar.value = data.cast_count; }
          var voted = {};
          data.cities.forEach(function (city) { if (city.voted) { voted[String(city.city_id)] = true; } });
          document.querySelectorAll("#turnout-cities li").forEach(function (li) {
            var has = voted[li.getAttribute("data-city-id")] === true;
            li.className = has ? "has-voted" : "not-voted";
            var status = li.querySelector(".status-text");
            if (status) { status.textContent = screen.getAttribute(has ? "data-voted" : "data-not-voted"); }
          });
        })
        .catch(function () {});
    };
    if (text) { window.setInterval(refresh, 1000); }
  }
  // A button, shown only when this script runs: without it the browser's own print command remains.
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
  // A second click on a vote or confirm button while the first is on its way sends nothing more.
  document.querySelectorAll("form.confirm-form, form.choices").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.getAttribute("data-sent")) { event.preventDefault(); return; }
      form.setAttribute("data-sent", "1");
    });
  });
})();
