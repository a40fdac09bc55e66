// Live updates for the carer page: on any alert change, re-fetch the page and swap
// the live region in place, keeping keyboard focus where it was when possible.
(function () {
  "use strict";
  var status = document.getElementById("live-status");
  var source = new EventSource("/carer/events");
  function refresh() {
    fetch(window.location.pathname, { credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("live");
        var focused = document.activeElement && document.activeElement.id;
        if (fresh) { document.getElementById("live").replaceWith(fresh); }
        if (focused && document.getElementById(focused)) { document.getElementById(focused).focus(); }
        status = document.getElementById("live-status");
        status.textContent = "Live updates: on";
      });
  }
  source.addEventListener("ready", function () { status.textContent = "Live updates: on"; });
  source.addEventListener("alert", refresh);
  source.onerror = function () { status.textContent = "Live updates: reconnecting…"; };
})();
