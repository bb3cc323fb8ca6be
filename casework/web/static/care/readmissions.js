// 30-day readmission chart: data from the json_script block; the table carries the same data.
(function () {
  "use strict";
  var source = document.getElementById("readmission-chart-data");
  var canvas = document.getElementById("readmission-chart");
  if (!source || !canvas || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [
        { label: "Readmitted within 30 days (%)", data: data.rates, backgroundColor: "#8b1303", yAxisID: "rate" },
        { label: "Counted discharges", data: data.counted, backgroundColor: "#2e6276", yAxisID: "count" }
      ]
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      scales: {
        rate: { type: "linear", position: "left", min: 0, max: 100, title: { display: true, text: "%" } },
        count: { type: "linear", position: "right", min: 0, grid: { drawOnChartArea: false }, title: { display: true, text: "discharges" }, ticks: { precision: 0 } }
      }
    }
  });
})();
