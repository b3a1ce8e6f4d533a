// The SPARQL editor of /query: posts the query to /sparql and shows the answer.
// Every value is put on the page as text (textContent), never as HTML.
"use strict";
(function () {
  const form = document.getElementById("editor");
  const query = document.getElementById("query");
  const format = document.getElementById("format");
  const status = document.getElementById("status");
  const result = document.getElementById("result");
  const shared = new URLSearchParams(window.location.search).get("query");
  if (shared) query.value = shared;

  function element(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  function cell(term) {
    if (!term) return element("td");
    const tag = term["xml:lang"] ? "@" + term["xml:lang"] : "";
    return element("td", term.value + tag, term.type === "uri" ? "iri" : undefined);
  }

  function table(data) {
    if (typeof data.boolean === "boolean") return element("p", data.boolean ? "true" : "false");
    const vars = data.head.vars || [];
    const out = element("table");
    const head = element("tr");
    vars.forEach(function (name) { head.appendChild(element("th", name)); });
    out.appendChild(element("thead")).appendChild(head);
    const body = out.appendChild(element("tbody"));
    data.results.bindings.forEach(function (row) {
      const tr = element("tr");
      vars.forEach(function (name) { tr.appendChild(cell(row[name])); });
      body.appendChild(tr);
    });
    return out;
  }

  async function run(event) {
    if (event) event.preventDefault();
    const wanted = format.value;
    const accept = wanted ? "*/*" : "application/sparql-results+json, text/turtle;q=0.9";
    const params = new URLSearchParams({ query: query.value });
    if (wanted) params.set("format", wanted);
    history.replaceState(null, "", "?" + new URLSearchParams({ query: query.value }).toString());
    status.textContent = "Running…";
    result.replaceChildren();
    const started = performance.now();
    let response;
    try {
      response = await fetch("/sparql", { method: "POST", headers: { "Accept": accept },
        body: params });
    } catch (error) {
      status.textContent = "The server did not answer: " + error;
      return;
    }
    const text = await response.text();
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    if (!response.ok) {
      status.textContent = "Error " + response.status + " after " + seconds + " s";
      result.appendChild(element("pre", text, "error"));
      return;
    }
    const type = response.headers.get("content-type") || "";
    const cut = response.headers.get("x-result-truncated") ? " (cut at the row limit)" : "";
    if (type.startsWith("application/sparql-results+json") && !wanted) {
      const data = JSON.parse(text);
      const rows = data.results ? data.results.bindings.length + " rows" : "answer";
      status.textContent = rows + cut + " in " + seconds + " s";
      result.appendChild(table(data));
    } else {
      status.textContent = type.split(";")[0] + cut + " in " + seconds + " s";
      result.appendChild(element("pre", text));
    }
  }

  form.addEventListener("submit", run);
  query.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) run(event);
  });
})();
