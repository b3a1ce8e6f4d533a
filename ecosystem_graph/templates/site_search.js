// The static site's search: every entity's name and other names, kind, place and page, embedded
// as JSON in the page; matches are listed as links as one types. Offline, no request.
(function () {
  "use strict";
  var entries = JSON.parse(document.getElementById("search-index").textContent);
  var box = document.getElementById("q"), list = document.getElementById("hits"), note = document.getElementById("hits-note");
  var fold = function (s) { return String(s).normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase(); };
  var names = entries.map(function (e) { return [e[0]].concat(e[1]).map(fold); });
  function search() {
    var q = fold(box.value.trim()), hits = [];
    if (q) {
      for (var i = 0; i < entries.length; i++) {
        for (var t = 0; t < names[i].length; t++) {
          var at = names[i][t].indexOf(q);
          if (at >= 0) { hits.push({i: i, t: t, rank: (at === 0 ? 0 : 2) + (t ? 1 : 0)}); break; }
        }
      }
    }
    hits.sort(function (a, b) { return a.rank - b.rank || entries[a.i][0].length - entries[b.i][0].length || a.i - b.i; });
    list.replaceChildren();
    hits.slice(0, 200).forEach(function (hit) {
      var e = entries[hit.i], li = document.createElement("li"), a = document.createElement("a"), why = document.createElement("span");
      a.href = e[3]; a.textContent = e[0];
      why.className = "muted";
      why.textContent = " " + [e[2], e[4], hit.t ? "also called " + e[1][hit.t - 1] : ""].filter(Boolean).join(" · ");
      li.append(a, why);
      list.appendChild(li);
    });
    note.textContent = q ? hits.length.toLocaleString() + " match" + (hits.length === 1 ? "" : "es") +
      (hits.length > 200 ? " (the first 200 shown)" : "") : entries.length.toLocaleString() + " entities to search";
    document.body.dataset.hits = String(hits.length);
    history.replaceState(null, "", q ? "#q=" + encodeURIComponent(box.value.trim()) : "#");
  }
  box.addEventListener("input", search);
  var start = new URLSearchParams(location.hash.replace(/^#/, "")).get("q");
  if (start) box.value = start;
  search();
})();
