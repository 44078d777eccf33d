// Every page: read out the flash messages. A live region filled before it exists is not announced,
// so the page carries empty regions and this copies each message into one after load.
(function () {
  "use strict";
  var messages = document.querySelectorAll("[data-announce]");
  if (!messages.length) { return; }
  window.setTimeout(function () {
    messages.forEach(function (message) {
      var region = document.getElementById("announce-" + message.getAttribute("data-announce"));
      if (region) { region.textContent += (region.textContent ? " " : "") + message.textContent.trim(); }
    });
    // Emptied again later, so that reading the page does not meet each message twice.
    window.setTimeout(function () {
      ["announce-status", "announce-alert"].forEach(function (id) {
        var region = document.getElementById(id);
        if (region) { region.textContent = ""; }
      });
    }, 8000);
  }, 250);
})();

// The header menu: open on wide screens (its button hidden), folded behind "Menu" on narrow ones.
(function () {
  "use strict";
  var menu = document.querySelector("details.header-menu");
  if (!menu || !window.matchMedia) { return; }
  document.documentElement.classList.add("js");
  var narrow = window.matchMedia("(max-width: 56rem)");
  var fit = function () { menu.open = !narrow.matches; };
  fit();
  if (narrow.addEventListener) { narrow.addEventListener("change", fit); }
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && narrow.matches && menu.open) {
      menu.open = false;
      menu.querySelector("summary").focus();
    }
  });
})();
