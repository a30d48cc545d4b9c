// Live sync status on Settings › Integrations: while a sync is queued or running, ask the server
// for the status fragment every second and swap it in. Without JavaScript a refresh shows the
// same state. Served from /static/live.js (the CSP allows no inline script).
(function () {
  "use strict";
  var MAX_POLLS = 900;

  function poll(el, count) {
    if (el.getAttribute("data-running") !== "true" || count >= MAX_POLLS) {
      return;
    }
    window.setTimeout(function () {
      fetch(el.getAttribute("data-live-url"), {
        credentials: "same-origin",
        headers: { Accept: "text/html" },
        redirect: "error"
      })
        .then(function (res) {
          if (!res.ok) {
            throw new Error("status " + res.status);
          }
          return res.text();
        })
        .then(function (html) {
          var tpl = document.createElement("template");
          tpl.innerHTML = html.trim();
          var next = tpl.content.querySelector("[data-live-url]");
          if (!next) {
            return;
          }
          el.replaceWith(next);
          poll(next, count + 1);
        })
        .catch(function () {
          poll(el, count + 5);
        });
    }, 1000);
  }

  document.querySelectorAll("[data-live-url]").forEach(function (el) {
    poll(el, 0);
  });
})();
