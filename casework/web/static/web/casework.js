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

  document.addEventListener("DOMContentLoaded", function () {
    enableCopyButtons(document);
  });
})();
