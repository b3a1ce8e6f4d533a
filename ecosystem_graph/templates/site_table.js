// Index tables of the static site: filter by typing, sort by a column, page through 100 rows at a
// time. Without scripts the whole table is there; this only adds the controls. Cell text is read
// and compared, never parsed as HTML.
(function () {
  "use strict";
  var PAGE = 100;
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows), shown = rows, page = 0;
    var headers = Array.prototype.slice.call(table.tHead.rows[0].cells), order = {column: -1, down: false};
    var bar = document.createElement("div"), filter = document.createElement("input");
    var status = document.createElement("span"), back = document.createElement("button"), next = document.createElement("button");
    bar.className = "table-bar";
    filter.type = "search"; filter.placeholder = "Filter rows (any column)"; filter.setAttribute("aria-label", "filter rows");
    back.type = next.type = "button"; back.textContent = "\u2190 previous"; next.textContent = "next \u2192";
    bar.append(filter, back, next, status);
    table.parentNode.insertBefore(bar, table);
    var text = rows.map(function (row) { return row.textContent.toLowerCase(); });
    var value = function (row, column) {
      var cell = row.cells[column], number = cell.getAttribute("data-value");
      return number !== null ? parseFloat(number) : cell.textContent.trim().toLowerCase();
    };
    function draw() {
      var pages = Math.max(1, Math.ceil(shown.length / PAGE));
      page = Math.min(page, pages - 1);
      body.replaceChildren.apply(body, shown.slice(page * PAGE, (page + 1) * PAGE));
      status.textContent = shown.length.toLocaleString() + " of " + rows.length.toLocaleString() + " rows" +
        (pages > 1 ? ", page " + (page + 1) + " of " + pages : "");
      back.disabled = page === 0; next.disabled = page >= pages - 1;
      document.body.dataset.rows = String(shown.length);
    }
    filter.addEventListener("input", function () {
      var words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
      shown = rows.filter(function (row, i) { return words.every(function (w) { return text[i].indexOf(w) >= 0; }); });
      page = 0; sort(); draw();
    });
    function sort() {
      if (order.column < 0) return;
      var c = order.column, sign = order.down ? -1 : 1;
      shown.sort(function (a, b) {
        var x = value(a, c), y = value(b, c);
        return (x < y ? -1 : x > y ? 1 : 0) * sign;
      });
    }
    headers.forEach(function (th, column) {
      var button = document.createElement("button");
      button.type = "button"; button.className = "sort"; button.textContent = th.textContent;
      th.replaceChildren(button);
      button.addEventListener("click", function () {
        order = {column: column, down: order.column === column ? !order.down : false};
        headers.forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", order.down ? "descending" : "ascending");
        sort(); draw();
      });
    });
    back.addEventListener("click", function () { page--; draw(); });
    next.addEventListener("click", function () { page++; draw(); });
    draw();
  });
})();
