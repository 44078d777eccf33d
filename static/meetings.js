// Registration form: sessions only make sense when attending; grey them out otherwise.
(function () {
  "use strict";
  var form = document.getElementById("registration-form");
  if (!form) { return; }
  var sessions = document.getElementById("items");
  function update() {
    var no = form.querySelector('input[name="attending"][value="no"]');
    var off = no && no.checked;
    if (!sessions) { return; }
    sessions.classList.toggle("disabled", off);
    sessions.querySelectorAll('input[type="checkbox"]').forEach(function (box) { box.disabled = off; });
    var note = document.getElementById("items-off");
    if (note) { note.hidden = !off; }
  }
  form.querySelectorAll('input[name="attending"]').forEach(function (radio) {
    radio.addEventListener("change", update);
  });
  form.addEventListener("submit", function () {
    // Disabled boxes are not sent, which is what "not attending" means anyway.
    update();
  });
  update();
})();
