// The dashboard's equity curve, drawn from a json_script block. The live parts of the
// page (balances, margin, positions, fills, notifications) are htmx partials that poll
// only while the tab is visible; this script draws the chart once per page load.
(function () {
  "use strict";

  function draw(container) {
    var source = document.getElementById(container.getAttribute("data-equity-chart"));
    if (!source || typeof LightweightCharts === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var chart = LightweightCharts.createChart(container, {
      autoSize: true,
      layout: { textColor: "#526075", attributionLogo: true },
      grid: { vertLines: { color: "#eef1f5" }, horzLines: { color: "#eef1f5" } },
      timeScale: { timeVisible: data.range !== "all", secondsVisible: false },
    });
    var line = chart.addSeries(LightweightCharts.AreaSeries, {
      lineColor: "#1d4ed8",
      topColor: "rgba(29, 78, 216, 0.25)",
      bottomColor: "rgba(29, 78, 216, 0.02)",
      lineWidth: 2,
      priceFormat: { type: "price", precision: 2, minMove: 0.01 },
    });
    line.setData(
      data.points.map(function (point) {
        return { time: point.time, value: Number(point.value) };
      })
    );
    chart.timeScale().fitContent();
    container.setAttribute("data-drawn", "true");
  }

  function start() {
    document.querySelectorAll("[data-equity-chart]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
