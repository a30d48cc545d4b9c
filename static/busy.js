// Buttons that start work: a form marked `data-busy` disables its submit button once sent (so a
// double click sends one request) and shows its `.working` line ("Checking the credentials…").
// Without JavaScript the forms work the same, only without the signs of progress; the server
// also ignores a second "Sync now". Served from /static/busy.js (the CSP allows no inline script).
(function () {
  "use strict";

  function reset(form) {
    form.classList.remove("is-busy");
    form.removeAttribute("aria-busy");
    form.querySelectorAll("button[type=submit]").forEach(function (b) {
      b.disabled = false;
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-busy")) {
      return;
    }
    if (form.classList.contains("is-busy")) {
      event.preventDefault();
      return;
    }
    form.classList.add("is-busy");
    form.setAttribute("aria-busy", "true");
    // Disabled after this event, so the submission itself still goes out.
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit]").forEach(function (b) {
        b.disabled = true;
      });
    }, 0);
  });

  // Back to a page kept in the browser's cache: its forms can be used again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      document.querySelectorAll("form[data-busy]").forEach(reset);
    }
  });
})();
