/* Plan agreement: a signature_pad canvas shown for "Drawn signature"; its strokes go into
   the hidden field as SVG path data ("M x y L x y ..."), which the print view draws.
   Without JavaScript the typed name (or "not signed" with a reason) still works. */
(function () {
  "use strict";

  function path(pad) {
    var parts = [];
    pad.toData().forEach(function (stroke) {
      stroke.points.forEach(function (p, i) {
        parts.push((i === 0 ? "M" : "L") + Math.round(p.x * 10) / 10 + " " + Math.round(p.y * 10) / 10);
      });
    });
    return parts.join(" ");
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector(".cw-sign-form");
    var box = document.getElementById("signature-pad");
    var canvas = document.getElementById("signature-canvas");
    if (!form || !box || !canvas || typeof SignaturePad === "undefined") return;
    var field = form.querySelector("input[name='signature_image']");
    var pad = new SignaturePad(canvas, { penColor: "#1b1b1b", minWidth: 1.5, maxWidth: 3 });
    pad.addEventListener("endStroke", function () { field.value = path(pad); });
    document.getElementById("signature-clear").addEventListener("click", function () {
      pad.clear();
      field.value = "";
    });
    function show() {
      var chosen = form.querySelector("input[name='method']:checked");
      box.hidden = !chosen || chosen.value !== "drawn";
    }
    form.addEventListener("change", show);
    show();
  });
})();
