// Guides: glossary tooltips and the try-it tickets. The pages read fine without it.
(function () {
  "use strict";

  // Glossary terms ------------------------------------------------------------------
  // Each a.glossary-term carries its short definition in title. The title moves to a
  // tooltip shown on hover and on keyboard focus, tied to the link by
  // aria-describedby, and hidden again on Escape, blur or mouse leave.
  var tooltip = null;
  var tipOwner = null;

  function tooltipElement() {
    if (!tooltip) {
      tooltip = document.createElement("div");
      tooltip.id = "glossary-tooltip";
      tooltip.className = "glossary-tooltip";
      tooltip.setAttribute("role", "tooltip");
      tooltip.hidden = true;
      document.body.appendChild(tooltip);
    }
    return tooltip;
  }

  function showTip(link) {
    var tip = tooltipElement();
    tip.textContent = link.getAttribute("data-definition");
    tip.hidden = false;
    link.setAttribute("aria-describedby", tip.id);
    tipOwner = link;
    var box = link.getBoundingClientRect();
    var width = Math.min(320, window.innerWidth - 16);
    tip.style.maxWidth = width + "px";
    var left = Math.max(8, Math.min(box.left + window.scrollX, window.scrollX + window.innerWidth - width - 8));
    tip.style.left = left + "px";
    tip.style.top = box.bottom + window.scrollY + 6 + "px";
  }

  function hideTip() {
    if (tooltip) {
      tooltip.hidden = true;
    }
    if (tipOwner) {
      tipOwner.removeAttribute("aria-describedby");
      tipOwner = null;
    }
  }

  document.querySelectorAll("a.glossary-term").forEach(function (link) {
    var definition = link.getAttribute("title");
    if (!definition) {
      return;
    }
    link.setAttribute("data-definition", definition);
    link.removeAttribute("title");
    link.addEventListener("mouseenter", function () { showTip(link); });
    link.addEventListener("focus", function () { showTip(link); });
    link.addEventListener("mouseleave", hideTip);
    link.addEventListener("blur", hideTip);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      hideTip();
    }
  });

  // The admin's live preview -----------------------------------------------------------
  // The guide's change form has a sandboxed iframe[data-guide-preview]; typing in the
  // body re-renders it through the admin's preview view, at most every 400 ms.
  var preview = document.querySelector("iframe[data-guide-preview]");
  var bodyInput = document.getElementById("id_body");
  if (preview && bodyInput) {
    var timer = null;
    var refresh = function () {
      var data = new FormData();
      var token = document.querySelector("input[name=csrfmiddlewaretoken]");
      var title = document.getElementById("id_title");
      data.append("body", bodyInput.value);
      data.append("title", title ? title.value : "");
      fetch(preview.getAttribute("data-url"), {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": token ? token.value : "" },
        body: data,
      })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          if (html !== null) {
            preview.srcdoc = html;
          }
        });
    };
    var schedule = function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, 400);
    };
    bodyInput.addEventListener("input", schedule);
    var titleInput = document.getElementById("id_title");
    if (titleInput) {
      titleInput.addEventListener("input", schedule);
    }
  }

  // Try-it tickets ------------------------------------------------------------------
  function csrfToken() {
    var headers = document.body.getAttribute("hx-headers");
    try {
      return JSON.parse(headers)["X-CSRFToken"];
    } catch (error) {
      var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
      return match ? decodeURIComponent(match[1]) : "";
    }
  }

  // Decimal arithmetic on strings is overkill here: prices are rounded to the tick,
  // and the server checks every value again.
  function toTick(value, tick, direction) {
    var steps = value / tick;
    steps = direction > 0 ? Math.ceil(steps - 1e-9) : Math.floor(steps + 1e-9);
    var decimals = (String(tick).split(".")[1] || "").length;
    return (steps * tick).toFixed(decimals);
  }

  function percent(input) {
    var text = (input && input.value || "").trim();
    if (!text) {
      return null;
    }
    var number = Number(text);
    return isFinite(number) && number > 0 && number < 100 ? number : NaN;
  }

  function row(list, term, value) {
    var dt = document.createElement("dt");
    dt.textContent = term;
    var dd = document.createElement("dd");
    dd.textContent = value;
    list.appendChild(dt);
    list.appendChild(dd);
  }

  // "94990.50000000" reads as "94,990.5": amounts come as decimal strings.
  function plain(text) {
    var number = Number(text);
    return isFinite(number) ? number.toLocaleString("en-US", { maximumFractionDigits: 8 }) : text;
  }

  function showError(result, message) {
    result.className = "tryit-result tryit-result-error";
    result.textContent = message;
  }

  function showOrder(result, order) {
    result.className = "tryit-result tryit-result-ok";
    result.textContent = "";
    var heading = document.createElement("p");
    heading.textContent = "Order #" + order.id + " " + order.status.replace("_", " ") + ".";
    result.appendChild(heading);
    var list = document.createElement("dl");
    list.className = "tryit-outcome";
    row(list, "Filled", plain(order.filled_quantity) + " of " + plain(order.quantity) + " " + order.instrument);
    if (order.average_price) {
      row(list, "Fill price", plain(order.average_price) + " USD");
    }
    row(list, "Fees", plain(order.fees) + " USD");
    (order.attached || []).forEach(function (exit) {
      var name = exit.role === "stop_loss" ? "Stop-loss" : "Take-profit";
      row(list, name, "triggers at " + plain(exit.stop_price) + " USD (" + exit.status + ")");
    });
    result.appendChild(list);
    var link = document.createElement("a");
    link.href = "/dashboard/#positions-title";
    link.textContent = "See your position on the dashboard";
    result.appendChild(link);
  }

  document.querySelectorAll("form[data-tryit]").forEach(function (form) {
    var result = form.querySelector("[data-tryit-result]");
    var button = form.querySelector("button[type=submit]");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var symbol = form.getAttribute("data-instrument");
      var side = form.getAttribute("data-side");
      var tick = Number(form.getAttribute("data-tick-size"));
      var quantity = form.elements.quantity.value.trim();
      var stopPct = percent(form.elements.stop_loss_pct);
      var takePct = percent(form.elements.take_profit_pct);
      if (!quantity || !(Number(quantity) > 0)) {
        showError(result, "Give a positive quantity.");
        return;
      }
      if (Number.isNaN(stopPct) || Number.isNaN(takePct)) {
        showError(result, "Give the stop-loss and take-profit as a percent between 0 and 100, or leave them empty.");
        return;
      }
      button.disabled = true;
      result.className = "tryit-result";
      result.textContent = "Placing the order…";
      fetch("/api/v1/instruments/" + encodeURIComponent(symbol) + "/ticker", {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          return response.json().then(function (body) {
            if (!response.ok) {
              throw new Error((body.error && body.error.message) || "No price yet.");
            }
            return body;
          });
        })
        .then(function (ticker) {
          var reference = Number(form.getAttribute("data-price") || ticker.mark_price);
          var down = side === "sell" ? 1 : -1; // A short's stop sits above the price.
          var order = {
            instrument: symbol,
            side: side,
            type: form.getAttribute("data-type"),
            quantity: quantity,
            client_order_id: "guide-" + Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 10),
          };
          if (form.getAttribute("data-price")) {
            order.price = form.getAttribute("data-price");
          }
          if (stopPct) {
            order.stop_loss = { stop_price: toTick(reference * (1 + down * stopPct / 100), tick, down) };
          }
          if (takePct) {
            order.take_profit = { stop_price: toTick(reference * (1 - down * takePct / 100), tick, -down) };
          }
          return fetch("/api/v1/orders", {
            method: "POST",
            credentials: "same-origin",
            headers: {
              "Content-Type": "application/json",
              Accept: "application/json",
              "X-CSRFToken": csrfToken(),
            },
            body: JSON.stringify(order),
          });
        })
        .then(function (response) {
          return response.json().then(function (body) {
            if (!response.ok) {
              var error = body.error || {};
              var fields = error.fields || {};
              var details = Object.keys(fields).map(function (name) {
                return name + ": " + [].concat(fields[name]).join(" ");
              });
              throw new Error((error.message || "The order was refused.") + (details.length ? " (" + details.join("; ") + ")" : ""));
            }
            return body;
          });
        })
        .then(function (order) {
          showOrder(result, order);
        })
        .catch(function (error) {
          showError(result, error.message || "The order could not be placed.");
        })
        .then(function () {
          button.disabled = false;
        });
    });
  });
})();
