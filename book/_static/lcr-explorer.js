// Claims explorer (lcreview/explorer.py renders the table): search, filters, sorting, CSV of the rows shown.
// The project's own script: no library, nothing loaded from anywhere.
"use strict";
(function () {
  function setUp(root) {
    const search = root.querySelector("[data-lcr-search]");
    const theme = root.querySelector("[data-lcr-theme]");
    const quantity = root.querySelector("[data-lcr-quantity]");
    const count = root.querySelector("[data-lcr-count]");
    const body = root.querySelector("tbody");
    const rows = Array.from(body.rows);
    const total = rows.length;

    function shown() {
      return rows.filter((r) => !r.hidden);
    }

    function apply() {
      const words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
      for (const r of rows) {
        const text = (r.textContent + " " + r.dataset.search).toLowerCase();
        r.hidden = !(words.every((w) => text.includes(w))
          && (!theme.value || r.dataset.theme.split(" ").includes(theme.value))
          && (!quantity.value || r.dataset.quantity === quantity.value));
      }
      const n = shown().length;
      count.textContent = n === total ? `${total} numbers` : `${n} of ${total} numbers`;
    }

    function key(row, col) {
      const cell = row.cells[col];
      const num = cell.dataset.sort === undefined ? NaN : parseFloat(cell.dataset.sort);
      return Number.isNaN(num) ? cell.textContent.trim().toLowerCase() : num;
    }

    function sortBy(button) {
      const col = Number(button.dataset.lcrSort);
      const up = button.getAttribute("aria-sort") !== "ascending";
      root.querySelectorAll("[data-lcr-sort]").forEach((b) => b.removeAttribute("aria-sort"));
      button.setAttribute("aria-sort", up ? "ascending" : "descending");
      const sorted = rows.slice().sort((a, b) => {
        const x = key(a, col), y = key(b, col);
        const order = typeof x === typeof y ? (x < y ? -1 : x > y ? 1 : 0) : (typeof x === "number" ? -1 : 1);
        return up ? order : -order;
      });
      sorted.forEach((r) => body.appendChild(r));
    }

    function csvCell(text) {
      const t = text.replace(/\s+/g, " ").trim();
      return /[",\n]/.test(t) || /^[=+\-@]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
    }

    function download() {
      const head = Array.from(root.querySelectorAll("thead th")).map((th) => csvCell(th.textContent));
      const lines = [head.join(",")];
      const order = Array.from(body.rows).filter((r) => !r.hidden);
      for (const r of order) lines.push(Array.from(r.cells).map((c) => csvCell(c.textContent)).join(","));
      const url = URL.createObjectURL(new Blob([lines.join("\n") + "\n"], { type: "text/csv" }));
      const a = document.createElement("a");
      a.href = url;
      a.download = "claims-shown.csv";
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    }

    search.addEventListener("input", apply);
    theme.addEventListener("change", apply);
    quantity.addEventListener("change", apply);
    root.querySelector("[data-lcr-download]").addEventListener("click", download);
    root.querySelectorAll("[data-lcr-sort]").forEach((b) => b.addEventListener("click", () => sortBy(b)));
    apply();
  }

  function init() {
    document.querySelectorAll("[data-lcr-explorer]").forEach(setUp);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
