/* Consent form: a signature pad (canvas -> SVG path in a hidden field), the signing method
   panels, and the 42 CFR Part 2 notice shown only when substance use is ticked.
   Without JavaScript the form still works: typed signature or an uploaded signed form. */
(function () {
  "use strict";

  function round(n) {
    return Math.round(n * 10) / 10;
  }

  function setUpPad(form) {
    var pad = document.getElementById("signature-pad");
    var canvas = document.getElementById("signature-canvas");
    var field = form.querySelector("input[name='signature_image']");
    if (!pad || !canvas || !field || !canvas.getContext) return null;
    var ctx = canvas.getContext("2d");
    ctx.lineWidth = 3;
    ctx.lineCap = "round";
    ctx.strokeStyle = "#1b1b1b";
    var path = field.value ? [field.value] : [];
    var drawing = false;

    function point(event) {
      var box = canvas.getBoundingClientRect();
      var x = ((event.clientX - box.left) * canvas.width) / box.width;
      var y = ((event.clientY - box.top) * canvas.height) / box.height;
      return { x: round(x), y: round(y) };
    }
    function start(event) {
      event.preventDefault();
      drawing = true;
      var p = point(event);
      ctx.beginPath();
      ctx.moveTo(p.x, p.y);
      path.push("M" + p.x + " " + p.y);
    }
    function move(event) {
      if (!drawing) return;
      event.preventDefault();
      var p = point(event);
      ctx.lineTo(p.x, p.y);
      ctx.stroke();
      path.push("L" + p.x + " " + p.y);
    }
    function stop() {
      if (!drawing) return;
      drawing = false;
      field.value = path.join(" ");
    }
    canvas.addEventListener("pointerdown", start);
    canvas.addEventListener("pointermove", move);
    window.addEventListener("pointerup", stop);
    canvas.addEventListener("pointerleave", stop);
    document.getElementById("signature-clear").addEventListener("click", function () {
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      path = [];
      field.value = "";
    });
    return pad;
  }

  function method(form) {
    var checked = form.querySelector("input[name='signature_method']:checked");
    return checked ? checked.value : "typed";
  }

  function showFor(form, pad) {
    var upload = form.querySelector("input[name='signed_form']");
    var group = upload ? upload.closest(".usa-form-group") : null;
    var chosen = method(form);
    if (pad) pad.hidden = chosen !== "drawn";
    if (group) group.hidden = chosen !== "uploaded";
  }

  function part2(form) {
    var notice = document.getElementById("part2-notice");
    var box = form.querySelector("input[name='categories'][value='substance_use']");
    if (!notice || !box) return;
    notice.hidden = !box.checked;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector(".cw-consent-form");
    if (!form) return;
    var pad = setUpPad(form);
    showFor(form, pad);
    part2(form);
    form.addEventListener("change", function () {
      showFor(form, pad);
      part2(form);
    });
  });
})();
