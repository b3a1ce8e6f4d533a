// The partner map page: draws the embedded JSON with sigma.js (WebGL), applies the facets and
// filters, keeps the state in the address, and exports what is visible. Text from the data is only
// ever set with textContent or drawn on a canvas, never parsed as HTML.
(function () {
  "use strict";
  var lib = window.EcoGraphLib;
  var started = performance.now(), timing = {};
  var data = JSON.parse(document.getElementById("map-data").textContent);
  timing.start = started;
  timing.parse = performance.now() - started;
  var N = data.nodes.l, E = data.edges, G = data.groups || [];
  var n = N.length, m = E.s.length;
  var PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
                 "#9c755f", "#17becf", "#bcbd22", "#8c564b", "#a0cbe8", "#ffbe7d", "#8cd17d", "#b6992d",
                 "#f1ce63", "#86bcb6", "#d37295", "#fabfd2"];
  var OTHER = "#c9c9c9", NONE = "#e6e6e6", FADED = "#eeeeee", FADED_EDGE = "#f3f3f3";
  var LARGE_NODES = 5000, LARGE_LINKS = 20000;  // above either, cheaper WebGL programs (see the renderer)
  var REASON_COLORS = {met: "#e15759", partnership: "#b07aa1", project: "#9bb0c8", event: "#59a14f",
                       relation: "#f28e2b", theme: "#d8c28a", member: "#4e79a7", contact: "#edc948"};
  var FACETS = [["type", "Type"], ["country", "Country"], ["city", "City"], ["theme", "Theme"]];
  var METRIC_NAMES = {degree: "Links", betweenness: "Betweenness (broker)", meetings: "Meetings",
                      projects: "Projects", none: "Same size"};
  var $ = function (id) { return document.getElementById(id); };
  var el = function (tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  };

  // -- the graph's derived tables --------------------------------------------------------------
  var person = new Uint8Array(n);
  data.nodes.person.forEach(function (i) { person[i] = 1; });
  var group = data.nodes.g || null;
  var adjacency = [];
  for (var i = 0; i < n; i++) adjacency.push([]);
  for (var k = 0; k < m; k++) { adjacency[E.s[k]].push(k); adjacency[E.t[k]].push(k); }
  var other = function (k, i) { return E.s[k] === i ? E.t[k] : E.s[k]; };
  var fold = function (s) { return String(s).normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase(); };
  var searchText = N.map(function (label, i) {
    return [label].concat(data.nodes.a[i] || []).map(fold);
  });
  var keyIndex = new Map(data.nodes.k.map(function (key, i) { return [key, i]; }));
  var facetValues = {};
  FACETS.forEach(function (f) { facetValues[f[0]] = data.facets[f[0]] || []; });
  var valuesOf = function (facet, i) {
    var v = data.nodes[facet][i];
    return facet === "theme" ? v : (v >= 0 ? [v] : []);
  };
  var metricNames = Object.keys(data.nodes.m).concat(["none"]);

  // -- state, and the address that keeps it ----------------------------------------------------
  var state = {tab: "network", color: null, size: null, filters: {}, reasons: new Set(data.reasons), statuses: new Set(data.statuses),
               from: "", to: "", onlyLinked: false, selected: null, shown: null, hidden: new Set(),
               collapsed: new Set()};
  FACETS.forEach(function (f) { state.filters[f[0]] = new Set(); });

  function readAddress() {
    var params = new URLSearchParams(location.hash.replace(/^#/, ""));
    var preset = data.preset || {};
    var get = function (name) { return params.has(name) ? params.get(name) : (preset[name] !== undefined ? preset[name] : null); };
    var list = function (name) {
      var v = get(name);
      if (v === null) return null;
      return Array.isArray(v) ? v.map(String) : String(v).split("|").filter(Boolean);
    };
    state.tab = get("tab") === "map" && places.length ? "map" : "network";
    state.color = pick(get("color"), ["group", "type", "country", "city", "theme", "kind"], data.groups ? "group" : "type");
    state.size = pick(get("size"), metricNames, data.nodes.m.betweenness ? "betweenness" : "degree");
    FACETS.forEach(function (f) {
      var chosen = list(f[0]) || [];
      state.filters[f[0]] = new Set(chosen.map(function (label) { return facetValues[f[0]].indexOf(label); })
                                         .filter(function (x) { return x >= 0; }));
    });
    var reasons = list("links");
    if (reasons) state.reasons = new Set(reasons.filter(function (r) { return data.reasons.indexOf(r) >= 0; }));
    var statuses = list("status");
    if (statuses) state.statuses = new Set(statuses);
    state.from = validDate(get("from")); state.to = validDate(get("to"));
    state.onlyLinked = get("linked") === "1" || get("linked") === true;
    var hidden = list("hide") || [];
    state.hidden = new Set(hidden.map(function (key) { return keyIndex.get(key); }).filter(isIndex));
    var focus = get("focus");
    state.focusKey = null;
    if (focus !== null && keyIndex.has(String(focus))) {
      state.focusKey = String(focus);
      state.shown = neighbourhood(keyIndex.get(String(focus)));
      state.selected = keyIndex.get(String(focus));
    } else if (data.shown) {
      state.shown = new Set(data.shown);
    }
    var selected = get("sel");
    if (selected !== null && keyIndex.has(String(selected))) state.selected = keyIndex.get(String(selected));
    else if (state.selected === null && data.focus !== null) state.selected = data.focus;
    state.collapsed = new Set();
    if (data.collapsed && get("expanded") !== "1") G.forEach(function (_, g) { state.collapsed.add(g); });
  }
  function pick(value, allowed, fallback) { return allowed.indexOf(value) >= 0 ? value : fallback; }
  function validDate(v) { return v && /^\d{4}-\d{2}-\d{2}$/.test(String(v)) ? String(v) : ""; }
  function isIndex(x) { return typeof x === "number"; }

  function writeAddress() {
    var params = new URLSearchParams();
    if (state.tab === "map") params.set("tab", "map");
    params.set("color", state.color);
    params.set("size", state.size);
    FACETS.forEach(function (f) {
      if (state.filters[f[0]].size) {
        params.set(f[0], Array.from(state.filters[f[0]]).map(function (v) { return facetValues[f[0]][v]; }).join("|"));
      }
    });
    if (state.reasons.size !== data.reasons.length) params.set("links", Array.from(state.reasons).join("|"));
    if (state.statuses.size !== data.statuses.length) params.set("status", Array.from(state.statuses).join("|"));
    if (state.from) params.set("from", state.from);
    if (state.to) params.set("to", state.to);
    if (state.onlyLinked) params.set("linked", "1");
    if (state.hidden.size) params.set("hide", Array.from(state.hidden).map(function (i) { return data.nodes.k[i]; }).join("|"));
    if (state.focusKey) params.set("focus", state.focusKey);
    if (state.selected !== null) params.set("sel", data.nodes.k[state.selected]);
    if (data.collapsed && !state.collapsed.size) params.set("expanded", "1");
    history.replaceState(null, "", "#" + params.toString());
  }

  // -- what is visible ---------------------------------------------------------------------------
  var nodeOn = new Uint8Array(n), edgeOn = new Uint8Array(m), groupCount = new Int32Array(G.length);
  var reasonBit = {};
  data.reasons.forEach(function (r, b) { reasonBit[r] = 1 << b; });
  var day = function (s) { return s ? parseInt(s.replace(/-/g, ""), 10) : 0; };

  function activeIn(spans, lo, hi) {
    for (var j = 0; j < spans.length; j += 2) if (spans[j] <= hi && spans[j + 1] >= lo) return true;
    return false;
  }
  function passesFacets(i) {
    for (var f = 0; f < FACETS.length; f++) {
      var chosen = state.filters[FACETS[f][0]];
      if (!chosen.size) continue;
      var values = valuesOf(FACETS[f][0], i), ok = false;
      for (var v = 0; v < values.length && !ok; v++) ok = chosen.has(values[v]);
      if (!ok) return false;
    }
    return true;
  }
  function recompute() {
    var lo = day(state.from) || 0, hi = day(state.to) || 99991231, timed = !!(state.from || state.to);
    var reasonMask = 0;
    state.reasons.forEach(function (r) { reasonMask |= reasonBit[r]; });
    var statusMask = 0, partnershipBit = reasonBit.partnership;
    data.statuses.forEach(function (s, b) { if (state.statuses.has(s)) statusMask |= 1 << b; });
    for (var i = 0; i < n; i++) {
      nodeOn[i] = (!state.hidden.has(i) && (state.shown === null || state.shown.has(i)) && passesFacets(i) &&
                   (!timed || activeIn(data.nodes.act[i], lo, hi))) ? 1 : 0;
    }
    var degree = new Int32Array(n);
    for (var k = 0; k < m; k++) {
      var r = E.r[k] & reasonMask;
      if (r === partnershipBit && data.statuses.length && !(E.st[k] & statusMask)) r = 0;
      var on = r && nodeOn[E.s[k]] && nodeOn[E.t[k]] && (!timed || (E.from[k] && E.from[k] <= hi && E.to[k] >= lo));
      edgeOn[k] = on ? 1 : 0;
      if (on) { degree[E.s[k]]++; degree[E.t[k]]++; }
    }
    if (state.onlyLinked) {
      for (i = 0; i < n; i++) if (nodeOn[i] && !degree[i] && i !== state.selected) nodeOn[i] = 0;
    }
    groupCount.fill(0);
    if (group) for (i = 0; i < n; i++) if (nodeOn[i] && group[i] >= 0) groupCount[group[i]]++;
    placeCount.fill(0); pairCount.fill(0);
    for (i = 0; i < n; i++) if (nodeOn[i] && placeOf[i] >= 0) placeCount[placeOf[i]]++;
    for (k = 0; k < m; k++) if (edgeOn[k] && pairOf[k] >= 0) pairCount[pairOf[k]]++;
  }
  var visibleNode = function (i) {
    if (state.tab === "map") return nodeOn[i] && placeOf[i] >= 0;
    return nodeOn[i] && !(group && state.collapsed.has(group[i]));
  };
  var drawnNode = function (i) { return visibleNode(i) && (state.tab !== "map" || placesOpen); };

  // -- colour and size -----------------------------------------------------------------------------
  var colors = new Array(n), sizes = new Float32Array(n), legendEntries = [];
  function encode() {
    var counts = new Map();
    var valueOf = function (i) {
      if (state.color === "group") return group ? group[i] : -1;
      if (state.color === "kind") return person[i];
      var v = valuesOf(state.color, i);
      return v.length ? v[0] : -1;
    };
    for (var i = 0; i < n; i++) { var v = valueOf(i); counts.set(v, (counts.get(v) || 0) + 1); }
    var ranked = Array.from(counts.keys()).filter(function (v) { return v >= 0; })
      .sort(function (a, b) { return counts.get(b) - counts.get(a) || a - b; });
    var slot = new Map();
    ranked.slice(0, PALETTE.length).forEach(function (v, j) { slot.set(v, PALETTE[j]); });
    for (i = 0; i < n; i++) { v = valueOf(i); colors[i] = v < 0 ? NONE : (slot.get(v) || OTHER); }
    legendEntries = ranked.slice(0, PALETTE.length).map(function (v) {
      return {value: v, label: valueLabel(state.color, v), color: slot.get(v), count: counts.get(v)};
    });
    var rest = ranked.slice(PALETTE.length).reduce(function (s, v) { return s + counts.get(v); }, 0);
    if (rest) legendEntries.push({value: null, label: (ranked.length - PALETTE.length) + " more values", color: OTHER, count: rest});
    if (counts.get(-1)) legendEntries.push({value: -1, label: "unknown", color: NONE, count: counts.get(-1)});
    var metric = data.nodes.m[state.size], top = 0;
    if (metric) for (i = 0; i < n; i++) top = Math.max(top, metric[i]);
    var small = n > 2000 ? 2 : 5, span = n > 2000 ? 14 : 16;
    for (i = 0; i < n; i++) sizes[i] = metric && top > 0 ? small + span * Math.sqrt(metric[i] / top) : small + 3;
  }
  function valueLabel(facet, v) {
    if (facet === "group") return G[v] ? G[v].label : "";
    if (facet === "kind") return v ? "Person" : "Organization";
    return facetValues[facet][v];
  }

  // -- the geographic map: places, where each node sits, links between places ----------------------
  // Web Mercator in degrees; a place's organizations sit on a golden-angle spiral around it, SPIRAL
  // apart, and are drawn one by one only when that spacing is wide enough on screen: zoomed out,
  // each place is one node sized by how many it holds.
  var SPIRAL = 0.012, mercator = function (lat) {
    var r = Math.max(-85, Math.min(85, lat)) * Math.PI / 180;
    return Math.log(Math.tan(Math.PI / 4 + r / 2)) * 180 / Math.PI;
  };
  var places = [], placeOf = new Int32Array(n).fill(-1), geoX = new Float64Array(n), geoY = new Float64Array(n);
  (function () {
    var index = new Map(), members = [];
    for (var i = 0; i < n; i++) {
      if (data.nodes.lat[i] === null || data.nodes.lat[i] === undefined) continue;
      var key = data.nodes.lat[i] + "," + data.nodes.lon[i];
      if (!index.has(key)) {
        index.set(key, places.length);
        var city = facetValues.city[data.nodes.city[i]], country = facetValues.country[data.nodes.country[i]];
        places.push({x: data.nodes.lon[i], y: mercator(data.nodes.lat[i]), label: city || country || key});
        members.push([]);
      }
      placeOf[i] = index.get(key);
      members[placeOf[i]].push(i);
    }
    var degree = data.nodes.m.degree;
    members.forEach(function (list, p) {
      list.sort(function (a, b) { return degree[b] - degree[a] || a - b; });
      list.forEach(function (i, k) {
        var angle = k * 2.399963, radius = SPIRAL * Math.sqrt(k);
        geoX[i] = places[p].x + radius * Math.cos(angle); geoY[i] = places[p].y + radius * Math.sin(angle);
      });
    });
  })();
  var pairs = [], pairOf = new Int32Array(m).fill(-1);
  (function () {
    var index = new Map();
    for (var k = 0; k < m; k++) {
      var a = placeOf[E.s[k]], b = placeOf[E.t[k]];
      if (a < 0 || b < 0 || a === b) continue;
      var key = a < b ? a + "," + b : b + "," + a;
      if (!index.has(key)) { index.set(key, pairs.length); pairs.push([Math.min(a, b), Math.max(a, b)]); }
      pairOf[k] = index.get(key);
    }
  })();
  var placeCount = new Int32Array(places.length), pairCount = new Int32Array(pairs.length), placesOpen = false;
  var topPlaces = new Set(), pairTop = 1, placeTop = 1, strongPairs = new Set();
  var PAIRS_DRAWN = 400;  // zoomed out, the strongest links between places; a selection shows all of its own
  function rankPlaces() {
    var ranked = places.map(function (_, p) { return p; }).filter(function (p) { return placeCount[p]; })
      .sort(function (a, b) { return placeCount[b] - placeCount[a] || a - b; });
    topPlaces = new Set(ranked.slice(0, 6));
    placeTop = ranked.length ? placeCount[ranked[0]] : 1;
    var strong = pairs.map(function (_, j) { return j; }).filter(function (j) { return pairCount[j]; })
      .sort(function (a, b) { return pairCount[b] - pairCount[a] || a - b; });
    strongPairs = new Set(strong.slice(0, PAIRS_DRAWN));
    pairTop = strong.length ? pairCount[strong[0]] : 1;
  }

  // -- sigma -------------------------------------------------------------------------------------
  var graph = new lib.Graph({type: "undirected", multi: false, allowSelfLoops: false});
  for (i = 0; i < n; i++) graph.addNode("n" + i, {x: data.nodes.x[i], y: data.nodes.y[i], size: 4, label: N[i], i: i});
  for (k = 0; k < m; k++) {
    if (E.s[k] !== E.t[k]) graph.addEdgeWithKey("e" + k, "n" + E.s[k], "n" + E.t[k], {k: k, size: 1});
  }
  G.forEach(function (g, j) { graph.addNode("g" + j, {x: g.x, y: g.y, size: 10, label: g.label, g: j}); });
  (data.groupEdges || []).forEach(function (e, j) {
    graph.addEdgeWithKey("h" + j, "g" + e[0], "g" + e[1], {h: j, size: 1});
  });
  places.forEach(function (place, p) { graph.addNode("p" + p, {x: place.x, y: place.y, size: 4, label: place.label, p: p}); });
  pairs.forEach(function (pair, j) { graph.addEdgeWithKey("q" + j, "p" + pair[0], "p" + pair[1], {q: j, size: 1}); });
  var netX = Float64Array.from(data.nodes.x), netY = Float64Array.from(data.nodes.y);
  function placeNodes() {
    // The nodes' positions are those of the tab shown; place nodes sit where their places are.
    var onMap = state.tab === "map";
    graph.updateEachNodeAttributes(function (key, attrs) {
      if (attrs.i !== undefined) {
        attrs.x = onMap && placeOf[attrs.i] >= 0 ? geoX[attrs.i] : netX[attrs.i];
        attrs.y = onMap && placeOf[attrs.i] >= 0 ? geoY[attrs.i] : netY[attrs.i];
      }
      return attrs;
    });
  }
  var topLabels = new Set();
  // The node whose neighbourhood stands out (hovered, else selected) and its visible neighbours.
  var hovered = null, hoveredEdge = null, spot = null, spotNeighbours = new Set();
  var groupEdgeTop = Math.max.apply(null, [1].concat((data.groupEdges || []).map(function (e) { return e[2]; })));
  function setSpot() {
    spot = hovered !== null ? hovered : state.selected;
    spotNeighbours = new Set();
    if (spot === null || spot === undefined) { spot = null; return; }
    adjacency[spot].forEach(function (k) { if (edgeOn[k]) spotNeighbours.add(other(k, spot)); });
  }

  function edgeColor(k) {
    var r = E.r[k] & ~0;
    for (var b = 0; b < data.reasons.length; b++) if (r & (1 << b)) return REASON_COLORS[data.reasons[b]];
    return "#cccccc";
  }
  var edgeColors = new Array(m);
  for (k = 0; k < m; k++) edgeColors[k] = edgeColor(k);
  var maxWeight = 1;
  for (k = 0; k < m; k++) maxWeight = Math.max(maxWeight, E.w[k]);

  timing.graph = performance.now() - started;
  var renderer = null;
  readAddress();
  placeNodes();
  encode();
  recompute();
  setSpot();
  chooseTopLabels();
  rankPlaces();
  // Links between communities are drawn faint: inside a community they tell who works with whom,
  // across communities thousands of long lines would only cover the picture.
  var crowded = true;  // set by update(): few nodes left visible draw every link plainly
  var crossGroup = function (k) { return crowded && group && group[E.s[k]] !== group[E.t[k]]; };
  renderer = new lib.Sigma(graph, $("map"), {
    // While the camera moves only nodes are drawn: without a GPU (software WebGL) drawing 45,000
    // links took a second per frame; with them hidden on move, panning and zooming stay fluid.
    renderEdgeLabels: true, enableEdgeEvents: m <= 50000, zIndex: true, hideEdgesOnMove: m > 2000,
    hideLabelsOnMove: n > 300,
    labelDensity: 0.8, labelGridCellSize: 90, labelRenderedSizeThreshold: n > 2000 ? 9 : 4,
    labelFont: "system-ui, sans-serif", labelSize: 13, edgeLabelSize: 11, minCameraRatio: 0.005, maxCameraRatio: 4,
    defaultEdgeColor: "#cccccc", stagePadding: n > 300 ? 20 : 70,
    // Large maps draw nodes as points and links as one-pixel lines (link weight then shows only in
    // the side panel): with software WebGL the first frame of 20,000 organizations and 60,000 links
    // took 1.9-2.7 s with discs and rectangles, 0.2-0.5 s so.
    // (sigma's default types are "circle" and "line", drawn as discs and rectangles).
    edgeProgramClasses: Object.assign({curve: lib.EdgeCurveProgram}, m > LARGE_LINKS ? {line: lib.EdgeLineProgram} : {}),
    nodeProgramClasses: n > LARGE_NODES ? {circle: lib.NodePointProgram} : {},
    nodeReducer: function (key, attrs) {
      if (attrs.g !== undefined) return groupNode(attrs);
      if (attrs.p !== undefined) return placeNode(attrs);
      var i = attrs.i;
      if (!drawnNode(i)) return {x: attrs.x, y: attrs.y, hidden: true};
      var out = {x: attrs.x, y: attrs.y, label: N[i], size: sizes[i], color: colors[i], zIndex: 1};
      if (spot !== null) {
        if (i === spot) { out.zIndex = 3; out.forceLabel = true; out.highlighted = true; }
        else if (spotNeighbours.has(i)) { out.zIndex = 2; out.forceLabel = spotNeighbours.size <= 40; }
        else { out.color = FADED; out.label = ""; out.zIndex = 0; }
      } else if (topLabels.has(i)) {
        out.forceLabel = true;
      }
      return out;
    },
    edgeReducer: function (key, attrs) {
      if (attrs.h !== undefined) return groupEdge(attrs);
      if (attrs.q !== undefined) return pairEdge(attrs);
      var k = attrs.k;
      if (!edgeOn[k] || !drawnNode(E.s[k]) || !drawnNode(E.t[k])) return {hidden: true};
      if (state.tab === "map") {
        // On the map only the spotlit node's own links are drawn one by one; places carry the rest.
        if (spot === null || (E.s[k] !== spot && E.t[k] !== spot)) return {hidden: true};
        return {type: "curve", color: edgeColors[k], size: 1.5, zIndex: 2, label: hoveredEdge === k ? edgeText(k) : ""};
      }
      var out = {color: crossGroup(k) ? "rgba(150,160,175,0.08)" : edgeColors[k],
                 size: 0.6 + 2.4 * Math.sqrt(E.w[k] / maxWeight), label: "", zIndex: 1};
      if (spot !== null) {
        if (E.s[k] === spot || E.t[k] === spot) {
          out.zIndex = 2; out.color = edgeColors[k];
          if ((renderer && renderer.getCamera().getState().ratio < 0.5) || hoveredEdge === k) out.label = edgeText(k);
        } else { out.color = FADED_EDGE; out.zIndex = 0; }
      } else if (hoveredEdge === k) {
        out.label = edgeText(k);
      }
      return out;
    }
  });

  function placeNode(attrs) {
    var p = attrs.p, count = placeCount[p];
    if (state.tab !== "map" || !count) return {x: attrs.x, y: attrs.y, hidden: true};
    if (placesOpen) return {x: attrs.x, y: attrs.y, size: 2, color: "#444444", label: "", zIndex: 0};
    return {x: attrs.x, y: attrs.y, size: 3 + 22 * Math.sqrt(count / placeTop), color: "rgba(26,95,180,0.75)", zIndex: 1,
            label: places[p].label + " (" + count.toLocaleString() + ")", forceLabel: topPlaces.has(p)};
  }
  function pairEdge(attrs) {
    var e = pairs[attrs.q], count = pairCount[attrs.q];
    if (state.tab !== "map" || !count) return {hidden: true};
    if (spot !== null ? placeOf[spot] !== e[0] && placeOf[spot] !== e[1] : !strongPairs.has(attrs.q)) return {hidden: true};
    return {type: "curve", color: "#7d8fa8", size: 0.5 + 4 * Math.sqrt(count / pairTop), label: ""};
  }
  function groupNode(attrs) {
    var j = attrs.g;
    if (state.tab === "map" || !state.collapsed.has(j) || !groupCount[j]) return {x: attrs.x, y: attrs.y, hidden: true};
    var total = G[j].size;
    return {x: attrs.x, y: attrs.y, size: 6 + 3 * Math.sqrt(groupCount[j]), color: state.color === "group" ? PALETTE[j % PALETTE.length] : "#a9a9a9",
            label: G[j].label + " (" + groupCount[j].toLocaleString() + (groupCount[j] !== total ? " of " + total.toLocaleString() : "") + ")",
            forceLabel: true, zIndex: 2};
  }
  function groupEdge(attrs) {
    var e = data.groupEdges[attrs.h];
    if (state.tab === "map" || !state.collapsed.has(e[0]) || !state.collapsed.has(e[1]) || !groupCount[e[0]] || !groupCount[e[1]]) return {hidden: true};
    return {color: "#c8c8c8", size: 1 + 5 * Math.sqrt(e[2] / groupEdgeTop), label: ""};
  }
  function edgeText(k) {
    var reasons = data.reasons.filter(function (r, b) { return E.r[k] & (1 << b); });
    var text = E.text ? E.text[k] : "";
    return text || reasons.join(", ");
  }

  // -- redrawing -----------------------------------------------------------------------------------
  function update(options) {
    options = options || {};
    if (options.encode) encode();
    recompute();
    if (state.selected !== null && !visibleNode(state.selected)) state.selected = null;
    setSpot();
    chooseTopLabels();
    rankPlaces();
    crowded = topLabels.size >= 10 && countVisible() > 500;
    if (!options.drawn) renderer.refresh(options.full ? {} : {skipIndexation: true});
    renderLegend(); renderTimeline(); renderFacetCounts(); renderDetails(); renderStatus();
    if (!options.keepAddress) writeAddress();
  }
  function chooseTopLabels() {
    // The most important visible nodes keep their label at any zoom, if no more important one is
    // close by (a fraction of the map's width): far apart, their labels do not overlap.
    var metric = data.nodes.m[state.size] || data.nodes.m.degree, ranked = [];
    for (var i = 0; i < n; i++) if (visibleNode(i)) ranked.push(i);
    ranked.sort(function (a, b) { return metric[b] - metric[a] || a - b; });
    var box = extent(ranked), room = ranked.length > 300 ? Math.max(box.w, box.h) / 9 : 0, chosen = [];
    for (var j = 0; j < ranked.length && j < 2000 && chosen.length < (n > 2000 ? 10 : 30); j++) {
      var a = ranked[j];
      var clear = chosen.every(function (b) {
        return Math.abs(data.nodes.x[a] - data.nodes.x[b]) > room || Math.abs(data.nodes.y[a] - data.nodes.y[b]) > room / 3;
      });
      if (clear) chosen.push(a);
    }
    topLabels = new Set(chosen);
  }
  function extent(indices) {
    var x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    indices.forEach(function (i) {
      x0 = Math.min(x0, data.nodes.x[i]); x1 = Math.max(x1, data.nodes.x[i]);
      y0 = Math.min(y0, data.nodes.y[i]); y1 = Math.max(y1, data.nodes.y[i]);
    });
    return {w: indices.length ? x1 - x0 : 0, h: indices.length ? y1 - y0 : 0};
  }
  function countVisible() {
    var count = 0;
    for (var i = 0; i < n; i++) if (visibleNode(i)) count++;
    return count;
  }
  function counts() {
    var nodes = 0, links = 0;
    for (var i = 0; i < n; i++) if (visibleNode(i)) nodes++;
    for (var k = 0; k < m; k++) if (edgeOn[k] && visibleNode(E.s[k]) && visibleNode(E.t[k])) links++;
    var groups = 0;
    state.collapsed.forEach(function (j) { if (groupCount[j]) groups++; });
    return {nodes: nodes, links: links, groups: groups};
  }
  function renderStatus() {
    var c = counts();
    var text = c.nodes.toLocaleString() + " of " + n.toLocaleString() + " nodes, " + c.links.toLocaleString() + " links shown";
    if (data.allEdges > m) text += " (the map carries the " + m.toLocaleString() + " strongest of " + data.allEdges.toLocaleString() + ")";
    if (c.groups && state.tab !== "map") text += "; " + c.groups + " collapsed groups (click one to expand)";
    var shownPlaces = 0;
    for (var p = 0; p < places.length; p++) if (placeCount[p]) shownPlaces++;
    if (state.tab === "map") {
      text += " in " + shownPlaces.toLocaleString() + " places" + (placesOpen ? "" : " (zoom in to see each organization)");
      var unplaced = 0;
      for (var i = 0; i < n; i++) if (nodeOn[i] && placeOf[i] < 0) unplaced++;
      if (unplaced) text += "; " + unplaced.toLocaleString() + " without coordinates are not on the map";
    }
    document.body.dataset.places = String(shownPlaces);
    $("status").textContent = text;
    document.body.dataset.nodes = String(c.nodes);
    document.body.dataset.links = String(c.links);
    document.body.dataset.groups = String(c.groups);
  }

  // -- the panel -----------------------------------------------------------------------------------
  function fillSelect(select, options, value) {
    select.replaceChildren();
    options.forEach(function (o) {
      var opt = el("option", o[1]); opt.value = o[0]; if (o[0] === value) opt.selected = true; select.appendChild(opt);
    });
  }
  function renderEncodingChoices() {
    var colorChoices = (data.groups ? [["group", "Community"]] : []).concat(FACETS.map(function (f) { return [f[0], f[1]]; }));
    if (data.nodes.person.length) colorChoices.push(["kind", "Organization or person"]);
    fillSelect($("color-by"), colorChoices, state.color);
    fillSelect($("size-by"), metricNames.map(function (name) { return [name, METRIC_NAMES[name] || name]; }), state.size);
  }
  function renderLegend() {
    var list = $("legend");
    list.replaceChildren();
    var facet = state.color, filterable = facet !== "group" && facet !== "kind";
    legendEntries.forEach(function (entry) {
      var li = el("li");
      var dot = el("span", null, "dot"); dot.style.background = entry.color;
      li.append(dot, el("span", entry.label), el("span", entry.count.toLocaleString(), "count"));
      if (filterable && entry.value !== null && entry.value >= 0) {
        var chosen = state.filters[facet];
        if (chosen.size && !chosen.has(entry.value)) li.className = "off";
        li.title = "Click to filter by this value";
        li.addEventListener("click", function () { toggle(chosen, entry.value); update(); renderFacets(); });
      }
      list.appendChild(li);
    });
  }
  function renderChecks() {
    var reasons = $("reasons");
    reasons.replaceChildren();
    var used = new Set();
    for (var k = 0; k < m; k++) data.reasons.forEach(function (r, b) { if (E.r[k] & (1 << b)) used.add(r); });
    data.reasons.filter(function (r) { return used.has(r); }).forEach(function (r) {
      var box = el("input"); box.type = "checkbox"; box.checked = state.reasons.has(r); box.dataset.reason = r;
      box.addEventListener("change", function () { toggle(state.reasons, r); update(); });
      var line = el("span", null, "line"); line.style.background = REASON_COLORS[r];
      var label = el("label"); label.append(box, line, el("span", r === "met" ? "met (meetings, visits)" : r));
      var li = el("li"); li.appendChild(label); reasons.appendChild(li);
    });
    var statuses = $("statuses");
    statuses.replaceChildren();
    data.statuses.forEach(function (s) {
      var box = el("input"); box.type = "checkbox"; box.checked = state.statuses.has(s); box.dataset.status = s;
      box.addEventListener("change", function () { toggle(state.statuses, s); update(); });
      var label = el("label"); label.append(box, el("span", "partnership " + s));
      var li = el("li"); li.appendChild(label); statuses.appendChild(li);
    });
    $("only-linked").checked = state.onlyLinked;
  }
  function toggle(set, value) { if (set.has(value)) set.delete(value); else set.add(value); }

  function renderFacets() {
    var holder = $("facets");
    holder.replaceChildren();
    FACETS.forEach(function (f) {
      var name = f[0], values = facetValues[name];
      if (!values.length) return;
      var details = el("details", null, "facet"); details.dataset.facet = name;
      if (state.filters[name].size) details.open = true;
      var summary = el("summary"); summary.append(el("span", f[1] + " "), el("span", "", "chosen"));
      var search = el("input"); search.type = "search"; search.placeholder = "find a " + f[1].toLowerCase();
      var list = el("ul", null, "values");
      details.append(summary, search, list);
      var draw = function () {
        list.replaceChildren();
        var q = fold(search.value.trim()), shown = 0;
        for (var v = 0; v < values.length && shown < 150; v++) {
          if (q && fold(values[v]).indexOf(q) < 0 && !state.filters[name].has(v)) continue;
          var box = el("input"); box.type = "checkbox"; box.checked = state.filters[name].has(v); box.value = values[v];
          box.addEventListener("change", (function (v) { return function () { toggle(state.filters[name], v); update(); }; })(v));
          var label = el("label"); label.append(box, el("span", values[v]), el("span", "", "count"));
          label.lastChild.dataset.value = String(v);
          var li = el("li"); li.appendChild(label); list.appendChild(li); shown++;
        }
        renderFacetCounts();
      };
      search.addEventListener("input", draw);
      details.addEventListener("toggle", draw);
      holder.appendChild(details);
      if (details.open) draw();
    });
    renderFacetCounts();
  }
  function renderFacetCounts() {
    // How many nodes each value would show with the other filters as they are.
    document.querySelectorAll(".facet").forEach(function (details) {
      var name = details.dataset.facet, chosen = state.filters[name];
      details.querySelector(".chosen").textContent = chosen.size ? "(" + Array.from(chosen).map(function (v) { return facetValues[name][v]; }).join(", ") + ")" : "";
      var spans = details.querySelectorAll(".count[data-value]");
      if (!spans.length) return;
      var count = new Map();
      for (var i = 0; i < n; i++) {
        if (!nodeOn[i] && !matchesWithout(name, i)) continue;
        valuesOf(name, i).forEach(function (v) { count.set(v, (count.get(v) || 0) + 1); });
      }
      spans.forEach(function (s) { s.textContent = (count.get(+s.dataset.value) || 0).toLocaleString(); });
    });
  }
  function matchesWithout(name, i) {
    var saved = state.filters[name];
    if (!saved.size) return false;
    state.filters[name] = new Set();
    var ok = passesFacets(i) && !state.hidden.has(i) && (state.shown === null || state.shown.has(i));
    state.filters[name] = saved;
    return ok;
  }

  // The timeline: organizations active per year; a click on a year filters to it.
  var years = (function () {
    var count = new Map();
    for (var i = 0; i < n; i++) {
      var act = data.nodes.act[i], seen = new Set();
      for (var j = 0; j < act.length; j += 2) {
        for (var y = Math.floor(act[j] / 10000); y <= Math.floor(act[j + 1] / 10000) && y - Math.floor(act[j] / 10000) < 60; y++) seen.add(y);
      }
      seen.forEach(function (y) { count.set(y, (count.get(y) || 0) + 1); });
    }
    return Array.from(count.entries()).sort(function (a, b) { return a[0] - b[0]; });
  })();
  function renderTimeline() {
    var box = $("timeline");
    box.replaceChildren();
    if (!years.length) { box.appendChild(el("p", "No dated activity.", "hint")); return; }
    var ns = "http://www.w3.org/2000/svg", svg = document.createElementNS(ns, "svg");
    var w = 300, h = 48, top = Math.max.apply(null, years.map(function (y) { return y[1]; })), bw = w / years.length;
    svg.setAttribute("viewBox", "0 0 " + w + " " + h);
    var lo = state.from ? +state.from.slice(0, 4) : -Infinity, hi = state.to ? +state.to.slice(0, 4) : Infinity;
    years.forEach(function (entry, j) {
      var rect = document.createElementNS(ns, "rect"), bar = (h - 12) * entry[1] / top;
      rect.setAttribute("x", String(j * bw + 1)); rect.setAttribute("width", String(Math.max(bw - 2, 1)));
      rect.setAttribute("y", String(h - 12 - bar)); rect.setAttribute("height", String(Math.max(bar, 1)));
      if (entry[0] >= lo && entry[0] <= hi && (state.from || state.to)) rect.setAttribute("class", "in");
      var title = document.createElementNS(ns, "title"); title.textContent = entry[0] + ": " + entry[1].toLocaleString() + " active";
      rect.appendChild(title);
      rect.addEventListener("click", function () { setRange(entry[0] + "-01-01", entry[0] + "-12-31"); });
      svg.appendChild(rect);
      if (years.length <= 12 || j % Math.ceil(years.length / 8) === 0) {
        var text = document.createElementNS(ns, "text");
        text.setAttribute("x", String(j * bw + 1)); text.setAttribute("y", String(h - 2)); text.textContent = String(entry[0]);
        svg.appendChild(text);
      }
    });
    box.appendChild(svg);
  }
  function setRange(from, to) {
    state.from = from; state.to = to; $("date-from").value = from; $("date-to").value = to; update();
  }

  // -- selection, details and exploration ------------------------------------------------------------
  function neighbourhood(i) {
    var set = new Set([i]);
    adjacency[i].forEach(function (k) { set.add(other(k, i)); });
    return set;
  }
  function select(i, move) {
    state.selected = i;
    if (group && state.collapsed.has(group[i])) state.collapsed.delete(group[i]);
    if (state.shown !== null) state.shown.add(i);
    state.hidden.delete(i);
    update();
    if (move) {
      var d = renderer.getNodeDisplayData("n" + i);
      if (d) renderer.getCamera().animate({x: d.x, y: d.y, ratio: Math.min(renderer.getCamera().getState().ratio, 0.35)}, {duration: 400});
    }
  }
  function renderDetails() {
    var box = $("details");
    box.replaceChildren();
    var i = state.selected;
    if (i === null || i === undefined) { box.hidden = true; return; }
    box.hidden = false;
    box.appendChild(el("h3", N[i]));
    var facts = el("dl");
    var add = function (term, value) { if (value) facts.append(el("dt", term), el("dd", value)); };
    add("Kind", person[i] ? "Person" : "Organization");
    add("Other names", (data.nodes.a[i] || []).join("; "));
    FACETS.forEach(function (f) { add(f[1], valuesOf(f[0], i).map(function (v) { return facetValues[f[0]][v]; }).join(", ")); });
    Object.keys(data.nodes.m).forEach(function (name) { add(METRIC_NAMES[name] || name, String(data.nodes.m[name][i])); });
    var act = data.nodes.act[i];
    if (act.length) add("Active", ranges(act));
    if (group && group[i] >= 0) add("Community", G[group[i]].label);
    box.appendChild(facts);
    if (data.nodes.d && data.nodes.d[i]) box.appendChild(el("p", data.nodes.d[i]));
    if (data.nodes.p && data.nodes.p[i]) {
      var a = el("a", "Open its page"); a.href = data.nodes.p[i]; box.appendChild(a);
    }
    var buttons = el("div", null, "buttons");
    var button = function (text, title, action) {
      var b = el("button", text); b.type = "button"; b.title = title; b.addEventListener("click", action); buttons.appendChild(b);
    };
    button("Focus", "Show only this node and its partners", function () {
      state.shown = neighbourhood(i); state.focusKey = data.nodes.k[i]; update(); fit();
    });
    button("Expand", "Add this node's partners to what is shown", function () {
      if (state.shown !== null) neighbourhood(i).forEach(function (j) { state.shown.add(j); state.hidden.delete(j); });
      adjacency[i].forEach(function (k) { state.hidden.delete(other(k, i)); });
      update();
    });
    button("Collapse", "Remove this node's partners that nothing else shown links to", function () {
      if (state.shown === null) { state.shown = new Set(); for (var j = 0; j < n; j++) if (nodeOn[j]) state.shown.add(j); }
      adjacency[i].forEach(function (k) {
        var j = other(k, i);
        var kept = adjacency[j].some(function (k2) { var o = other(k2, j); return o !== i && state.shown.has(o) && o !== j; });
        if (!kept) state.shown.delete(j);
      });
      update();
    });
    button("Hide", "Hide this node", function () { state.hidden.add(i); state.selected = null; update(); });
    if (group && group[i] >= 0) {
      button("Collapse its group", "Draw its community as one node", function () {
        state.collapsed.add(group[i]); state.selected = null; update();
      });
    }
    box.appendChild(buttons);
    var links = adjacency[i].filter(function (k) { return edgeOn[k]; });
    var all = data.nodes.m.degree[i];
    box.appendChild(el("p", links.length + " visible link" + (links.length === 1 ? "" : "s") +
      (all !== links.length ? " (" + all + " in all" + (all > adjacency[i].length ? "; the map carries the strongest " + adjacency[i].length : "") + ")" : ""), "why"));
    var list = el("ul");
    links.sort(function (a, b) { return E.w[b] - E.w[a] || a - b; }).slice(0, 60).forEach(function (k) {
      var j = other(k, i), li = el("li"), go = el("button", N[j], "linklike");
      go.type = "button"; go.addEventListener("click", function () { select(j, true); });
      li.append(go, el("div", edgeText(k), "why"));
      list.appendChild(li);
    });
    if (links.length > 60) list.appendChild(el("li", "and " + (links.length - 60) + " more", "why"));
    box.appendChild(list);
  }
  function ranges(act) {
    var text = [];
    var fmt = function (d) { var s = String(d); return s.slice(0, 4) + "-" + s.slice(4, 6) + "-" + s.slice(6, 8); };
    for (var j = 0; j < act.length && j < 10; j += 2) text.push(act[j] === act[j + 1] ? fmt(act[j]) : fmt(act[j]) + " to " + fmt(act[j + 1]));
    return text.join("; ") + (act.length > 10 ? "; ..." : "");
  }

  // -- search --------------------------------------------------------------------------------------------
  var suggestions = $("suggestions"), searchBox = $("search"), active = -1, found = [];
  function suggest() {
    var q = fold(searchBox.value.trim());
    found = [];
    if (q) {
      // Facet values first (a theme, a city...): choosing one filters the map by it.
      FACETS.forEach(function (f) {
        facetValues[f[0]].forEach(function (value, v) {
          var names = [value].concat((data.facetAlt[f[0]] || {})[v] || []);
          for (var t = 0; t < names.length; t++) {
            var at = fold(names[t]).indexOf(q);
            if (at >= 0) {
              found.push({facet: f[0], facetLabel: f[1], v: v, via: t ? names[t] : "", rank: (at ? 1 : 0) + (t ? 0.5 : 0)});
              break;
            }
          }
        });
      });
    }
    var facetFound = found.sort(function (a, b) { return a.rank - b.rank || a.v - b.v; }).slice(0, 4);
    found = [];
    if (q) {
      for (var i = 0; i < n && found.length < 400; i++) {
        var texts = searchText[i];
        for (var t = 0; t < texts.length; t++) {
          var at = texts[t].indexOf(q);
          if (at >= 0) { found.push({i: i, via: t, rank: (at === 0 ? 0 : 1) + (t ? 0.5 : 0)}); break; }
        }
      }
    }
    var metric = data.nodes.m.degree;
    found.sort(function (a, b) { return a.rank - b.rank || metric[b.i] - metric[a.i] || a.i - b.i; });
    found = facetFound.concat(found.slice(0, 12 - facetFound.length));
    suggestions.replaceChildren();
    found.forEach(function (f, j) {
      var li = el("li"); li.id = "suggestion-" + j; li.setAttribute("role", "option");
      if (f.facet) {
        li.append(el("span", f.facetLabel + ": ", "why"), el("span", facetValues[f.facet][f.v]));
        if (f.via) li.append(" ", el("span", "(" + f.via + ")", "why"));
        li.append(" ", el("span", state.filters[f.facet].has(f.v) ? "filtered by it" : "filter by it", "why"));
      } else {
        li.appendChild(el("span", N[f.i]));
        if (f.via) li.append(" ", el("span", "(" + (data.nodes.a[f.i] || [])[f.via - 1] + ")", "why"));
        if (!nodeOn[f.i]) li.append(" ", el("span", "hidden by filters", "why"));
      }
      li.addEventListener("mousedown", function (event) { event.preventDefault(); choose(j); });
      suggestions.appendChild(li);
    });
    if (q && !found.length) suggestions.appendChild(el("li", "nothing matches", "why"));
    suggestions.hidden = !q;
    searchBox.setAttribute("aria-expanded", String(!!q));
    active = -1;
  }
  function choose(j) {
    var f = found[j];
    if (!f) return;
    suggestions.hidden = true;
    searchBox.setAttribute("aria-expanded", "false");
    if (f.facet) {
      state.filters[f.facet].add(f.v); searchBox.value = ""; renderFacets(); update(); fit();
      return;
    }
    select(f.i, true);
  }
  searchBox.addEventListener("input", suggest);
  searchBox.addEventListener("keydown", function (event) {
    var items = suggestions.querySelectorAll("li[role=option]");
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      active = Math.max(0, Math.min(items.length - 1, active + (event.key === "ArrowDown" ? 1 : -1)));
      items.forEach(function (li, j) { li.setAttribute("aria-selected", String(j === active)); });
    } else if (event.key === "Escape") {
      suggestions.hidden = true;
    }
  });
  $("search-form").addEventListener("submit", function (event) { event.preventDefault(); choose(Math.max(active, 0)); });
  searchBox.addEventListener("blur", function () { suggestions.hidden = true; });

  // -- events ------------------------------------------------------------------------------------------
  var tooltip = $("tooltip");
  renderer.on("clickNode", function (event) {
    var attrs = graph.getNodeAttributes(event.node);
    if (attrs.g !== undefined) { state.collapsed.delete(attrs.g); update(); return; }
    state.selected = attrs.i; update();
  });
  renderer.on("clickStage", function () { if (state.selected !== null) { state.selected = null; update(); } });
  renderer.on("enterNode", function (event) {
    var attrs = graph.getNodeAttributes(event.node);
    if (attrs.i === undefined) return;
    hovered = attrs.i;
    setSpot();
    showTip(event.event, N[attrs.i], [facetValues.type[data.nodes.type[attrs.i]], facetValues.city[data.nodes.city[attrs.i]],
      facetValues.country[data.nodes.country[attrs.i]]].filter(Boolean).join(", "));
    renderer.refresh({skipIndexation: true});
  });
  renderer.on("leaveNode", function () { hovered = null; setSpot(); tooltip.hidden = true; renderer.refresh({skipIndexation: true}); });
  renderer.on("enterEdge", function (event) {
    var attrs = graph.getEdgeAttributes(event.edge);
    if (attrs.k === undefined) return;
    hoveredEdge = attrs.k;
    showTip(event.event, N[E.s[attrs.k]] + " \u2014 " + N[E.t[attrs.k]], edgeText(attrs.k));
    renderer.refresh({skipIndexation: true});
  });
  renderer.on("leaveEdge", function () { hoveredEdge = null; tooltip.hidden = true; renderer.refresh({skipIndexation: true}); });
  function showTip(at, title, why) {
    tooltip.replaceChildren(el("div", title, "t"), el("div", why, "why"));
    tooltip.style.left = Math.min(at.x + 14, $("map").clientWidth - 200) + "px";
    tooltip.style.top = (at.y + 14) + "px";
    tooltip.hidden = false;
  }
  // Community names above their regions while expanded: the largest first, none over another.
  var labelLayer = $("group-labels");
  var labelsLater = null;
  renderer.on("afterRender", function () {
    // Rebuilding the names on every frame of a pan or zoom cost more than drawing it: they are
    // hidden while the camera moves and drawn again once it rests.
    clearTimeout(labelsLater);
    if (renderer.getCamera().isAnimated() || renderer.getMouseCaptor().isMoving) {
      labelLayer.style.visibility = "hidden";
      labelsLater = setTimeout(drawGroupLabels, 120);
    } else {
      drawGroupLabels();
    }
  });
  function drawGroupLabels() {
    labelLayer.style.visibility = "";
    labelLayer.replaceChildren();
    if (!G.length || state.tab === "map") return;
    var placed = [];
    G.forEach(function (g, j) {
      if (state.collapsed.has(j) || !groupCount[j]) return;
      var top = renderer.graphToViewport({x: g.x, y: g.y + g.r}), centre = renderer.graphToViewport({x: g.x, y: g.y});
      if (centre.y - top.y < 25) return;  // too small on screen to name
      var box = {x0: top.x - 110, x1: top.x + 110, y0: top.y - 40, y1: top.y};
      if (placed.some(function (b) { return b.x0 < box.x1 && box.x0 < b.x1 && b.y0 < box.y1 && box.y0 < b.y1; })) return;
      placed.push(box);
      var div = el("div", g.label, "group-label");
      div.appendChild(el("span", " (" + groupCount[j].toLocaleString() + ")", "n"));
      div.style.left = top.x + "px"; div.style.top = top.y + "px";
      labelLayer.appendChild(div);
    });
  }

  // -- moving the camera: the last frame, moved, until the camera rests ------------------------------
  // Without a GPU, WebGL is drawn in software: sigma then took 80 ms a frame for 2,000 nodes and half
  // a second for 20,000, so a pan or a zoom stuttered at 1 to 10 frames a second. While the camera
  // moves, the frame drawn last is moved and scaled instead (a CSS transform of its canvases, which
  // the compositor applies at the screen's rate); the graph is drawn again, sharp, once the camera
  // rests. Small maps are drawn for real on every frame.
  var MOVE_BY_SNAPSHOT = n > 500 || m > 20000;
  var drawnState = renderer.getCamera().getState(), restTimer = null, snapshotLayers = [];  // drawn by the constructor
  var drawFrame = renderer.render.bind(renderer);
  function cameraMoving() {
    var mouse = renderer.getMouseCaptor();
    return renderer.getCamera().isAnimated() || mouse.isMoving || !!mouse.draggedEvents || !!mouse.currentWheelDirection;
  }
  function layers() {
    var canvases = renderer.getCanvases();
    return Object.keys(canvases).map(function (k) { return canvases[k]; }).concat([labelLayer]);
  }
  renderer.render = function () {
    if (MOVE_BY_SNAPSHOT && drawnState && cameraMoving()) {
      moveSnapshot();
      clearTimeout(restTimer);
      restTimer = setTimeout(function () { renderer.render(); }, 90);
      return renderer;
    }
    snapshotLayers.forEach(function (layer) { layer.style.transform = ""; });
    snapshotLayers = [];
    var out = drawFrame();
    drawnState = renderer.getCamera().getState();
    return out;
  };
  function moveSnapshot() {
    // Where two framed-graph points were drawn and where the camera now puts them give the
    // scale and the shift of the picture (sigma's camera does not rotate here).
    var now = renderer.getCamera().getState(), a = {x: 0, y: 0}, b = {x: 1, y: 1};
    var a0 = renderer.framedGraphToViewport(a, {cameraState: drawnState}), b0 = renderer.framedGraphToViewport(b, {cameraState: drawnState});
    var a1 = renderer.framedGraphToViewport(a, {cameraState: now}), b1 = renderer.framedGraphToViewport(b, {cameraState: now});
    var scale = (b1.x - a1.x) / ((b0.x - a0.x) || 1);
    var transform = "matrix(" + scale + ",0,0," + scale + "," + (a1.x - scale * a0.x) + "," + (a1.y - scale * a0.y) + ")";
    snapshotLayers = layers();
    snapshotLayers.forEach(function (layer) { layer.style.transformOrigin = "0 0"; layer.style.transform = transform; });
  }

  // -- tabs: the network and the geographic map share the nodes, their filters and the selection ------
  function showTab(tab) {
    if (tab === "map" && !places.length) return;
    state.tab = tab;
    $("tab-network").setAttribute("aria-selected", String(tab === "network"));
    $("tab-map").setAttribute("aria-selected", String(tab === "map"));
    $("collapse-all").hidden = $("expand-all").hidden = !G.length || tab === "map";
    placeNodes();
    frameMap();
    checkPlacesOpen();
    update({full: true});
    renderer.getCamera().setState({x: 0.5, y: 0.5, ratio: 1, angle: 0});
  }
  $("tab-network").addEventListener("click", function () { showTab("network"); });
  $("tab-map").addEventListener("click", function () { showTab("map"); });
  function checkPlacesOpen() {
    // Places open into their organizations when the spiral's spacing is 9 px or more on screen.
    var a = renderer.graphToViewport({x: 0, y: 0}), b = renderer.graphToViewport({x: SPIRAL, y: 0});
    var open = state.tab === "map" && Math.abs(b.x - a.x) >= 9;
    if (open === placesOpen) return false;
    placesOpen = open;
    return true;
  }
  renderer.getCamera().on("updated", function () {
    if (checkPlacesOpen()) renderer.refresh({skipIndexation: true});
  });
  var basemapElement = document.getElementById("basemap"), basemap = null, rings = [];
  if (basemapElement) {
    var world = JSON.parse(basemapElement.textContent);
    lib.topojsonFeature(world, world.objects.countries).features.forEach(function (country) {
      var geometry = country.geometry;
      if (!geometry || country.id === "010") return;  // Antarctica: no partner there, and Mercator stretches it
      var polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
      polygons.forEach(function (polygon) {
        polygon.forEach(function (ring) {
          // A ring that crosses the antimeridian is unwrapped (longitudes past 180) instead of
          // being drawn across the whole world.
          var shift = 0, previous = null;
          rings.push(ring.map(function (point) {
            if (previous !== null && Math.abs(point[0] + shift - previous) > 180) shift += point[0] + shift > previous ? -360 : 360;
            previous = point[0] + shift;
            return [previous, mercator(point[1])];
          }));
        });
      });
    });
    basemap = renderer.createCanvas("basemap", {beforeLayer: "edges"});
    basemap.className = "basemap";
    renderer.on("afterRender", drawBasemap);  // after: the frame's normalisation is known then
    drawBasemap();
  }
  function drawBasemap() {
    if (!basemap) return;
    var box = $("map"), ratio = window.devicePixelRatio || 1, ctx = basemap.getContext("2d");
    var w = box.clientWidth, h = box.clientHeight;
    if (basemap.width !== Math.round(w * ratio)) { basemap.width = Math.round(w * ratio); basemap.style.width = w + "px"; }
    if (basemap.height !== Math.round(h * ratio)) { basemap.height = Math.round(h * ratio); basemap.style.height = h + "px"; }
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, w, h);
    basemap.style.display = state.tab === "map" ? "block" : "none";
    if (state.tab !== "map") return;
    // graph -> viewport is affine: three points give it, then each vertex costs two products
    var o = renderer.graphToViewport({x: 0, y: 0}), ex = renderer.graphToViewport({x: 1, y: 0}),
        ey = renderer.graphToViewport({x: 0, y: 1});
    ctx.beginPath();
    rings.forEach(function (ring) {
      ring.forEach(function (pt, j) {
        var x = o.x + pt[0] * (ex.x - o.x) + pt[1] * (ey.x - o.x), y = o.y + pt[0] * (ex.y - o.y) + pt[1] * (ey.y - o.y);
        if (j) ctx.lineTo(x, y); else ctx.moveTo(x, y);
      });
      ctx.closePath();
    });
    ctx.fillStyle = "#f3f0ea"; ctx.fill();
    ctx.strokeStyle = "#b9b2a6"; ctx.lineWidth = 0.6; ctx.stroke();
  }
  function frameMap() {
    // On the map the frame holds the middle 90 % of the organizations (far-off partners are a zoom
    // out away), with a margin, at least 12 degrees wide: a few places in one country still show
    // the country around them.
    if (state.tab !== "map" || !places.length) { renderer.setCustomBBox(null); return; }
    var xs = [], ys = [];
    for (var i = 0; i < n; i++) if (placeOf[i] >= 0) { xs.push(places[placeOf[i]].x); ys.push(places[placeOf[i]].y); }
    xs.sort(function (a, b) { return a - b; }); ys.sort(function (a, b) { return a - b; });
    var q = function (list, f) { return list[Math.min(list.length - 1, Math.floor(f * list.length))]; };
    var x0 = q(xs, 0.05), x1 = q(xs, 0.95), y0 = q(ys, 0.05), y1 = q(ys, 0.95);
    var half = Math.max((x1 - x0) * 0.6, (y1 - y0) * 0.6, 6), cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
    renderer.setCustomBBox({x: [cx - half, cx + half], y: [cy - half, cy + half]});
  }

  $("color-by").addEventListener("change", function (e) { state.color = e.target.value; update({encode: true}); });
  $("size-by").addEventListener("change", function (e) { state.size = e.target.value; update({encode: true}); });
  $("only-linked").addEventListener("change", function (e) { state.onlyLinked = e.target.checked; update(); });
  $("date-from").addEventListener("change", function (e) { state.from = validDate(e.target.value); update(); });
  $("date-to").addEventListener("change", function (e) { state.to = validDate(e.target.value); update(); });
  $("date-clear").addEventListener("click", function () { setRange("", ""); });
  $("fit").addEventListener("click", fit);
  $("reset").addEventListener("click", function () {
    history.replaceState(null, "", "#");
    data.shown = null; data.focus = null; data.preset = {}; state.focusKey = null;
    readAddress(); syncInputs(); renderFacets(); update({encode: true}); fit();
  });
  $("collapse-all").addEventListener("click", function () { G.forEach(function (_, j) { state.collapsed.add(j); }); update(); });
  $("expand-all").addEventListener("click", function () { state.collapsed.clear(); update(); });
  $("collapse-all").hidden = $("expand-all").hidden = !G.length || state.tab === "map";
  $("relayout").addEventListener("click", relayout);
  $("panel-toggle").addEventListener("click", function () {
    var closed = document.body.classList.toggle("panel-closed");
    $("panel-toggle").setAttribute("aria-expanded", String(!closed));
    renderer.resize(); renderer.refresh({skipIndexation: true});
  });
  window.addEventListener("hashchange", function () {
    var tab = state.tab;
    readAddress(); syncInputs(); renderFacets();
    if (tab !== state.tab) { var wanted = state.tab; state.tab = tab; showTab(wanted); }
    update({encode: true, keepAddress: true});
  });

  function fit() {
    // Frame what is visible: the camera works in sigma's normalised coordinates.
    var xs = [], ys = [];
    graph.forEachNode(function (key) {
      var d = renderer.getNodeDisplayData(key);
      if (d && !d.hidden) { xs.push(d.x); ys.push(d.y); }
    });
    if (!xs.length) return renderer.getCamera().animatedReset({duration: 300});
    var minX = Math.min.apply(null, xs), maxX = Math.max.apply(null, xs), minY = Math.min.apply(null, ys), maxY = Math.max.apply(null, ys);
    var ratio = Math.max(maxX - minX, maxY - minY, 0.02) * (xs.length <= 60 ? 1.45 : 1.15);  // room for labels
    renderer.getCamera().animate({x: (minX + maxX) / 2, y: (minY + maxY) / 2, ratio: Math.min(Math.max(ratio, 0.05), 1.2)}, {duration: 300});
  }
  function relayout() {
    // ForceAtlas2 on the visible nodes only; the others keep their place.
    var sub = new lib.Graph({type: "undirected"});
    graph.forEachNode(function (key, attrs) { if (attrs.i !== undefined && visibleNode(attrs.i)) sub.addNode(key, {x: attrs.x, y: attrs.y}); });
    for (var k = 0; k < m; k++) {
      if (edgeOn[k] && visibleNode(E.s[k]) && visibleNode(E.t[k]) && E.s[k] !== E.t[k]) sub.mergeEdge("n" + E.s[k], "n" + E.t[k]);
    }
    if (!sub.order) return;
    var settings = lib.forceAtlas2.inferSettings(sub);
    settings.barnesHutOptimize = sub.order > 500;
    lib.forceAtlas2.assign(sub, {iterations: sub.order > 20000 ? 30 : sub.order > 2000 ? 80 : 200, settings: settings});
    sub.forEachNode(function (key, attrs) { graph.mergeNodeAttributes(key, {x: attrs.x, y: attrs.y}); });
    renderer.refresh();
    fit();
  }
  function syncInputs() {
    renderEncodingChoices(); renderChecks();
    $("date-from").value = state.from; $("date-to").value = state.to;
  }

  // -- export ------------------------------------------------------------------------------------------
  function download(name, type, content) {
    var url = URL.createObjectURL(content instanceof Blob ? content : new Blob([content], {type: type}));
    var a = el("a"); a.href = url; a.download = name; document.body.appendChild(a); a.click(); a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  }
  function csvCell(value) {
    var s = String(value === undefined || value === null ? "" : value);
    if (/^[=+\-@\t\r]/.test(s)) s = "'" + s;  // a spreadsheet must not run a label as a formula
    return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }
  function csv(rows) { return rows.map(function (r) { return r.map(csvCell).join(","); }).join("\r\n") + "\r\n"; }
  $("export-nodes").addEventListener("click", function () {
    var rows = [["key", "label", "kind", "type", "city", "country", "themes"].concat(Object.keys(data.nodes.m))];
    for (var i = 0; i < n; i++) {
      if (!visibleNode(i)) continue;
      rows.push([data.nodes.k[i], N[i], person[i] ? "person" : "organization"].concat(FACETS.map(function (f) {
        return valuesOf(f[0], i).map(function (v) { return facetValues[f[0]][v]; }).join("; ");
      })).concat(Object.keys(data.nodes.m).map(function (name) { return data.nodes.m[name][i]; })));
    }
    download("partner-map-nodes.csv", "text/csv", csv(rows));
  });
  $("export-links").addEventListener("click", function () {
    var rows = [["source", "target", "source_label", "target_label", "reasons", "weight", "what links them"]];
    for (var k = 0; k < m; k++) {
      if (!edgeOn[k] || !visibleNode(E.s[k]) || !visibleNode(E.t[k])) continue;
      rows.push([data.nodes.k[E.s[k]], data.nodes.k[E.t[k]], N[E.s[k]], N[E.t[k]],
        data.reasons.filter(function (r, b) { return E.r[k] & (1 << b); }).join("; "), E.w[k], E.text ? E.text[k] : ""]);
    }
    download("partner-map-links.csv", "text/csv", csv(rows));
  });
  $("export-png").addEventListener("click", function () {
    renderer.refresh({skipIndexation: true});  // draws now, so the WebGL layers still hold the picture
    var layers = renderer.getCanvases(), first = layers[Object.keys(layers)[0]];
    var out = document.createElement("canvas");
    out.width = first.width; out.height = first.height;
    var ctx = out.getContext("2d");
    ctx.fillStyle = "#ffffff"; ctx.fillRect(0, 0, out.width, out.height);
    Object.keys(layers).forEach(function (name) { ctx.drawImage(layers[name], 0, 0); });
    out.toBlob(function (blob) { download("partner-map.png", "image/png", blob); document.body.dataset.exported = "png"; });
  });
  $("export-svg").addEventListener("click", function () {
    var ns = "http://www.w3.org/2000/svg", box = $("map"), svg = document.createElementNS(ns, "svg");
    svg.setAttribute("xmlns", ns);
    svg.setAttribute("width", String(box.clientWidth)); svg.setAttribute("height", String(box.clientHeight));
    svg.setAttribute("viewBox", "0 0 " + box.clientWidth + " " + box.clientHeight);
    var where = function (key) {
      var d = renderer.getNodeDisplayData(key);
      return d && !d.hidden ? {p: renderer.framedGraphToViewport(d), d: d} : null;
    };
    var make = function (tag, attrs, text) {
      var e = document.createElementNS(ns, tag);
      Object.keys(attrs).forEach(function (a) { e.setAttribute(a, String(attrs[a])); });
      if (text !== undefined) e.textContent = text;
      svg.appendChild(e);
    };
    make("rect", {width: "100%", height: "100%", fill: "#ffffff"});
    graph.forEachEdge(function (key, attrs, source, target) {
      var d = renderer.getEdgeDisplayData(key);
      if (!d || d.hidden) return;
      var a = where(source), b = where(target);
      if (a && b) make("line", {x1: a.p.x, y1: a.p.y, x2: b.p.x, y2: b.p.y, stroke: d.color, "stroke-width": 1});
    });
    var labels = renderer.getNodeDisplayedLabels();
    graph.forEachNode(function (key) {
      var w = where(key);
      if (!w) return;
      var r = renderer.scaleSize(w.d.size);
      make("circle", {cx: w.p.x, cy: w.p.y, r: r, fill: w.d.color});
      if (labels.has(key) && w.d.label) make("text", {x: w.p.x + r + 3, y: w.p.y + 4, "font-size": 12, "font-family": "sans-serif"}, w.d.label);
    });
    download("partner-map.svg", "image/svg+xml", new XMLSerializer().serializeToString(svg));
    document.body.dataset.exported = "svg";
  });

  // -- start ---------------------------------------------------------------------------------------------
  timing.sigma = performance.now() - started;
  if (state.tab === "map") {
    $("tab-map").setAttribute("aria-selected", "true"); $("tab-network").setAttribute("aria-selected", "false");
    frameMap(); renderer.refresh();
  }
  checkPlacesOpen();
  syncInputs();
  renderFacets();
  update({drawn: true, keepAddress: !location.hash});
  drawGroupLabels();
  timing.setup = performance.now() - started;
  if (state.shown !== null || state.selected !== null) {
    if (state.selected !== null && state.shown === null) select(state.selected, true); else fit();
  }
  // Sigma drew the first frame in its constructor; ready once the browser has shown it (the
  // second animation frame starts after the first one is presented).
  requestAnimationFrame(function () { requestAnimationFrame(function () {
    timing.ready = performance.now() - started;
    window.partnerMap = {renderer: renderer, state: state, update: update, counts: counts, select: select, timing: timing,
                         find: function (key) { return keyIndex.get(key); }};
    document.body.dataset.ready = "1";
  }); });
})();
