/* Assessment trends: one Chart.js line chart per instrument, with the band thresholds drawn
   as dashed lines. The data comes from a json_script block; the same figures are in the
   table under each chart, which is the accessible alternative. */
(function () {
  "use strict";
  var COLORS = ["#8a6d00", "#c05600", "#b50909", "#6f3331"];

  function draw(canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source || typeof Chart === "undefined") return;
    var data = JSON.parse(source.textContent);
    var datasets = [
      {
        label: "Total",
        data: data.values,
        borderColor: "#005ea2",
        backgroundColor: "#005ea2",
        pointRadius: 5,
        tension: 0,
      },
    ];
    data.bands.forEach(function (band, i) {
      datasets.push({
        label: band.label + " from " + band.min,
        data: data.labels.map(function () { return band.min; }),
        borderColor: COLORS[i % COLORS.length],
        borderDash: [6, 4],
        borderWidth: 1,
        pointRadius: 0,
        fill: false,
      });
    });
    var y = { beginAtZero: true, ticks: { precision: 0 } };
    if (data.max) y.suggestedMax = data.max;
    new Chart(canvas, {
      type: "line",
      data: { labels: data.labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: { y: y },
        plugins: { legend: { position: "bottom" } },
      },
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("canvas.cw-trend-chart").forEach(draw);
  });
})();
