// Candle charts on TradingView's lightweight-charts (static/vendor/lightweight-charts-*).
//
// ShortbookChart.create(element, {tick}) draws an empty candle chart whose prices
// keep the instrument's tick precision, and returns helpers to fill it, overlay
// lines (moving averages, Bollinger Bands), mark fills and draw price lines.
// ShortbookChart.fibonacci(start, end) gives the retracement levels between two
// prices the way market/indicators.py does: 0% at the swing's end, 100% at its start.
(function () {
  "use strict";

  var FIBONACCI_RATIOS = ["0", "0.236", "0.382", "0.5", "0.618", "0.786", "1"];
  var COLOURS = {
    up: "#0b7a45",
    down: "#be1e2d",
    text: "#334155",
    grid: "#eef2f6",
    border: "#d9e0e8",
    sma: "#1d4ed8",
    ema: "#8a4b08",
    bollinger: "#7c3aed",
    fibonacci: "#0e7490",
  };

  // Decimals of a step such as a tick size: "0.5" has one, "0.01" two, "100" none.
  function places(step) {
    var text = String(step || "0.01");
    var dot = text.indexOf(".");
    return dot < 0 ? 0 : text.length - dot - 1;
  }

  // Seconds since the epoch from an ISO 8601 time, as the charts want time.
  function epoch(iso) {
    return Math.floor(Date.parse(iso) / 1000);
  }

  function bar(candle) {
    return {
      time: epoch(candle.time),
      open: Number(candle.open),
      high: Number(candle.high),
      low: Number(candle.low),
      close: Number(candle.close),
    };
  }

  // The retracement levels of a swing from `start` to `end` (numbers), 0% first.
  function fibonacci(start, end) {
    var move = end - start;
    return FIBONACCI_RATIOS.map(function (ratio) {
      return { ratio: ratio, price: end - move * Number(ratio) };
    });
  }

  function create(element, options) {
    var lib = window.LightweightCharts;
    if (!lib || !element) {
      return null;
    }
    var tick = String(options && options.tick ? options.tick : "0.01");
    var decimals = places(tick);
    var priceFormat = { type: "price", precision: decimals, minMove: Number(tick) };
    var chart = lib.createChart(element, {
      autoSize: true,
      layout: {
        background: { color: "#ffffff" },
        textColor: COLOURS.text,
        fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
        attributionLogo: true, // The library's licence asks for the link to TradingView.
      },
      grid: { vertLines: { color: COLOURS.grid }, horzLines: { color: COLOURS.grid } },
      rightPriceScale: { borderColor: COLOURS.border },
      timeScale: { borderColor: COLOURS.border, timeVisible: true, secondsVisible: false },
      localization: {
        priceFormatter: function (price) {
          return price.toLocaleString("en-US", {
            minimumFractionDigits: decimals,
            maximumFractionDigits: decimals,
          });
        },
      },
    });
    var candles = chart.addSeries(lib.CandlestickSeries, {
      upColor: COLOURS.up,
      downColor: COLOURS.down,
      borderUpColor: COLOURS.up,
      borderDownColor: COLOURS.down,
      wickUpColor: COLOURS.up,
      wickDownColor: COLOURS.down,
      priceFormat: priceFormat,
    });
    var lines = {};
    var priceLines = {};
    var markers = null;

    function line(name, colour, style) {
      if (!lines[name]) {
        lines[name] = chart.addSeries(lib.LineSeries, {
          color: colour || COLOURS[name] || COLOURS.sma,
          lineWidth: 2,
          lineStyle: style || lib.LineStyle.Solid,
          priceLineVisible: false,
          lastValueVisible: false,
          crosshairMarkerVisible: false,
          priceFormat: priceFormat,
        });
      }
      return lines[name];
    }

    return {
      chart: chart,
      candles: candles,
      decimals: decimals,
      // Replace every candle (API candles: ISO times and decimal strings).
      setCandles: function (list) {
        candles.setData(list.map(bar));
      },
      // Add or change the latest candles.
      updateCandles: function (list) {
        list.map(bar).forEach(function (point) {
          try {
            candles.update(point);
          } catch (error) {
            // An update older than the last bar: the interval changed underneath.
          }
        });
      },
      // Draw one overlay line from [{time, value}] (values may be null while warming up).
      setLine: function (name, points, colour, style) {
        line(name, colour, style).setData(
          points.map(function (point) {
            var time = typeof point.time === "number" ? point.time : epoch(point.time);
            return point.value === null || point.value === undefined
              ? { time: time }
              : { time: time, value: Number(point.value) };
          })
        );
      },
      removeLine: function (name) {
        if (lines[name]) {
          chart.removeSeries(lines[name]);
          delete lines[name];
        }
      },
      // Horizontal price lines, in named groups that can be replaced or cleared at once.
      setPriceLines: function (group, list) {
        (priceLines[group] || []).forEach(function (priceLine) {
          candles.removePriceLine(priceLine);
        });
        priceLines[group] = (list || []).map(function (item) {
          return candles.createPriceLine({
            price: Number(item.price),
            color: item.colour || COLOURS.fibonacci,
            lineWidth: 1,
            lineStyle: item.style === undefined ? lib.LineStyle.Dashed : item.style,
            axisLabelVisible: true,
            title: item.title || "",
          });
        });
      },
      // Arrows at fills: [{time (seconds), side: "buy"|"sell", text}].
      setMarkers: function (list) {
        var shaped = list.map(function (item) {
          var buy = item.side === "buy";
          return {
            time: item.time,
            position: buy ? "belowBar" : "aboveBar",
            color: buy ? COLOURS.up : COLOURS.down,
            shape: buy ? "arrowUp" : "arrowDown",
            text: item.text,
          };
        });
        if (markers) {
          markers.setMarkers(shaped);
        } else {
          markers = lib.createSeriesMarkers(candles, shaped);
        }
      },
      // The price at a click's height on the chart.
      priceAt: function (y) {
        return candles.coordinateToPrice(y);
      },
      fit: function () {
        chart.timeScale().fitContent();
      },
    };
  }

  window.ShortbookChart = {
    create: create,
    fibonacci: fibonacci,
    places: places,
    epoch: epoch,
    colours: COLOURS,
  };
})();
