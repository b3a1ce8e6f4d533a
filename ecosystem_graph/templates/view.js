/* ecosystem-graph view: draws the JSON of the element #view-data with vis-network.
 *
 * Every text of the data is untrusted: it only ever reaches the page through textContent or
 * the canvas, never innerHTML. Nothing is fetched: the page's Content-Security-Policy forbids it.
 */
(function () {
  "use strict";

  var timings = { start: performance.now() };
  var data = JSON.parse(document.getElementById("view-data").textContent);
  timings.parsed = performance.now();
  var kinds = data.kinds;
  var info = data.nodes;           // one object per node, index = vis id
  var edgeList = data.edges;       // [from, to, relation index, inferred (0/1)]
  var relations = data.relations;
  var groups = data.groups || [];  // aggregated view: [{label, size, x, y, members: [...]}]
  var aggregated = groups.length > 0;
  var total = info.length;

  var $ = function (id) { return document.getElementById(id); };
  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (cls) { node.className = cls; }
    return node;
  }

  // -- adjacency, for focusing a neighbourhood --------------------------------------------------
  var adjacency = new Array(total);
  for (var i = 0; i < total; i++) { adjacency[i] = []; }
  edgeList.forEach(function (e, index) {
    adjacency[e[0]].push([e[1], index, 1]);
    if (e[0] !== e[1]) { adjacency[e[1]].push([e[0], index, -1]); }
  });

  // -- state -------------------------------------------------------------------------------------
  var kindOn = kinds.map(function () { return true; });
  var dateFrom = "", dateTo = "";
  var focusSet = null, focusNode = null, focusTitle = "";
  var hidden = new Uint8Array(total);          // what the DataSet currently says
  var groupOf = new Int32Array(total).fill(-1);
  var expanded = new Set();
  groups.forEach(function (g, index) { g.members.forEach(function (m) { groupOf[m] = index; }); });

  function range(start, end) {
    // Dates are ISO text: YYYY, YYYY-MM or YYYY-MM-DD; compare them as padded strings.
    if (!start) { return null; }
    var low = start.length === 4 ? start + "-01-01" : start.length === 7 ? start + "-01" : start;
    var last = end || start;
    var high = last.length === 4 ? last + "-12-31" : last.length === 7 ? last + "-31" : last;
    return [low, high];
  }
  // Undated meetings carry their visit's dates (rd, re): they took place during it.
  var ranges = info.map(function (n) { return n.d ? range(n.d, n.e) : range(n.rd, n.re); });

  function dateOk(i) {
    var r = ranges[i];
    if (!r || (!dateFrom && !dateTo)) { return true; }
    if (dateFrom && r[1] < dateFrom) { return false; }
    if (dateTo && r[0] > dateTo) { return false; }
    return true;
  }
  function shown(i) {
    return kindOn[info[i].t] && dateOk(i) && (focusSet === null || focusSet.has(i));
  }

  // -- vis data ----------------------------------------------------------------------------------
  var LAZY_LABELS = 1500, LABELS_IN_SIGHT = 1200, BUNDLES_PER_NODE = 4;
  var large = total > 2000;
  var labelChars = data.wrap ? 90 : 40;
  // vis-network spends about a tenth of a millisecond per label when it builds the network, and
  // labels of a large view are too small to draw until one zooms in: they are added then, to the
  // nodes in sight.
  var lazyLabels = total > LAZY_LABELS;
  var labelled = new Uint8Array(total);
  function cut(text) { return text.length > labelChars ? text.slice(0, labelChars - 1) + "…" : text; }
  function visNode(i) {
    var n = info[i];
    var item = { id: i, x: n.x, y: n.y, size: n.s, group: "k" + n.t, hidden: !shown(i) };
    if (!lazyLabels) { item.label = cut(n.l); }
    return item;
  }
  function visEdge(index) {
    var e = edgeList[index];
    var edge = { id: index, from: e[0], to: e[1] };
    if (data.edgeLabels) { edge.label = relations[e[2]]; }
    if (e[3]) { edge.dashes = true; }
    return edge;
  }
  var nodes = new vis.DataSet();
  var edges = new vis.DataSet();
  var network = null;

  function groupNodeId(index) { return "g" + index; }
  function rep(i) { return groupOf[i] < 0 || expanded.has(groupOf[i]) ? i : groupNodeId(groupOf[i]); }

  function fillAggregated() {
    var nodeItems = [], edgeItems = [], bundles = new Map();
    groups.forEach(function (g, index) {
      if (expanded.has(index)) {
        g.members.forEach(function (m) { var item = visNode(m); hidden[m] = item.hidden ? 1 : 0; nodeItems.push(item); });
      } else {
        nodeItems.push({ id: groupNodeId(index), label: g.label, x: g.x, y: g.y, size: g.s,
                         group: "community", title: undefined });
      }
    });
    edgeList.forEach(function (e, index) {
      var a = rep(e[0]), b = rep(e[1]);
      if (typeof a === "number" && typeof b === "number") { edgeItems.push(visEdge(index)); return; }
      if (a === b) { return; }
      var key = a < b ? a + "|" + b : b + "|" + a;
      var bundle = bundles.get(key);
      if (bundle) { bundle.count += 1; } else { bundles.set(key, { from: a, to: b, count: 1 }); }
    });
    // Communities of a large graph link to most others: draw each one's strongest few bundles.
    var strongest = new Map();
    bundles.forEach(function (b) {
      [b.from, b.to].forEach(function (end) {
        var list = strongest.get(end);
        if (!list) { list = []; strongest.set(end, list); }
        list.push(b.count);
      });
    });
    strongest.forEach(function (list, end) {
      list.sort(function (a, b) { return b - a; });
      strongest.set(end, list[Math.min(list.length, BUNDLES_PER_NODE) - 1]);
    });
    bundles.forEach(function (b, key) {
      if (b.count < strongest.get(b.from) && b.count < strongest.get(b.to)) { return; }
      edgeItems.push({ id: "b" + key, from: b.from, to: b.to, label: b.count + (b.count === 1 ? " link" : " links"),
                       width: Math.min(1 + Math.log(b.count), 8), arrows: { to: { enabled: false } } });
    });
    nodes.clear(); edges.clear();
    labelled.fill(0);
    nodes.add(nodeItems); edges.add(edgeItems);
    if (network) { refreshLabels(); }
  }

  if (aggregated) {
    fillAggregated();
  } else {
    var items = new Array(total);
    for (var j = 0; j < total; j++) { items[j] = visNode(j); hidden[j] = items[j].hidden ? 1 : 0; }
    nodes.add(items);
    edges.add(edgeList.map(function (_, index) { return visEdge(index); }));
  }

  timings.datasets = performance.now();
  var visGroups = { community: { shape: "dot", color: { background: "#d9d9d9", border: "#7f7f7f" },
                                 font: { size: 16, strokeWidth: 4, strokeColor: "#ffffff" } } };
  kinds.forEach(function (k, index) {
    visGroups["k" + index] = { shape: k.shape, color: { background: k.color, border: k.border,
      highlight: { background: k.color, border: "#000000" }, hover: { background: k.color, border: "#000000" } } };
  });

  var options = {
    autoResize: true,
    groups: visGroups,
    physics: { enabled: false, stabilization: false },
    layout: { improvedLayout: false, randomSeed: 1 },
    nodes: {
      borderWidth: 1.5,
      font: { size: 16, face: "system-ui, sans-serif", color: "#1a1a1a", strokeWidth: 3, strokeColor: "#ffffff" },
      scaling: { label: { enabled: false } },
      widthConstraint: data.wrap ? { maximum: data.wrap } : false
    },
    edges: {
      color: { color: "#9aa0a6", highlight: "#333333", hover: "#333333", opacity: large ? 0.45 : 0.9 },
      width: 1,
      smooth: false,
      arrows: { to: { enabled: !large, scaleFactor: 0.45 } },
      font: { size: 11, face: "system-ui, sans-serif", color: "#555555", strokeWidth: 3, strokeColor: "#ffffff",
              align: "middle" },
      selectionWidth: 2
    },
    interaction: { hover: true, tooltipDelay: 80, hideEdgesOnDrag: large, hideEdgesOnZoom: large,
                   navigationButtons: false, keyboard: false, multiselect: false }
  };

  var container = $("network");
  network = new vis.Network(container, { nodes: nodes, edges: edges }, options);
  timings.network = performance.now();

  network.once("afterDrawing", function () {
    if (network.getScale() > 1.25) { network.moveTo({ scale: 1.25 }); }  // small views: do not blow up
    window.__viewReadyMs = timings.drawn = performance.now();
    window.__viewTimings = timings;
    window.__viewReady = true;
    document.body.setAttribute("data-ready", "1");
  });

  // -- labels of large views, added when they become readable ------------------------------------
  var labelTimer = null;
  function refreshLabels() {
    if (!lazyLabels) { return; }
    clearTimeout(labelTimer);
    labelTimer = setTimeout(function () {
      if (network.getScale() * 16 < 6) { return; }    // too small to be drawn anyway
      var box = container.getBoundingClientRect();
      var low = network.DOMtoCanvas({ x: 0, y: 0 }), high = network.DOMtoCanvas({ x: box.width, y: box.height });
      var updates = [];
      for (var i = 0; i < total && updates.length < LABELS_IN_SIGHT; i++) {
        var n = info[i];
        if (!labelled[i] && !hidden[i] && n.x >= low.x && n.x <= high.x && n.y >= low.y && n.y <= high.y &&
            (!aggregated || groupOf[i] < 0 || expanded.has(groupOf[i]))) {
          labelled[i] = 1;
          updates.push({ id: i, label: cut(n.l) });
        }
      }
      if (updates.length) { nodes.update(updates); }
    }, 120);
  }
  network.on("zoom", refreshLabels);
  network.on("dragEnd", refreshLabels);

  // -- status line -------------------------------------------------------------------------------
  function updateStatus() {
    var drawn = network.body.nodeIndices.length;
    var text = aggregated
      ? drawn + " drawn: " + (groups.length - expanded.size) + " collapsed communities of " + total + " entities"
      : drawn + " of " + total + " entities shown";
    if (focusSet !== null && focusTitle) { text = focusTitle + ": " + text; }
    $("status").textContent = text;
    $("show-all").hidden = focusSet === null;
  }

  // -- visibility (type filter, date range, focus) ------------------------------------------------
  function applyVisibility() {
    var updates = [];
    for (var i = 0; i < total; i++) {
      if (aggregated && groupOf[i] >= 0 && !expanded.has(groupOf[i])) { continue; }
      var hide = shown(i) ? 0 : 1;
      if (hide !== hidden[i]) { hidden[i] = hide; updates.push({ id: i, hidden: hide === 1 }); }
    }
    if (updates.length) { nodes.update(updates); }
    updateStatus();
  }

  function neighbourhood(start, depth) {
    var seen = new Set([start]), frontier = [start];
    for (var level = 0; level < depth; level++) {
      var next = [];
      frontier.forEach(function (i) {
        adjacency[i].forEach(function (link) {
          if (!seen.has(link[0])) { seen.add(link[0]); next.push(link[0]); }
        });
      });
      frontier = next;
    }
    return seen;
  }

  function expandGroupOf(i) {
    if (aggregated && groupOf[i] >= 0 && !expanded.has(groupOf[i])) {
      expanded.add(groupOf[i]);
      fillAggregated();
    }
  }

  function focusOn(i, depth) {
    focusNode = i;
    focusTitle = "";
    focusSet = neighbourhood(i, depth || 1);
    if (aggregated) { focusSet.forEach(expandGroupOf); }
    applyVisibility();
    network.selectNodes([i]);
    showDetails(i);
    var ids = []; focusSet.forEach(function (n) { if (!hidden[n]) { ids.push(n); } });
    network.fit({ nodes: ids, animation: false });
    if (network.getScale() > 1.25) { network.moveTo({ scale: 1.25 }); }
    refreshLabels();
  }

  function showSelection(key) {
    var chosen = (data.selections || {})[key];
    if (!chosen) { return; }
    focusNode = null;
    focusTitle = chosen.title;
    focusSet = new Set(chosen.members);
    if (aggregated) { focusSet.forEach(expandGroupOf); }
    applyVisibility();
    network.unselectAll();
    if (chosen.focus !== null && chosen.focus !== undefined) { network.selectNodes([chosen.focus]); showDetails(chosen.focus); }
    var ids = []; focusSet.forEach(function (n) { if (!hidden[n]) { ids.push(n); } });
    network.fit({ nodes: ids, animation: false });
    if (network.getScale() > 1.25) { network.moveTo({ scale: 1.25 }); }
    refreshLabels();
  }

  function clearFocus() {
    focusSet = null; focusNode = null;
    applyVisibility();
    network.unselectAll();
    network.fit({ animation: false });
    refreshLabels();
  }
  $("show-all").addEventListener("click", clearFocus);
  $("fit").addEventListener("click", function () { network.fit({ animation: false }); });

  // -- tooltip -----------------------------------------------------------------------------------
  var tip = $("tooltip");
  function factList(parent, title, values, limit) {
    if (!values || !values.length) { return; }
    parent.appendChild(el("div", title, "tip-heading"));
    var list = el("ul");
    values.slice(0, limit).forEach(function (v) { list.appendChild(el("li", v)); });
    if (values.length > limit) { list.appendChild(el("li", "… and " + (values.length - limit) + " more", "more")); }
    parent.appendChild(list);
  }
  function dateText(n) {
    if (!n.d) { return ""; }
    return n.e && n.e !== n.d ? n.d + " to " + n.e : n.d;
  }
  function fillCard(box, i, limit) {
    var n = info[i];
    box.appendChild(el("div", n.l, "tip-title"));
    var kind = kinds[n.t];
    var line = kind.label + (dateText(n) ? " · " + dateText(n) : "");
    box.appendChild(el("div", line, "tip-kind"));
    if (n.desc) { box.appendChild(el("p", n.desc, "tip-desc")); }
    factList(box, "Facts", n.f, limit);
    factList(box, "Inferred, not stated by the source", n.i, limit);
    factList(box, "Source", (n.src || []).map(function (s) { return data.sources[s]; }), limit);
    if (data.score_name) { box.appendChild(el("div", data.score_name + " centrality " + n.c, "tip-score")); }
  }
  function placeTip(pointer) {
    var pad = 14, box = container.getBoundingClientRect();
    var x = pointer.x + pad, y = pointer.y + pad;
    tip.style.left = "0px"; tip.style.top = "0px"; tip.hidden = false;
    var w = tip.offsetWidth, h = tip.offsetHeight;
    if (x + w > box.width) { x = Math.max(0, pointer.x - w - pad); }
    if (y + h > box.height) { y = Math.max(0, box.height - h - 4); }
    tip.style.left = x + "px"; tip.style.top = y + "px";
  }
  network.on("hoverNode", function (params) {
    tip.replaceChildren();
    if (typeof params.node === "string") {
      var g = groups[Number(params.node.slice(1))];
      tip.appendChild(el("div", g.label, "tip-title"));
      tip.appendChild(el("div", "Community of " + g.members.length + " entities; click to expand", "tip-kind"));
    } else {
      fillCard(tip, params.node, 8);
    }
    placeTip(params.pointer.DOM);
  });
  network.on("hoverEdge", function (params) {
    var e = typeof params.edge === "number" ? edgeList[params.edge] : null;
    tip.replaceChildren();
    if (e) {
      tip.appendChild(el("div", info[e[0]].l + " → " + relations[e[2]] + " → " + info[e[1]].l, "tip-edge"));
      if (e[3]) { tip.appendChild(el("div", "inferred, not stated by the source", "tip-kind")); }
    } else {
      var item = edges.get(params.edge);
      tip.appendChild(el("div", item ? item.label : "", "tip-edge"));
    }
    placeTip(params.pointer.DOM);
  });
  network.on("blurNode", function () { tip.hidden = true; });
  network.on("blurEdge", function () { tip.hidden = true; });
  network.on("dragStart", function () { tip.hidden = true; });
  network.on("zoom", function () { tip.hidden = true; });

  // -- details panel -----------------------------------------------------------------------------
  var pagePattern = /^(\.\.\/)*[a-z0-9][a-z0-9-]*\/[A-Za-z0-9_][A-Za-z0-9._-]*\.html$/;
  function showDetails(i) {
    var box = $("details");
    box.replaceChildren();
    fillCard(box, i, 1000);
    var n = info[i];
    if (n.p && pagePattern.test(n.p)) {
      var link = el("a", "Open the page of " + n.l);
      link.setAttribute("href", n.p);
      link.className = "page-link";
      box.appendChild(link);
    }
    var links = adjacency[i];
    if (links.length) {
      box.appendChild(el("div", "Links (" + links.length + ")", "tip-heading"));
      var list = el("ul", null, "links");
      links.slice(0, 200).forEach(function (link) {
        var e = edgeList[link[1]], other = info[link[0]];
        var item = el("li");
        var text = link[2] > 0 ? relations[e[2]] + " → " : "← " + relations[e[2]] + " ← ";
        item.appendChild(el("span", text, "rel"));
        var button = el("button", other.l, "linklike");
        button.type = "button";
        button.addEventListener("click", function () { focusOn(link[0]); });
        item.appendChild(button);
        list.appendChild(item);
      });
      box.appendChild(list);
    }
    box.hidden = false;
  }

  network.on("click", function (params) {
    if (!params.nodes.length) { return; }
    var id = params.nodes[0];
    if (typeof id === "string") {        // a collapsed community: expand it
      expanded.add(Number(id.slice(1)));
      fillAggregated();
      applyVisibility();
      return;
    }
    focusOn(id);
  });

  // -- legend: type filter -----------------------------------------------------------------------
  document.querySelectorAll("input[data-kind]").forEach(function (box) {
    box.addEventListener("change", function () {
      kindOn[Number(box.getAttribute("data-kind"))] = box.checked;
      applyVisibility();
    });
  });

  // -- date range --------------------------------------------------------------------------------
  function readDates() {
    dateFrom = $("date-from") ? $("date-from").value : "";
    dateTo = $("date-to") ? $("date-to").value : "";
    applyVisibility();
  }
  if ($("date-from")) {
    $("date-from").addEventListener("change", readDates);
    $("date-to").addEventListener("change", readDates);
    $("date-clear").addEventListener("click", function () {
      $("date-from").value = ""; $("date-to").value = ""; readDates();
    });
  }

  // -- search by label ---------------------------------------------------------------------------
  var folded = info.map(function (n) { return n.l.toLowerCase(); });
  function search(text) {
    // Exact matches first, then labels that start with the text, then words that do, then the rest.
    var query = text.trim().toLowerCase(), found = [];
    if (!query) { return found; }
    for (var i = 0; i < total; i++) {
      var at = folded[i].indexOf(query);
      if (at < 0) { continue; }
      var rank = folded[i] === query ? 0 : at === 0 ? 1 : /[\s\-(]/.test(folded[i].charAt(at - 1)) ? 2 : 3;
      found.push([rank, folded[i].length, i]);
    }
    found.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1] || a[2] - b[2]; });
    return found.slice(0, 12).map(function (f) { return f[2]; });
  }
  var results = $("search-results");
  function showResults() {
    results.replaceChildren();
    var found = search($("search").value);
    found.forEach(function (i) {
      var button = el("button", info[i].l, "result");
      button.type = "button";
      button.appendChild(el("span", " " + kinds[info[i].t].label, "result-kind"));
      button.addEventListener("click", function () { results.replaceChildren(); focusOn(i); });
      results.appendChild(button);
    });
    if ($("search").value.trim() && !found.length) { results.appendChild(el("div", "No label matches.", "none")); }
  }
  $("search").addEventListener("input", showResults);
  $("search-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var found = search($("search").value);
    if (found.length) { results.replaceChildren(); focusOn(found[0]); }
  });
  $("search").addEventListener("keydown", function (event) {
    if (event.key === "Escape") { results.replaceChildren(); }
  });
  container.addEventListener("pointerdown", function () { results.replaceChildren(); });

  // -- focus from the address: #focus=kind/id&depth=2 --------------------------------------------
  var byKey = new Map();
  info.forEach(function (n, index) { byKey.set(n.k, index); });
  function fromHash() {
    var params = new URLSearchParams(window.location.hash.slice(1));
    var key = params.get("focus");
    if (key && byKey.has(key)) { focusOn(byKey.get(key), Math.min(Number(params.get("depth")) || 1, 6)); }
    if (params.get("show")) { showSelection(params.get("show")); }
  }
  window.addEventListener("hashchange", fromHash);
  if (data.focus !== null && data.focus !== undefined) { network.selectNodes([data.focus]); }
  fromHash();
  updateStatus();

  // For tests and for people in the console: the network, its data and a summary of the state.
  window.__view = {
    network: network, nodes: nodes, edges: edges,
    state: function () {
      return { total: total, drawn: network.body.nodeIndices.length, edgesDrawn: network.body.edgeIndices.length,
               focus: focusNode, selected: network.getSelectedNodes(), expanded: expanded.size,
               groups: groups.length };
    },
    idOf: function (key) { return byKey.has(key) ? byKey.get(key) : null; }
  };
}());
