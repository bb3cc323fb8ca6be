// Bar charts drawn from a json_script block, for any page: put the data in
// {{ chart|json_script:"some-id" }} and draw it on <canvas data-bar-chart="some-id">.
// The data: {labels: [...], datasets: [{label, data, color, axis}], axes: {id: {position, min,
// max, title, grid, precision}}} (no axes: one axis from zero). Each chart's page carries a table with the
// same figures: the chart is a picture of the table, not the only copy.
(function () {
  "use strict";
  if (typeof Chart === "undefined") { return; }
  function scales(axes) {
    var found = {};
    Object.keys(axes).forEach(function (id) {
      var axis = axes[id];
      found[id] = {
        type: "linear",
        position: axis.position || "left",
        beginAtZero: true,
        min: axis.min,
        max: axis.max,
        grid: { drawOnChartArea: axis.grid !== false },
        title: { display: Boolean(axis.title), text: axis.title || "" },
        ticks: axis.precision === undefined ? {} : { precision: axis.precision }
      };
    });
    return found;
  }
  function draw(canvas) {
    var source = document.getElementById(canvas.getAttribute("data-bar-chart"));
    if (!source) { return; }
    var spec = JSON.parse(source.textContent);
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (d) {
          var set = { label: d.label, data: d.data, backgroundColor: d.color };
          if (d.axis) { set.yAxisID = d.axis; }
          return set;
        })
      },
      options: { responsive: true, maintainAspectRatio: false, scales: scales(spec.axes || { y: {} }) }
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll("canvas[data-bar-chart]"), draw);
})();
