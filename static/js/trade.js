// The trade page: chart with overlays and Fibonacci, live candles, and the order ticket.
//
// The ticket speaks the public API (/api/v1/orders, /orders/preview, leverage) with the
// session cookie and the CSRF token; an error's `fields` name the input it belongs to.
// Live updates pause while the tab is hidden (document.visibilityState).
(function () {
  "use strict";

  var root = document.getElementById("trade");
  if (!root) {
    return;
  }
  var API = "/api/v1";
  var symbol = root.dataset.symbol;
  var tick = root.dataset.tick;
  var lot = root.dataset.lot;
  var kind = root.dataset.kind;
  var CANDLES_SHOWN = 500;
  var CANDLE_POLL_MS = 2000;
  var OVERLAY_POLL_MS = 30000;
  var PREVIEW_DELAY_MS = 350;

  function visible() {
    return document.visibilityState === "visible";
  }

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  }

  // Call the API; resolve to {ok, status, body} whatever the outcome.
  function api(method, path, body) {
    var init = {
      method: method,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
    };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    return fetch(API + path, init).then(
      function (response) {
        return response
          .json()
          .catch(function () {
            return {};
          })
          .then(function (json) {
            return { ok: response.ok, status: response.status, body: json };
          });
      },
      function () {
        return {
          ok: false,
          status: 0,
          body: { error: { code: "network", message: "No connection; try again.", fields: {} } },
        };
      }
    );
  }

  function refreshAccount() {
    if (window.htmx) {
      window.htmx.trigger(document.body, "tradeRefresh");
    }
  }

  // Numbers ----------------------------------------------------------------------

  var places = window.ShortbookChart ? window.ShortbookChart.places : function () {
    return 2;
  };

  function grouped(value, decimals) {
    return Number(value).toLocaleString("en-US", {
      minimumFractionDigits: decimals,
      maximumFractionDigits: decimals,
    });
  }

  function format(value, how) {
    if (value === null || value === undefined || value === "") {
      return "—";
    }
    var number = Number(value);
    switch (how) {
      case "price":
        return grouped(number, places(tick));
      case "quantity":
        return grouped(number, places(lot));
      case "ratio":
        return "1 : " + grouped(number, 2);
      case "percent":
        return grouped(number, 2) + "%";
      case "loss":
        return (number > 0 ? "−" : "+") + grouped(Math.abs(number), 2) + " USD";
      case "profit":
      case "signed":
        return (number > 0 ? "+" : number < 0 ? "−" : "") + grouped(Math.abs(number), 2) + " USD";
      case "cost":
        return number > 0
          ? "pays " + grouped(number, 2) + " USD"
          : number < 0
            ? "receives " + grouped(-number, 2) + " USD"
            : "0.00 USD";
      default:
        return grouped(number, 2) + " USD";
    }
  }

  // Chart ------------------------------------------------------------------------

  var chartElement = document.getElementById("chart");
  var chart = window.ShortbookChart
    ? window.ShortbookChart.create(chartElement, { tick: tick })
    : null;
  var interval = "1m";
  var OVERLAYS = {
    sma: { query: "name=sma&period=20" },
    ema: { query: "name=ema&period=50" },
    bollinger: { query: "name=bollinger&period=20&k=2" },
  };

  function candlePath(limit) {
    return (
      "/instruments/" + encodeURIComponent(symbol) + "/candles?interval=" + interval +
      "&limit=" + limit
    );
  }

  function loadCandles() {
    if (!chart) {
      return Promise.resolve();
    }
    var asked = interval;
    return api("GET", candlePath(CANDLES_SHOWN)).then(function (result) {
      if (result.ok && asked === interval) {
        chart.setCandles(result.body.candles);
        chart.fit();
        chartElement.dataset.candles = String(result.body.candles.length);
      }
    });
  }

  function loadOverlay(name) {
    var input = document.querySelector('[data-overlay="' + name + '"]');
    if (!chart || !input) {
      return;
    }
    var lineNames = name === "bollinger" ? ["bollinger-upper", "bollinger-middle", "bollinger-lower"] : [name];
    if (!input.checked) {
      lineNames.forEach(chart.removeLine);
      return;
    }
    var asked = interval;
    var path =
      "/instruments/" + encodeURIComponent(symbol) + "/indicators?" + OVERLAYS[name].query +
      "&interval=" + interval + "&limit=" + CANDLES_SHOWN;
    api("GET", path).then(function (result) {
      if (!result.ok || asked !== interval || !input.checked) {
        return;
      }
      var points = result.body.points;
      if (name === "bollinger") {
        var colour = window.ShortbookChart.colours.bollinger;
        ["upper", "middle", "lower"].forEach(function (band) {
          chart.setLine(
            "bollinger-" + band,
            points.map(function (p) {
              return { time: p.time, value: p[band] };
            }),
            colour,
            band === "middle" ? 2 : 0
          );
        });
      } else {
        chart.setLine(name, points);
      }
    });
  }

  function loadOverlays() {
    Object.keys(OVERLAYS).forEach(loadOverlay);
  }

  document.querySelectorAll("[data-interval]").forEach(function (button) {
    button.addEventListener("click", function () {
      interval = button.dataset.interval;
      document.querySelectorAll("[data-interval]").forEach(function (other) {
        other.setAttribute("aria-pressed", other === button ? "true" : "false");
      });
      loadCandles().then(loadOverlays);
    });
  });
  document.querySelectorAll("[data-overlay]").forEach(function (input) {
    input.addEventListener("change", function () {
      loadOverlay(input.dataset.overlay);
    });
  });

  var lastOverlayLoad = 0;
  function pollChart() {
    if (!chart || !visible()) {
      return;
    }
    api("GET", candlePath(2)).then(function (result) {
      if (result.ok && result.body.interval === interval) {
        chart.updateCandles(result.body.candles);
      }
    });
    if (Date.now() - lastOverlayLoad > OVERLAY_POLL_MS) {
      lastOverlayLoad = Date.now();
      loadOverlays();
    }
  }

  if (chart) {
    loadCandles().then(function () {
      lastOverlayLoad = Date.now();
      loadOverlays();
    });
    window.setInterval(pollChart, CANDLE_POLL_MS);
    document.addEventListener("visibilitychange", pollChart);
  }

  // Fibonacci: two clicks on the chart (or two typed prices) draw the levels.
  var fibForm = document.getElementById("fib-form");
  var fibPick = document.getElementById("fib-pick");
  var fibStatus = document.getElementById("fib-status");
  var fibStart = document.getElementById("fib-start");
  var fibEnd = document.getElementById("fib-end");
  var picking = 0; // 0: off, 1: waiting for the start, 2: waiting for the end

  function roundToTick(price) {
    var step = Number(tick);
    return (Math.round(price / step) * step).toFixed(places(tick));
  }

  function drawFibonacci() {
    var start = Number(fibStart.value);
    var end = Number(fibEnd.value);
    if (!chart || !fibStart.value || !fibEnd.value || !isFinite(start) || !isFinite(end) || start === end) {
      fibStatus.textContent = "Give two different prices: where the swing started and where it ended.";
      return;
    }
    var levels = window.ShortbookChart.fibonacci(start, end);
    chart.setPriceLines(
      "fibonacci",
      levels.map(function (level) {
        return { price: level.price, title: (Number(level.ratio) * 100).toFixed(1) + "%" };
      })
    );
    fibStatus.textContent =
      "Retracement of the " + (end > start ? "rise" : "fall") + " from " + format(start, "price") +
      " to " + format(end, "price") + ": 61.8% at " + format(levels[4].price, "price") + ".";
  }

  if (fibForm && chart) {
    fibForm.addEventListener("submit", function (event) {
      event.preventDefault();
      drawFibonacci();
    });
    fibPick.addEventListener("click", function () {
      picking = picking ? 0 : 1;
      fibPick.setAttribute("aria-pressed", picking ? "true" : "false");
      fibStatus.textContent = picking ? "Click the swing's start on the chart." : "";
    });
    document.getElementById("fib-clear").addEventListener("click", function () {
      chart.setPriceLines("fibonacci", []);
      fibStart.value = fibEnd.value = "";
      picking = 0;
      fibPick.setAttribute("aria-pressed", "false");
      fibStatus.textContent = "Cleared.";
    });
    chart.chart.subscribeClick(function (param) {
      if (!picking || !param.point) {
        return;
      }
      var price = chart.priceAt(param.point.y);
      if (price === null) {
        return;
      }
      if (picking === 1) {
        fibStart.value = roundToTick(price);
        picking = 2;
        fibStatus.textContent = "Now click the swing's end.";
      } else {
        fibEnd.value = roundToTick(price);
        picking = 0;
        fibPick.setAttribute("aria-pressed", "false");
        drawFibonacci();
      }
    });
  }

  // Order ticket -------------------------------------------------------------------

  var form = document.getElementById("ticket-form");
  if (!form) {
    return; // A visitor: the page asks them to sign in instead.
  }
  var typeSelect = form.elements.type;
  var tifSelect = form.elements.time_in_force;
  var submitButton = document.getElementById("ticket-submit");
  var previewStatus = document.getElementById("preview-status");
  var previewFigures = document.getElementById("preview-figures");
  var previewWarnings = document.getElementById("preview-warnings");
  var result = document.getElementById("ticket-result");
  var general = document.getElementById("error-general");

  function side() {
    return form.querySelector('input[name="side"]:checked').value;
  }

  // Show the fields the chosen type and time in force use; hidden ones are not sent.
  function arrange() {
    var type = typeSelect.value;
    form.querySelectorAll("[data-types]").forEach(function (field) {
      var shown = field.dataset.types.split(" ").indexOf(type) >= 0;
      field.hidden = !shown;
      field.querySelectorAll("input, select").forEach(function (input) {
        input.disabled = !shown;
      });
    });
    form.querySelectorAll("[data-tif]").forEach(function (field) {
      var shown = tifSelect.value === field.dataset.tif;
      field.hidden = !shown;
      field.querySelectorAll("input").forEach(function (input) {
        input.disabled = !shown;
      });
    });
    var selling = side() === "sell";
    submitButton.textContent = selling ? "Place sell order" : "Place buy order";
    submitButton.classList.toggle("btn-short", selling);
    submitButton.classList.toggle("btn-long", !selling);
    form.querySelectorAll("[data-kind-only]").forEach(function (item) {
      item.hidden = item.dataset.kindOnly !== kind;
    });
  }

  function value(name) {
    var input = form.elements[name];
    return input && !input.disabled ? input.value.trim() : "";
  }

  function exit(name) {
    var stop = value(name + ".stop_price");
    var price = value(name + ".price");
    if (!stop && !price) {
      return undefined;
    }
    var body = { stop_price: stop };
    if (price) {
      body.price = price;
    }
    return body;
  }

  // The request body, in the API's own fields.
  // An OCO pair: the limit leg at price, the stop leg at stop_price (POST /orders/oco).
  function isOco() {
    return typeSelect.value === "oco";
  }

  function ocoPair() {
    var body = {
      instrument: form.elements.instrument.value,
      side: side(),
      quantity: value("quantity"),
      reduce_only: form.elements.reduce_only.checked,
    };
    ["price", "stop_price", "trigger_by"].forEach(function (name) {
      if (value(name)) {
        body[name] = value(name);
      }
    });
    return body;
  }

  function order() {
    var body = {
      instrument: form.elements.instrument.value,
      side: side(),
      type: typeSelect.value,
      quantity: value("quantity"),
      time_in_force: tifSelect.value,
      post_only: !form.elements.post_only.disabled && form.elements.post_only.checked,
      reduce_only: form.elements.reduce_only.checked,
    };
    ["price", "stop_price", "trigger_by"].forEach(function (name) {
      if (value(name)) {
        body[name] = value(name);
      }
    });
    if (value("trailing")) {
      body[form.elements.trailing_by.value === "percent" ? "trailing_percent" : "trailing_amount"] =
        value("trailing");
    }
    if (body.time_in_force === "gtd") {
      var local = value("expire_at");
      // datetime-local has no zone: it is the browser's time, sent as UTC.
      body.expire_at = local && !isNaN(Date.parse(local)) ? new Date(local).toISOString() : local || null;
    }
    ["stop_loss", "take_profit"].forEach(function (name) {
      var given = exit(name);
      if (given) {
        body[name] = given;
      }
    });
    return body;
  }

  // Errors beside their fields ------------------------------------------------------

  function clearErrors() {
    form.querySelectorAll(".errorlist").forEach(function (list) {
      list.hidden = true;
      list.textContent = "";
    });
    ["error-leverage", "error-margin-mode", "error-isolated-margin"].forEach(function (id) {
      var list = document.getElementById(id);
      if (list) {
        list.hidden = true;
        list.textContent = "";
      }
    });
    document.querySelectorAll(".field-invalid").forEach(function (field) {
      field.classList.remove("field-invalid");
    });
    document.querySelectorAll('[aria-invalid="true"]').forEach(function (input) {
      input.removeAttribute("aria-invalid");
    });
    general.hidden = true;
    general.textContent = "";
  }

  function messages(detail) {
    if (Array.isArray(detail)) {
      return detail.map(String);
    }
    if (detail && typeof detail === "object") {
      return Object.keys(detail).reduce(function (all, key) {
        return all.concat(
          messages(detail[key]).map(function (message) {
            return key === "non_field_errors" ? message : key.replace(/_/g, " ") + ": " + message;
          })
        );
      }, []);
    }
    return [String(detail)];
  }

  function showList(list, texts) {
    list.textContent = "";
    texts.forEach(function (text) {
      var item = document.createElement("li");
      item.textContent = text;
      list.appendChild(item);
    });
    list.hidden = false;
  }

  // Put each of error.fields beside its input; the rest, and the message, above the buttons.
  function showErrors(error) {
    var fields = (error && error.fields) || {};
    var unplaced = [];
    Object.keys(fields).forEach(function (name) {
      var list = document.getElementById("error-" + name);
      if (!list || name === "non_field_errors") {
        unplaced = unplaced.concat(messages(fields[name]));
        return;
      }
      showList(list, messages(fields[name]));
      var field = list.closest(".field") || list.parentElement;
      field.classList.add("field-invalid");
      document.querySelectorAll('[aria-describedby~="error-' + name + '"]').forEach(function (input) {
        input.setAttribute("aria-invalid", "true");
      });
    });
    if (!Object.keys(fields).length || unplaced.length) {
      var texts = unplaced.length ? unplaced : [error ? error.message : "Something went wrong."];
      general.textContent = "";
      var list = document.createElement("ul");
      list.className = "errorlist";
      general.appendChild(list);
      showList(list, texts);
      general.hidden = false;
    }
  }

  // Preview -----------------------------------------------------------------------

  var previewTimer = null;
  var previewSerial = 0;

  function showPreview(figures) {
    previewFigures.querySelectorAll("[data-preview]").forEach(function (cell) {
      var raw = figures[cell.dataset.preview];
      cell.textContent = format(raw, cell.dataset.format);
      var number = Number(raw);
      cell.classList.toggle("amount-neg", cell.dataset.format === "loss" && number > 0);
      cell.classList.toggle("amount-pos", cell.dataset.format === "profit" && number > 0);
    });
    previewFigures.hidden = false;
    previewWarnings.textContent = "";
    figures.warnings.forEach(function (warning) {
      var item = document.createElement("li");
      item.className = "alert alert-warning";
      item.dataset.code = warning.code;
      item.textContent = warning.message;
      previewWarnings.appendChild(item);
    });
    previewWarnings.hidden = !figures.warnings.length;
    var position = Number(figures.position_after);
    previewStatus.textContent =
      (figures.side === "sell" ? "▼ Sell " : "▲ Buy ") + format(figures.quantity, "quantity") +
      " at about " + format(figures.entry_price, "price") + ": costs " + format(figures.cost) +
      "; position afterwards " +
      (position < 0 ? "short " : position > 0 ? "long " : "flat") +
      (position ? format(Math.abs(position), "quantity") : "") + ".";
  }

  function preview() {
    window.clearTimeout(previewTimer);
    var serial = ++previewSerial;
    if (!value("quantity")) {
      clearErrors();
      previewFigures.hidden = true;
      previewWarnings.hidden = true;
      previewStatus.textContent = "Enter a quantity to see the cost and the risk.";
      return Promise.resolve();
    }
    if (isOco()) {
      clearErrors();
      previewFigures.hidden = true;
      previewWarnings.hidden = true;
      previewStatus.textContent =
        "An OCO pair rests a limit at the limit price and arms a stop at the trigger: " +
        "whichever fills or triggers first cancels the other. Each leg trades at its own price.";
      return Promise.resolve();
    }
    return api("POST", "/orders/preview", order()).then(function (answer) {
      if (serial !== previewSerial) {
        return; // A newer preview is on its way.
      }
      clearErrors();
      if (answer.ok) {
        showPreview(answer.body);
      } else {
        previewFigures.hidden = true;
        previewWarnings.hidden = true;
        previewStatus.textContent = "Fix the fields marked below to see the preview.";
        showErrors(answer.body.error);
      }
    });
  }

  function previewSoon() {
    window.clearTimeout(previewTimer);
    previewTimer = window.setTimeout(preview, PREVIEW_DELAY_MS);
  }

  form.addEventListener("input", previewSoon);
  form.addEventListener("change", function (event) {
    if (event.target === typeSelect || event.target === tifSelect || event.target.name === "side") {
      arrange();
    }
    previewSoon();
  });
  document.getElementById("ticket-preview").addEventListener("click", preview);

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    window.clearTimeout(previewTimer);
    submitButton.disabled = true;
    result.textContent = "Placing the order…";
    var oco = isOco();
    var body = oco ? ocoPair() : order();
    body.client_order_id = window.crypto && window.crypto.randomUUID ? window.crypto.randomUUID() : undefined;
    api("POST", oco ? "/orders/oco" : "/orders", body).then(function (answer) {
      submitButton.disabled = false;
      clearErrors();
      if (answer.ok && oco) {
        var legs = answer.body.orders;
        result.textContent =
          "OCO pair placed: limit #" + legs[0].id + " at " + format(legs[0].price, "price") +
          " and stop #" + legs[1].id + " at " + format(legs[1].stop_price, "price") +
          "; the first to fill or trigger cancels the other.";
        result.className = "small alert alert-success";
        refreshAccount();
        preview();
      } else if (answer.ok) {
        var placed = answer.body;
        result.textContent =
          "Order #" + placed.id + " " + placed.status.replace(/_/g, " ") + ": " +
          (placed.side === "sell" ? "▼ sell " : "▲ buy ") + format(placed.quantity, "quantity") +
          " " + symbol +
          (placed.average_price ? " at " + format(placed.average_price, "price") : "") +
          (placed.attached.length ? ", with " + placed.attached.length + " exit(s) attached" : "") +
          ".";
        result.className = "small alert alert-success";
        refreshAccount();
        preview();
      } else {
        result.textContent = "The order was not placed.";
        result.className = "small alert alert-error";
        showErrors(answer.body.error);
      }
    });
  });

  // Leverage, cancel and close -----------------------------------------------------------

  var leverageForm = document.getElementById("leverage-form");
  if (leverageForm) {
    leverageForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var input = leverageForm.elements.leverage;
      api("POST", "/positions/" + encodeURIComponent(symbol) + "/leverage", {
        leverage: input.value.trim(),
      }).then(function (answer) {
        var list = document.getElementById("error-leverage");
        clearErrors();
        if (answer.ok) {
          result.textContent = "Leverage set to " + Number(answer.body.leverage) + "x.";
          result.className = "small alert alert-success";
          refreshAccount();
          previewSoon();
        } else {
          var error = answer.body.error || {};
          var fields = error.fields || {};
          showList(list, fields.leverage ? messages(fields.leverage).concat(error.message ? [error.message] : []) : [error.message]);
          list.closest(".field").classList.add("field-invalid");
          input.setAttribute("aria-invalid", "true");
        }
      });
    });
  }

  var marginModeForm = document.getElementById("margin-mode-form");
  if (marginModeForm) {
    marginModeForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var select = marginModeForm.elements.margin_mode;
      api("POST", "/positions/" + encodeURIComponent(symbol) + "/margin-mode", {
        margin_mode: select.value,
      }).then(function (answer) {
        var list = document.getElementById("error-margin-mode");
        clearErrors();
        if (answer.ok) {
          var isolatedForm = document.getElementById("isolated-margin-form");
          if (isolatedForm) {
            isolatedForm.hidden = answer.body.margin_mode !== "isolated";
          }
          result.textContent = "Margin mode set to " + answer.body.margin_mode + ".";
          result.className = "small alert alert-success";
          refreshAccount();
          previewSoon();
        } else {
          var error = answer.body.error || {};
          showList(list, [error.message]);
          list.closest(".field").classList.add("field-invalid");
          select.setAttribute("aria-invalid", "true");
        }
      });
    });
  }

  var isolatedMarginForm = document.getElementById("isolated-margin-form");
  if (isolatedMarginForm) {
    isolatedMarginForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var input = isolatedMarginForm.elements.amount;
      api("POST", "/positions/" + encodeURIComponent(symbol) + "/margin", {
        amount: input.value.trim(),
      }).then(function (answer) {
        var list = document.getElementById("error-isolated-margin");
        clearErrors();
        if (answer.ok) {
          result.textContent =
            "Isolated margin now " + format(answer.body.isolated_margin, "money") +
            "; liquidation at " + format(answer.body.liquidation_price, "price") + ".";
          result.className = "small alert alert-success";
          input.value = "";
          refreshAccount();
          previewSoon();
        } else {
          var error = answer.body.error || {};
          var fields = error.fields || {};
          showList(list, fields.amount ? messages(fields.amount) : [error.message]);
          list.closest(".field").classList.add("field-invalid");
          input.setAttribute("aria-invalid", "true");
        }
      });
    });
  }

  // Change an open order (PATCH /orders/{id}) or cancel them all ------------------------

  var amendForm = document.getElementById("amend-form");
  var amending = null;
  var AMEND_NAMES = ["price", "stop_price", "quantity"];

  function amendErrorsClear() {
    AMEND_NAMES.forEach(function (name) {
      var list = document.getElementById("error-amend-" + name);
      list.hidden = true;
      list.textContent = "";
      amendForm.elements[name].removeAttribute("aria-invalid");
    });
  }

  function amendOpen(button) {
    amending = button.dataset.amendOrder;
    document.getElementById("amend-title").textContent = "Change order #" + amending;
    AMEND_NAMES.forEach(function (name) {
      var given = button.dataset[name] || "";
      var input = amendForm.elements[name];
      input.value = given;
      input.dataset.was = given;
      input.closest(".field").hidden = given === "";
    });
    amendErrorsClear();
    amendForm.hidden = false;
    amendForm.elements.quantity.focus();
  }

  if (amendForm) {
    document.getElementById("amend-close").addEventListener("click", function () {
      amendForm.hidden = true;
      amending = null;
    });
    amendForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var body = {};
      AMEND_NAMES.forEach(function (name) {
        var input = amendForm.elements[name];
        if (!input.closest(".field").hidden && input.value.trim() !== input.dataset.was) {
          body[name] = input.value.trim();
        }
      });
      api("PATCH", "/orders/" + amending, body).then(function (answer) {
        amendErrorsClear();
        if (answer.ok) {
          result.textContent = "Order #" + answer.body.id + " changed.";
          result.className = "small alert alert-success";
          amendForm.hidden = true;
          refreshAccount();
          return;
        }
        var error = answer.body.error || {};
        var fields = error.fields || {};
        var shown = false;
        AMEND_NAMES.forEach(function (name) {
          if (fields[name]) {
            showList(document.getElementById("error-amend-" + name), messages(fields[name]));
            amendForm.elements[name].setAttribute("aria-invalid", "true");
            shown = true;
          }
        });
        var list = document.getElementById("error-amend-quantity");
        if (!shown) {
          showList(list, [error.message]);
        }
      });
    });
  }

  document.addEventListener("click", function (event) {
    var amend = event.target.closest("[data-amend-order]");
    var cancelAll = event.target.closest("[data-cancel-all]");
    if (amend && amendForm) {
      amendOpen(amend);
      return;
    }
    if (cancelAll && window.confirm("Cancel every open order in " + symbol + "?")) {
      api("DELETE", "/orders?instrument=" + encodeURIComponent(symbol)).then(function (answer) {
        result.textContent = answer.ok
          ? answer.body.canceled.length + " order(s) canceled."
          : answer.body.error.message;
        result.className = "small alert " + (answer.ok ? "alert-success" : "alert-error");
        refreshAccount();
      });
      return;
    }
    var cancel = event.target.closest("[data-cancel-order]");
    var close = event.target.closest("[data-close-position]");
    if (cancel) {
      cancel.disabled = true;
      api("DELETE", "/orders/" + cancel.dataset.cancelOrder).then(function (answer) {
        result.textContent = answer.ok
          ? "Order #" + cancel.dataset.cancelOrder + " canceled."
          : answer.body.error.message;
        result.className = "small alert " + (answer.ok ? "alert-success" : "alert-error");
        refreshAccount();
      });
    } else if (close && window.confirm("Close your whole " + symbol + " position at the market?")) {
      close.disabled = true;
      api("POST", "/positions/" + encodeURIComponent(symbol) + "/close").then(function (answer) {
        result.textContent = answer.ok
          ? "Position closed by order #" + answer.body.id + "."
          : answer.body.error.message;
        result.className = "small alert " + (answer.ok ? "alert-success" : "alert-error");
        refreshAccount();
      });
    }
  });

  arrange();
})();
