// Scenario runs and the comparison of ways to short: both draw from Shortbook's JSON API.
// The run page polls its state every second and sends the ticket and the controls to the
// run's own endpoints; the comparison page asks the API again whenever an input moves.
(function () {
  "use strict";

  const money = new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const percent = new Intl.NumberFormat("en-US", { style: "percent", maximumFractionDigits: 2 });

  function fmt(value) {
    return value === null || value === undefined || value === "" ? "" : money.format(Number(value));
  }

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  function errorText(body) {
    const error = (body && body.error) || {};
    const fields = Object.entries(error.fields || {}).map(([name, messages]) => `${name}: ${messages.join(" ")}`);
    return [error.message || "Something went wrong.", ...fields].join(" ");
  }

  async function call(url, { method = "GET", body, csrf } = {}) {
    const headers = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (csrf) headers["X-CSRFToken"] = csrf;
    const response = await fetch(url, {
      method,
      headers,
      credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw Object.assign(new Error(errorText(data)), { status: response.status });
    return data;
  }

  // A line chart in an SVG whose viewBox is 1000 x 300.
  function drawLine(svg, points, className, baseline) {
    svg.replaceChildren();
    if (!points.length) return;
    const values = points.map((point) => Number(point.value));
    if (baseline !== undefined) values.push(baseline);
    const times = points.map((point) => Date.parse(point.time));
    const [low, high] = [Math.min(...values), Math.max(...values)];
    const [start, end] = [times[0], times[times.length - 1]];
    const x = (t) => (end > start ? ((t - start) / (end - start)) * 1000 : 500);
    const y = (v) => (high > low ? 290 - ((v - low) / (high - low)) * 280 : 150);
    const ns = "http://www.w3.org/2000/svg";
    if (baseline !== undefined) {
      const base = document.createElementNS(ns, "line");
      base.setAttribute("x1", 0);
      base.setAttribute("x2", 1000);
      base.setAttribute("y1", y(baseline));
      base.setAttribute("y2", y(baseline));
      base.setAttribute("class", "base");
      svg.append(base);
    }
    const line = document.createElementNS(ns, "polyline");
    line.setAttribute("points", points.map((p, i) => `${x(times[i]).toFixed(1)},${y(values[i]).toFixed(1)}`).join(" "));
    line.setAttribute("class", className);
    svg.append(line);
  }

  // The run page ----------------------------------------------------------------------

  function runPage(root) {
    const runUrl = root.dataset.runUrl;
    const csrf = root.dataset.csrf;
    const errorBox = root.querySelector("[data-error]");
    const ticketResult = root.querySelector("[data-ticket-result]");
    let stopped = false;

    function showError(message) {
      errorBox.textContent = message;
      errorBox.hidden = !message;
    }

    function render(state) {
      if (state.run.status === "finished") {
        stopped = true;
        window.location.assign(root.dataset.resultUrl);
        return;
      }
      const when = new Date(state.source_time);
      root.querySelector("[data-testid=source-time]").textContent = when.toLocaleString("en-GB", {
        timeZone: "UTC", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit",
      });
      root.querySelector("[data-testid=run-status]").textContent = state.run.status === "paused" ? "Paused" : "Running";
      root.querySelector("[data-testid=index-price]").textContent = fmt(state.index_price);
      root.querySelector("[data-testid=equity]").textContent = fmt(state.account.equity);
      root.querySelector("[data-testid=available]").textContent = fmt(state.account.available);
      root.querySelector("[data-testid=return]").textContent = percent.format(Number(state.total_return));
      for (const cell of root.querySelectorAll("[data-cost]")) {
        cell.textContent = fmt(state.costs[cell.dataset.cost]);
      }
      const fill = root.querySelector("[data-progress]");
      fill.style.width = `${Number(state.progress) * 100}%`;
      fill.parentElement.setAttribute("aria-valuenow", Math.round(Number(state.progress) * 100));
      root.querySelector("[data-action=pause]").hidden = state.run.status !== "running";
      root.querySelector("[data-action=resume]").hidden = state.run.status !== "paused";
      const speed = root.querySelector("[data-action=speed]");
      if (document.activeElement !== speed) speed.value = String(state.run.speed);
      drawLine(root.querySelector("[data-chart=prices]"), state.prices, "price");
      drawLine(root.querySelector("[data-chart=equity]"), state.equity, "equity", Number(state.run.starting_balance));
      renderPositions(state);
      renderOrders(state);
    }

    function kindOf(state, symbol) {
      return Object.values(state.instruments).find((quote) => quote.symbol === symbol)?.kind;
    }

    function renderPositions(state) {
      const body = root.querySelector("[data-positions]");
      body.replaceChildren();
      if (!state.positions.length) {
        const row = el("tr");
        const cell = el("td", "No open positions.", "empty");
        cell.colSpan = 8;
        row.append(cell);
        body.append(row);
        return;
      }
      for (const position of state.positions) {
        const row = el("tr");
        row.append(
          el("td", position.instrument),
          el("td", position.side, `side side-${position.side}`),
          el("td", position.quantity.replace(/\.?0+$/, ""), "num"),
          el("td", fmt(position.entry_price), "num"),
          el("td", fmt(position.mark_price), "num"),
          el("td", fmt(position.unrealized_pnl), Number(position.unrealized_pnl) < 0 ? "num amount-neg" : "num amount-pos"),
          el("td", fmt(position.liquidation_price), "num"),
        );
        const close = el("button", "Close", "btn btn-sm");
        close.type = "button";
        close.addEventListener("click", () => act(`${runUrl}/positions/${kindOf(state, position.instrument)}/close`));
        const cell = el("td");
        cell.append(close);
        row.append(cell);
        body.append(row);
      }
    }

    function renderOrders(state) {
      const body = root.querySelector("[data-orders]");
      body.replaceChildren();
      if (!state.orders.length) {
        const row = el("tr");
        const cell = el("td", "No open orders.", "empty");
        cell.colSpan = 6;
        row.append(cell);
        body.append(row);
        return;
      }
      for (const order of state.orders) {
        const row = el("tr");
        row.append(
          el("td", order.instrument),
          el("td", order.side),
          el("td", order.type.replaceAll("_", " ")),
          el("td", order.quantity.replace(/\.?0+$/, ""), "num"),
          el("td", fmt(order.price || order.stop_price), "num"),
        );
        const cancel = el("button", "Cancel", "btn btn-sm");
        cancel.type = "button";
        cancel.addEventListener("click", () => act(`${runUrl}/orders/${order.id}`, { method: "DELETE" }));
        const cell = el("td");
        cell.append(cancel);
        row.append(cell);
        body.append(row);
      }
    }

    async function refresh() {
      try {
        render(await call(runUrl));
      } catch (error) {
        showError(error.message);
      }
    }

    async function act(url, { method = "POST", body } = {}) {
      try {
        const data = await call(url, { method, body, csrf });
        showError("");
        if (data && data.run && data.prices) render(data);
        else await refresh();
        return data;
      } catch (error) {
        showError(error.message);
        return null;
      }
    }

    root.querySelector("[data-action=pause]").addEventListener("click", () => act(`${runUrl}/pause`));
    root.querySelector("[data-action=resume]").addEventListener("click", () => act(`${runUrl}/resume`));
    root.querySelector("[data-action=speed]").addEventListener("change", (event) =>
      act(`${runUrl}/speed`, { body: { speed: Number(event.target.value) } }),
    );
    root.querySelector("[data-action=end]").addEventListener("click", async () => {
      if (!window.confirm("End the run now? Open positions close at the replayed price.")) return;
      stopped = true;
      const result = await act(`${runUrl}/end`);
      if (result) window.location.assign(root.dataset.resultUrl);
      else stopped = false;
    });

    const ticket = root.querySelector("[data-ticket]");
    ticket.addEventListener("submit", async (event) => {
      event.preventDefault();
      const form = new FormData(ticket);
      const body = {};
      for (const [name, value] of form.entries()) {
        if (String(value).trim() !== "") body[name] = String(value).trim();
      }
      if (body.type === "market") delete body.price;
      ticketResult.textContent = "Placing...";
      try {
        const order = await call(`${runUrl}/orders`, { method: "POST", body, csrf });
        const price = order.average_price ? ` at ${fmt(order.average_price)}` : "";
        ticketResult.textContent = `Order ${order.status.replaceAll("_", " ")}: ${order.side} ${order.quantity.replace(/\.?0+$/, "")} ${order.instrument}${price}.`;
        showError("");
        await refresh();
      } catch (error) {
        ticketResult.textContent = "";
        showError(error.message);
      }
    });

    const initial = document.getElementById("scenario-state");
    if (initial) render(JSON.parse(initial.textContent));
    (function poll() {
      if (stopped) return;
      refresh().finally(() => window.setTimeout(poll, 1000));
    })();
  }

  // The comparison page ---------------------------------------------------------------

  function comparePage(root) {
    const form = root.querySelector("[data-compare-form]");
    const errorBox = root.querySelector("[data-error]");
    const methods = root.querySelector("[data-methods]");
    const entry = form.querySelector("#entry_price");
    const exit = form.querySelector("#exit_price");
    const days = form.querySelector("#holding_days");
    const exitSlider = form.querySelector("[data-exit-slider]");
    const daysSlider = form.querySelector("[data-days-slider]");
    let pending = null;

    const legNames = {
      price_move: "Price move", fees: "Fees", interest: "Interest",
      funding: "Funding", financing: "Financing", premium: "Premium",
    };

    function render(result) {
      const largest = Math.max(1, ...result.methods.flatMap((m) => Object.keys(legNames).map((leg) => Math.abs(Number(m[leg])))));
      methods.replaceChildren();
      for (const method of result.methods) {
        const card = el("article", undefined, "card");
        card.dataset.method = method.method;
        card.append(el("h2", method.label), el("p", method.symbol, "muted small"));
        const total = el("p", "Total ");
        const strong = el("strong", fmt(method.total), "num");
        strong.dataset.testid = `total-${method.method}`;
        total.append(strong, " USD");
        card.append(total);
        const legs = el("div", undefined, "legs");
        for (const [leg, label] of Object.entries(legNames)) {
          const value = Number(method[leg]);
          const row = el("div", undefined, "leg-row");
          const bar = el("span", undefined, "leg-bar");
          const part = el("span", undefined, value >= 0 ? "gain" : "loss");
          part.style.width = `${(Math.abs(value) / largest) * 50}%`;
          bar.append(part);
          row.append(el("span", label), bar, el("span", fmt(method[leg]), "num"));
          legs.append(row);
        }
        card.append(legs, el("p", `Capital at entry ${fmt(method.capital)} USD`, "small muted"));
        for (const note of method.notes) card.append(el("p", note, "small muted"));
        methods.append(card);
      }
    }

    async function update() {
      const params = new URLSearchParams();
      for (const [name, value] of new FormData(form).entries()) {
        if (String(value).trim() !== "") params.set(name, String(value).trim());
      }
      try {
        const result = await call(`${root.dataset.apiUrl}?${params}`);
        errorBox.hidden = true;
        render(result);
        window.history.replaceState(null, "", `?${params}`);
      } catch (error) {
        errorBox.textContent = error.message;
        errorBox.hidden = false;
      }
    }

    function soon() {
      window.clearTimeout(pending);
      pending = window.setTimeout(update, 150);
    }

    function syncExitSlider() {
      const move = (Number(exit.value) / Number(entry.value) - 1) * 100;
      if (Number.isFinite(move)) exitSlider.value = String(Math.round(move));
    }

    exitSlider.addEventListener("input", () => {
      exit.value = (Number(entry.value) * (1 + Number(exitSlider.value) / 100)).toFixed(0);
      soon();
    });
    daysSlider.addEventListener("input", () => {
      days.value = daysSlider.value;
      soon();
    });
    form.addEventListener("input", (event) => {
      if (event.target === exitSlider || event.target === daysSlider) return;
      if (event.target === exit || event.target === entry) syncExitSlider();
      if (event.target === days) daysSlider.value = days.value;
      soon();
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      update();
    });
    syncExitSlider();
    const initial = document.getElementById("compare-state");
    if (initial) render(JSON.parse(initial.textContent));
  }

  document.addEventListener("DOMContentLoaded", () => {
    const run = document.getElementById("scenario-run");
    if (run) runPage(run);
    const compare = document.getElementById("compare");
    if (compare) comparePage(compare);
  });
})();
