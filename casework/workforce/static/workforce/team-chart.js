/* The team chart: skill by level as stacked bars. The table on the page holds the same data,
   so the page is complete without scripts. Data comes from the json_script block. */
(function () {
  "use strict";
  var canvas = document.getElementById("team-chart");
  var source = document.getElementById("team-chart-data");
  if (!canvas || !source || typeof window.Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var colours = ["#dfe1e2", "#73b3e7", "#005ea2", "#162e51"];
  data.datasets.forEach(function (set, index) { set.backgroundColor = colours[index % 4]; });
  new window.Chart(canvas, {
    type: "bar",
    data: data,
    options: {
      indexAxis: "y",
      responsive: true,
      maintainAspectRatio: false,
      scales: { x: { stacked: true, ticks: { precision: 0 } }, y: { stacked: true } },
      plugins: { legend: { position: "bottom" } }
    }
  });
})();
