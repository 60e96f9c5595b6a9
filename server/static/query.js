// The query page with YASGUI: sets the editor up for this server (its
// endpoint, its prefixes, nothing fetched from elsewhere, nothing stored in
// the browser) and puts the examples and the catalog's named queries one
// click away, each in a tab of its own. Text from the server is inserted as
// text nodes, never as HTML.
"use strict";

(function () {
  const holder = document.getElementById("yasgui");
  const configElement = document.getElementById("kg-query-config");
  if (!holder || !configElement || typeof Yasgui === "undefined") return;
  const config = JSON.parse(configElement.textContent);
  const endpoint = new URL(config.endpoint, window.location.href).href;
  const prefixes = config.prefixes;
  const prefixCompletions = Object.keys(prefixes).sort().map(function (name) {
    return name + ": <" + prefixes[name] + ">";
  });

  // Prefix completion from this server's own list: YASQE's own completer would
  // use its bundled list (or prefix.cc), and the class and property completers
  // ask a remote vocabulary service, so only these two completers are on.
  Yasgui.Yasqe.forkAutocompleter("prefixes", {
    name: "kgPrefixes",
    persistenceId: null,
    get: function () { return Promise.resolve(prefixCompletions); },
  }, false);

  const yasgui = new Yasgui(holder, {
    persistenceId: null,
    // Shared links (the editor's share button) open their query here, always
    // against this server, whatever endpoint the link names.
    populateFromUrl: function (fromUrl) {
      fromUrl.requestConfig = Object.assign({}, fromUrl.requestConfig || {}, { endpoint: endpoint });
      return fromUrl;
    },
    autofocus: false,
    copyEndpointOnNewTab: true,
    tabName: "Query",
    requestConfig: {
      endpoint: endpoint,
      method: "POST",
      acceptHeaderSelect: "application/sparql-results+json",
      acceptHeaderGraph: "text/turtle",
      acceptHeaderUpdate: "text/plain",
    },
    endpointCatalogueOptions: {
      getData: function () { return [{ endpoint: endpoint }]; },
    },
    yasqe: {
      persistenceId: null,
      autocompleters: ["kgPrefixes", "variables"],
      prefixCcApi: null,
      resizeable: true,
      editorHeight: "260px",
      createShortLink: undefined,
    },
    yasr: {
      persistenceId: null,
      prefixes: prefixes,
      defaultPlugin: "table",
    },
  });

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  // Tabs opened from the lists, by title, so that a second click returns to
  // the same tab instead of opening another.
  const opened = {};

  function openTab(title, text) {
    const known = opened[title] && yasgui.getTab(opened[title]);
    if (known) {
      yasgui.selectTabId(opened[title]);
      known.setQuery(text);
      return known;
    }
    const tab = yasgui.addTab(true, { name: title, yasqe: { value: text } });
    opened[title] = tab.getId();
    return tab;
  }

  const shared = new URLSearchParams(window.location.search).has("query") ||
    /[#&]query=/.test(window.location.hash);
  const first = yasgui.getTab();
  if (first && shared) {
    first.setName("Shared query");
  } else if (first && config.examples.length) {
    first.setName(config.examples[0].title);
    first.setQuery(config.examples[0].text);
    opened[config.examples[0].title] = first.getId();
  }

  document.querySelectorAll("#examples button.example").forEach(function (button) {
    button.addEventListener("click", function () {
      const example = config.examples[Number(button.dataset.index)];
      if (example) openTab(example.title, example.text);
    });
  });

  // Result tables link IRIs to themselves; this graph's own IRIs are served
  // by this server, so they link here instead.
  function localHref(iri) {
    if (iri.startsWith(config.base + "id/") || iri.startsWith(config.base + "ontology")) {
      return config.root + "/" + iri.slice(config.base.length);
    }
    return null;
  }

  function localiseLinks() {
    holder.querySelectorAll("a.iri[href]").forEach(function (link) {
      const iri = link.getAttribute("href");
      const local = localHref(iri);
      if (local) {
        link.setAttribute("href", local);
        link.setAttribute("title", iri);
      }
    });
  }

  new MutationObserver(localiseLinks).observe(holder, { childList: true, subtree: true });

  // Named queries from the catalog.
  const catalogList = document.getElementById("catalog");
  const form = document.getElementById("catalog-form");
  const paramsBox = document.getElementById("catalog-params");
  const formError = document.getElementById("catalog-error");
  let selected = null;

  function parameters(format) {
    const params = new URLSearchParams();
    paramsBox.querySelectorAll("input").forEach(function (input) {
      params.set(input.name, input.value);
    });
    if (format) params.set("format", format);
    return params.toString();
  }

  function select(entry) {
    selected = entry;
    openTab(entry.title, entry.text);
    form.hidden = false;
    formError.textContent = "";
    document.getElementById("catalog-title").textContent = entry.title;
    document.getElementById("catalog-description").textContent = entry.description;
    clear(paramsBox);
    entry.params.forEach(function (param) {
      const label = el("label", {}, param.name + " (" + param.type + (param.required ? ", required" : "") + ")");
      const input = el("input", { name: param.name, placeholder: param.default || "", title: param.description || "" });
      if (param.required) input.required = true;
      label.appendChild(input);
      paramsBox.appendChild(label);
    });
    updateCsvLink();
  }

  function updateCsvLink() {
    if (selected) document.getElementById("catalog-csv").href = selected.url + "?" + parameters("csv");
  }

  paramsBox.addEventListener("input", updateCsvLink);

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    if (!selected) return;
    const entry = selected;
    formError.textContent = "";
    try {
      const response = await fetch(entry.sparql + "?" + parameters(null), {
        headers: { Accept: "application/sparql-query, application/json;q=0.5" },
      });
      if (!response.ok) {
        let message = response.status + " " + response.statusText;
        try { message = (await response.json()).error.message; } catch (e) { /* keep the status */ }
        formError.textContent = message;
        return;
      }
      openTab(entry.title, await response.text());
    } catch (e) {
      formError.textContent = "The request failed: " + e.message;
    }
  });

  fetch(config.catalog, { headers: { Accept: "application/json" } })
    .then(function (response) {
      if (!response.ok) throw new Error(response.status + " " + response.statusText);
      return response.json();
    })
    .then(function (data) {
      clear(catalogList);
      data.queries.forEach(function (entry) {
        const button = el("button", { type: "button", class: "link named-query", title: entry.description }, entry.title);
        button.dataset.name = entry.name;
        button.addEventListener("click", function () { select(entry); });
        catalogList.appendChild(el("li")).appendChild(button);
      });
    })
    .catch(function () {
      clear(catalogList);
      catalogList.appendChild(el("li", { class: "note" }, "The catalog could not be loaded."));
    });

  // The editor, for the browser console and the browser tests.
  window.kgYasgui = yasgui;
})();
