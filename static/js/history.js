// The position page's chart: candles of the mark price, the user's fills as arrows,
// and the entry and liquidation prices as lines. Data comes from a json_script block.
(function () {
  "use strict";

  var COLORS = {
    long: "#0b7a45",
    short: "#be1e2d",
    entry: "#1d4ed8",
    liquidation: "#be1e2d",
    text: "#526075",
    grid: "#eef1f5",
  };

  function draw(container) {
    var source = document.getElementById(container.getAttribute("data-chart"));
    if (!source || typeof LightweightCharts === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    if (!data.candles.length) {
      container.textContent = "No candles were recorded for this period.";
      container.classList.add("chart-empty");
      return;
    }
    var chart = LightweightCharts.createChart(container, {
      autoSize: true,
      layout: { textColor: COLORS.text, attributionLogo: true },
      grid: { vertLines: { color: COLORS.grid }, horzLines: { color: COLORS.grid } },
      timeScale: { timeVisible: true, secondsVisible: false },
    });
    var candles = chart.addSeries(LightweightCharts.CandlestickSeries, {
      upColor: COLORS.long,
      downColor: COLORS.short,
      wickUpColor: COLORS.long,
      wickDownColor: COLORS.short,
      borderVisible: false,
      priceLineVisible: false,
      priceFormat: { type: "price", precision: data.precision, minMove: Number(data.min_move) },
    });
    candles.setData(
      data.candles.map(function (bar) {
        return {
          time: bar.time,
          open: Number(bar.open),
          high: Number(bar.high),
          low: Number(bar.low),
          close: Number(bar.close),
        };
      })
    );
    LightweightCharts.createSeriesMarkers(
      candles,
      data.markers.map(function (marker) {
        var buy = marker.side === "buy";
        return {
          time: marker.time,
          position: buy ? "belowBar" : "aboveBar",
          shape: buy ? "arrowUp" : "arrowDown",
          color: buy ? COLORS.long : COLORS.short,
          text: marker.text,
        };
      })
    );
    data.lines.forEach(function (line) {
      candles.createPriceLine({
        price: Number(line.price),
        color: COLORS[line.kind] || COLORS.text,
        lineWidth: 2,
        lineStyle: line.kind === "liquidation" ? LightweightCharts.LineStyle.Dashed : LightweightCharts.LineStyle.Dotted,
        axisLabelVisible: true,
        title: line.title,
      });
    });
    chart.timeScale().fitContent();
    container.setAttribute("data-drawn", "true");
  }

  function start() {
    document.querySelectorAll("[data-chart]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
