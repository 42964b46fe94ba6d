// Filters and drill-down for the rule table. The numbers come from the JSON
// block "drill-data", already suppressed as text; the page reads fine without
// this script (the table then shows every case).
(function () {
  "use strict";
  var block = document.getElementById("drill-data");
  var table = document.getElementById("drill-table");
  if (!block || !table) { return; }
  var data = JSON.parse(block.textContent || "{}");
  var selects = document.querySelectorAll("#drill-filters select");
  var status = document.getElementById("drill-status");
  var rows = table.tBodies[0].rows;
  var names = ["d-ev", "d-br", "d-rate"];
  var original = Array.prototype.map.call(rows, function (row) {
    return names.map(function (name) { return row.querySelector("." + name).textContent; });
  });
  function sortKey(text) {
    var digits = text.replace(/[^0-9,.]/g, "").replace(",", ".");
    return digits === "" || text.charAt(0) === "<" ? "-1" : digits;
  }
  function show(dim, value, label) {
    Array.prototype.forEach.call(rows, function (row) {
      var rule = Number(row.getAttribute("data-rule"));
      var texts = value ? data[dim][value][rule] : original[rule];
      names.forEach(function (name, k) {
        var cell = row.querySelector("." + name);
        cell.textContent = texts[k];
        cell.setAttribute("data-sort", sortKey(texts[k]));
      });
    });
    if (status) { status.textContent = value ? label + ": " + value : ""; }
  }
  Array.prototype.forEach.call(selects, function (select) {
    select.addEventListener("change", function () {
      Array.prototype.forEach.call(selects, function (other) {
        if (other !== select) { other.value = ""; }  // one filter at a time
      });
      var label = select.parentNode.firstChild.textContent.trim();
      show(select.getAttribute("data-dim"), select.value, label);
    });
  });
  function fill(body, lines) {
    while (body.firstChild) { body.removeChild(body.firstChild); }
    lines.forEach(function (cells) {
      var tr = document.createElement("tr");
      cells.forEach(function (text, k) {
        var td = document.createElement("td");
        if (k > 0) { td.className = "num"; }
        td.textContent = text;
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
  }
  var panel = document.getElementById("drill-panel");
  function drill(rule) {
    if (!panel) { return; }
    var row = table.querySelector('tr[data-rule="' + rule + '"] button');
    document.getElementById("drill-panel-h").textContent = row ? row.textContent : "";
    fill(document.querySelector("#drill-pairs tbody"), (data.pairs || [])[rule] || []);
    var places = data.places || {};
    fill(document.querySelector("#drill-places tbody"), Object.keys(places).sort().map(
      function (place) { return [place].concat(places[place][rule]); }));
    panel.hidden = false;
  }
  Array.prototype.forEach.call(table.querySelectorAll("button.rule-link"), function (button) {
    button.addEventListener("click", function () {
      drill(Number(button.getAttribute("data-rule")));
    });
  });
}());
