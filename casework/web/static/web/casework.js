/* Casework progressive enhancements. Everything here is optional: pages work without it. */
(function () {
  "use strict";

  // "Copy" buttons next to read-only values (the new API token).
  function enableCopyButtons(root) {
    root.querySelectorAll("[data-copy-target]").forEach(function (button) {
      if (!navigator.clipboard) return;
      button.hidden = false;
      button.addEventListener("click", function () {
        var target = document.getElementById(button.getAttribute("data-copy-target"));
        if (!target) return;
        navigator.clipboard.writeText(target.value).then(function () {
          button.textContent = "Copied";
        });
      });
    });
  }

  // Focus for keyboard and screen-reader users (WCAG 2.4.3): after a submit that failed,
  // the error summary; after moving to another page, the main heading, so the header and
  // navigation are not read again. A field the page autofocuses keeps its focus.
  function placeFocus() {
    var active = document.activeElement;
    if (active && active !== document.body) return;
    var target = document.querySelector(".cw-error-summary, .usa-alert--error[role='alert']");
    if (!target && document.referrer) {
      var main = document.getElementById("main-content");
      target = main && main.querySelector("h1");
    }
    if (!target) return;
    if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    target.focus({ preventScroll: !target.classList.contains("cw-error-summary") });
  }

  // A table that scrolls inside its own box on a phone can be scrolled from the keyboard.
  function scrollableTables() {
    document.querySelectorAll("main table.usa-table").forEach(function (table) {
      if (table.scrollWidth > table.clientWidth + 1 && !table.hasAttribute("tabindex")) {
        table.setAttribute("tabindex", "0");
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    enableCopyButtons(document);
    scrollableTables();
    placeFocus();
  });
})();
