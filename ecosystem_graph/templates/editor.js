// The SPARQL editor of /query: YASGUI (vendored, served by this server), set up so that it talks
// to this server's /sparql only and completes from the project's own vocabulary instead of the
// remote services it asks by default (the LOV API for classes and properties, prefix.cc).
"use strict";
(function () {
  const config = JSON.parse(document.getElementById("editor-config").textContent);
  const Yasqe = Yasgui.Yasqe;
  const endpoint = new URL(config.endpoint, window.location.href).href;
  const ours = Object.entries(config.prefixes).map(([prefix, iri]) => prefix + ": <" + iri + ">");

  // Completion lists are given as arrays, so nothing is fetched; YASGUI's own prefix list (kept
  // in its bundle) follows the project's, without the prefixes the project binds otherwise.
  const bundledPrefixes = Yasqe.Autocompleters.prefixes.get({ config: { prefixCcApi: null } });
  function local(name, list) {
    Yasqe.forkAutocompleter(name, { name: name, bulk: true, get: list, persistenceId: "ecosystem-graph-" + name });
  }

  // The project's prefixes a query uses are declared at its top (the server would add them, but
  // the editor's syntax check and completion read the query's own declarations).
  function declared(text) {
    const used = Object.keys(config.prefixes).filter((prefix) =>
      new RegExp("(^|[\\s(/^|{,;])" + prefix + ":").test(text) &&
      !new RegExp("PREFIX\\s+" + prefix + ":", "i").test(text));
    return used.map((prefix) => "PREFIX " + prefix + ": <" + config.prefixes[prefix] + ">\n").join("") + text;
  }

  // Results: the graph's own IRIs open their page on this server, in the same window. The
  // endpoint box shows where queries go; it cannot be changed (the page may talk to no other).
  Yasgui.Yasr.plugins.table.defaults.openIriInNewWindow = false;
  function localOnly(root) {
    root.querySelectorAll("a.iri").forEach(function (link) {
      const iri = link.getAttribute("href") || "";
      if (iri.startsWith(config.base)) link.setAttribute("href", "/id/" + iri.slice(config.base.length));
    });
    root.querySelectorAll(".controlbar input:not([readonly])").forEach(function (input) {
      input.readOnly = true;
      input.title = "This editor queries this server's endpoint only";
    });
  }

  function start(prefixes) {
    local("prefixes", ours.concat(prefixes.filter((line) => !(line.split(":")[0] in config.prefixes))));
    local("class", config.classes);
    local("property", config.properties);
    const here = { endpoint: endpoint, method: "POST" };
    const element = document.getElementById("yasgui");
    const yasgui = new Yasgui(element, {
      requestConfig: here,
      copyEndpointOnNewTab: false,
      endpointCatalogueOptions: { getData: () => [{ endpoint: endpoint }], keys: [] },
      // A link (from a named query's page, or shared) opens a tab on this server's endpoint,
      // whatever endpoint the link names.
      populateFromUrl: (tab) => Object.assign(tab, {
        yasqe: Object.assign({}, tab.yasqe, { value: declared(tab.yasqe.value) }),
        requestConfig: Object.assign({}, tab.requestConfig, here) }),
      yasqe: { value: declared(config.example) },
      yasr: { prefixes: config.prefixes },
    });
    yasgui.persistentConfig.persistedJson.tabs.forEach(function (id) {
      const tab = yasgui.getTab(id);
      if (tab && tab.getEndpoint() !== endpoint) tab.setEndpoint(endpoint);
    });
    localOnly(element);
    new MutationObserver(() => localOnly(element)).observe(element, { childList: true, subtree: true });

    document.getElementById("named-query").addEventListener("change", function (event) {
      const query = config.queries.find((q) => q.name === event.target.value);
      if (!query) return;
      yasgui.addTab(true, { name: query.name, yasqe: { value: declared(query.text) }, requestConfig: here });
      event.target.value = "";
    });
    window.ecosystemGraphEditor = yasgui;  // for notebooks and tests driving the page
  }

  Promise.resolve(bundledPrefixes).then(start, () => start([]));
})();
