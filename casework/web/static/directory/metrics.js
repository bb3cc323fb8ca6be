// Referral outcome chart: data from the json_script block; the table carries the same data.
(function () {
  "use strict";
  var source = document.getElementById("referral-chart-data");
  var canvas = document.getElementById("referral-chart");
  if (!source || !canvas || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [
        { label: "Completion rate (%)", data: data.completion, backgroundColor: "#19681b", yAxisID: "rate" },
        { label: "Median hours to accept", data: data.accept, backgroundColor: "#2e6276", yAxisID: "hours" },
        { label: "Median hours to complete", data: data.complete, backgroundColor: "#6f4e1e", yAxisID: "hours" }
      ]
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      scales: {
        rate: { type: "linear", position: "left", min: 0, max: 100, title: { display: true, text: "%" } },
        hours: { type: "linear", position: "right", min: 0, grid: { drawOnChartArea: false }, title: { display: true, text: "hours" } }
      }
    }
  });
})();
