// Load per worker on the team caseloads page; the data comes from the page's json_script.
(function () {
  "use strict";
  var source = document.getElementById("load-data");
  var canvas = document.getElementById("load-chart");
  if (!source || !canvas || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [
        { label: "Weighted load", data: data.weighted, backgroundColor: "#005ea2" },
        { label: "Clients", data: data.clients, backgroundColor: "#97d4ea" },
        { label: "Overdue tasks", data: data.overdue, backgroundColor: "#d54309" }
      ]
    },
    options: { responsive: true, maintainAspectRatio: false, scales: { y: { beginAtZero: true } } }
  });
})();
