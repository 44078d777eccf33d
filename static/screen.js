// The big screen follows the meeting without a reload: it asks the server what to show every two seconds.
// Turnout is announced politely, the outcome of a vote assertively (aria-live regions outside the redrawn part).
(function () {
  "use strict";
  var root = document.getElementById("screen");
  if (!root) { return; }
  var url = root.getAttribute("data-state-url");
  var key = root.getAttribute("data-key");
  var stage = document.getElementById("screen-stage");
  var polite = document.getElementById("screen-polite");
  var assertive = document.getElementById("screen-assertive");
  var offline = document.getElementById("screen-offline");
  var said = polite ? polite.textContent : "";

  function setText(id, text) {
    var element = document.getElementById(id);
    if (element && element.textContent !== text) { element.textContent = text; }
  }

  function say(text) {
    if (polite && text && text !== said) { polite.textContent = text; said = text; }
  }

  function updateTurnout(data) {
    setText("screen-cast", String(data.cast));
    setText("screen-turnout-text", data.turnout_text);
    setText("screen-quorum", data.quorum_text);
    var quorum = document.getElementById("screen-quorum");
    if (quorum) { quorum.className = "figure figure-quorum " + (data.quorum_reached ? "reached" : "not-reached"); }
    var bar = document.getElementById("screen-progress");
    if (bar) { bar.max = data.eligible; bar.value = data.cast; }
    var voted = {};
    data.voted.forEach(function (id) { voted[String(id)] = true; });
    document.querySelectorAll(".screen-open .tile[data-city-id]").forEach(function (tile) {
      var has = voted[tile.getAttribute("data-city-id")] === true;
      tile.className = "tile " + (has ? "voted" : "waiting");
      var mark = tile.querySelector(".tile-mark");
      if (mark) { mark.textContent = has ? "\u2713" : "\u00b7"; }
      var status = tile.querySelector(".tile-status");
      if (status) { status.textContent = status.getAttribute(has ? "data-voted" : "data-waiting"); }
    });
  }

  function refresh() {
    fetch(url + "?key=" + encodeURIComponent(key), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (data) {
        if (offline) { offline.hidden = true; }
        if (data.key !== key && typeof data.stage === "string") {
          stage.innerHTML = data.stage;
          key = data.key;
          root.setAttribute("data-key", key);
          if (data.state === "closed" && assertive) { assertive.textContent = data.outcome_text; }
        } else if (data.state === "open") {
          updateTurnout(data);
        }
        if (data.presence_text) { setText("screen-presence", data.presence_text); }
        say(data.announcement);
      })
      .catch(function () { if (offline) { offline.hidden = false; } });
  }

  window.setInterval(refresh, 2000);
})();
