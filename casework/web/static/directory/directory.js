// Resource list: print, and copy as plain text (no inline scripts: the CSP forbids them).
(function () {
  "use strict";
  document.querySelectorAll("[data-cw-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  document.querySelectorAll("[data-cw-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var source = document.getElementById(button.getAttribute("data-cw-copy"));
      var status = document.getElementById("copy-status");
      if (!source || !navigator.clipboard) { return; }
      navigator.clipboard.writeText(source.innerText.trim()).then(function () {
        if (status) { status.textContent = "Copied."; }
      });
    });
  });
})();
