// The HTML report's style and script, inline so the file needs no network.
// The script only sorts and filters rows the renderer already wrote.

export const HTML_STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #1b1f24; }
h1 { font-size: 1.4rem; margin: 0; }
.meta { color: #57606a; margin: .2rem 0 1rem; word-break: break-all; }
#verdict { font-size: 1.1rem; padding: .4rem .6rem; border-radius: 4px; display: inline-block; }
#verdict.passed { background: #dafbe1; } #verdict.failed { background: #ffebe9; }
#controls { margin: 1rem 0; display: flex; gap: 1rem; align-items: center; }
table { border-collapse: collapse; width: 100%; margin-bottom: 1.5rem; }
th, td { border-bottom: 1px solid #d0d7de; padding: .25rem .5rem; text-align: left; vertical-align: top; }
th { cursor: pointer; background: #f6f8fa; user-select: none; white-space: nowrap; }
th[aria-sort="ascending"]::after { content: " ▲"; } th[aria-sort="descending"]::after { content: " ▼"; }
td { word-break: break-word; }
tr.hidden { display: none; }
.bar text { font-size: 12px; fill: #1b1f24; }
.sev-CRITICAL rect { fill: #8b0000; } .sev-HIGH rect { fill: #d1242f; }
.sev-MEDIUM rect { fill: #bf8700; } .sev-LOW rect { fill: #0969da; }
.sev-NEGLIGIBLE rect, .sev-UNKNOWN rect { fill: #8c959f; }
`;

export const HTML_SCRIPT = `
(function () {
  "use strict";
  function value(row, col) {
    var cell = row.children[col];
    if (!cell) return "";
    var s = cell.getAttribute("data-sort");
    return s !== null ? s : cell.textContent;
  }
  function compare(a, b) {
    var x = Number(a), y = Number(b);
    if (a !== "" && b !== "" && !isNaN(x) && !isNaN(y)) return x - y;
    return String(a).localeCompare(String(b));
  }
  document.querySelectorAll("table.sortable th").forEach(function (th) {
    function sort() {
      var table = th.closest("table");
      var body = table.tBodies[0];
      var col = Number(th.getAttribute("data-col"));
      var up = th.getAttribute("aria-sort") !== "ascending";
      table.querySelectorAll("th").forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", up ? "ascending" : "descending");
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var c = compare(value(a, col), value(b, col));
        return up ? c : -c;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    }
    th.addEventListener("click", sort);
    th.addEventListener("keydown", function (e) { if (e.key === "Enter") sort(); });
  });
  var filter = document.getElementById("filter");
  var severity = document.getElementById("severity");
  var shown = document.getElementById("shown");
  function apply() {
    var q = filter.value.trim().toLowerCase();
    var sev = severity.value;
    var total = 0, visible = 0;
    document.querySelectorAll("table.sortable tbody tr").forEach(function (row) {
      var match = (!q || row.textContent.toLowerCase().indexOf(q) >= 0) &&
        (!sev || !row.hasAttribute("data-severity") || row.getAttribute("data-severity") === sev);
      row.classList.toggle("hidden", !match);
      total += 1;
      if (match) visible += 1;
    });
    shown.textContent = visible + " of " + total + " rows";
  }
  filter.addEventListener("input", apply);
  severity.addEventListener("change", apply);
  apply();
})();
`;
