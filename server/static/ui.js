// The query page: runs SPARQL against the endpoint and named queries against
// the catalog API, and shows the answers as a table. Everything from the
// server is inserted as text nodes, never as HTML.
"use strict";

(function () {
  const page = document.getElementById("query-page");
  if (!page) return;
  const endpoint = page.dataset.endpoint;
  const catalogUrl = page.dataset.catalog;
  const base = page.dataset.base;
  const root = page.dataset.root || "";
  const editor = document.getElementById("query");
  const status = document.getElementById("status");
  const results = document.getElementById("results");

  const ACCEPT = "application/sparql-results+json, text/turtle;q=0.9, application/json;q=0.8";

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function localHref(iri) {
    if (iri.startsWith(base + "id/") || iri.startsWith(base + "ontology")) {
      return root + "/" + iri.slice(base.length);
    }
    if (/^https?:\/\//i.test(iri)) return iri;
    return null;
  }

  function cell(term) {
    const td = el("td");
    if (!term) return td;
    if (term.type === "uri") {
      const href = localHref(term.value);
      td.appendChild(href ? el("a", { href: href, title: term.value }, term.value) : el("span", {}, term.value));
    } else if (term.type === "bnode") {
      td.appendChild(el("span", { class: "iri" }, "_:" + term.value));
    } else {
      td.appendChild(el("span", { class: "literal" }, term.value));
      if (term["xml:lang"]) td.appendChild(el("span", { class: "lang" }, " @" + term["xml:lang"]));
      else if (term.datatype && !term.datatype.endsWith("#string")) {
        td.appendChild(el("span", { class: "datatype" }, " " + term.datatype.replace("http://www.w3.org/2001/XMLSchema#", "xsd:")));
      }
    }
    return td;
  }

  function showTable(data) {
    clear(results);
    if (typeof data.boolean === "boolean") {
      results.appendChild(el("p", { class: "boolean" }, data.boolean ? "true" : "false"));
      return 0;
    }
    const vars = data.head.vars;
    const table = el("table");
    const head = el("tr");
    vars.forEach(function (v) { head.appendChild(el("th", {}, v)); });
    table.appendChild(el("thead")).appendChild(head);
    const body = el("tbody");
    data.results.bindings.forEach(function (row) {
      const tr = el("tr");
      vars.forEach(function (v) { tr.appendChild(cell(row[v])); });
      body.appendChild(tr);
    });
    table.appendChild(body);
    results.appendChild(table);
    return data.results.bindings.length;
  }

  function showError(data, fallback) {
    clear(results);
    const error = (data && data.error) || { message: fallback };
    results.appendChild(el("p", { class: "error" }, error.message));
    if (error.excerpt) results.appendChild(el("pre", { class: "excerpt" }, error.excerpt));
    if (error.supported) results.appendChild(el("p", { class: "note" }, "Supported: " + error.supported.join(", ")));
  }

  async function show(response, started) {
    const type = (response.headers.get("Content-Type") || "").split(";")[0];
    const truncated = response.headers.get("X-KG-Result-Truncated") === "true";
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    if (!response.ok) {
      let data = null;
      try { data = await response.json(); } catch (e) { data = null; }
      showError(data, response.status + " " + response.statusText);
      status.textContent = "Error " + response.status;
      return;
    }
    if (type === "application/sparql-results+json" || type === "application/json") {
      const count = showTable(await response.json());
      status.textContent = count + " row" + (count === 1 ? "" : "s") + " in " + seconds + " s" +
        (truncated ? " (cut at the server's limit)" : "");
    } else {
      clear(results);
      results.appendChild(el("pre", { class: "rdf" }, await response.text()));
      status.textContent = "Graph result in " + seconds + " s" + (truncated ? " (cut at the server's limit)" : "");
    }
  }

  async function run(url, options) {
    status.textContent = "Running…";
    const started = performance.now();
    try {
      await show(await fetch(url, options), started);
    } catch (e) {
      showError(null, "The request failed: " + e.message);
      status.textContent = "";
    }
  }

  document.getElementById("query-form").addEventListener("submit", function (event) {
    event.preventDefault();
    const body = new URLSearchParams({ query: editor.value });
    run(endpoint, { method: "POST", body: body, headers: { Accept: ACCEPT } });
  });

  document.getElementById("download").addEventListener("click", function () {
    const params = new URLSearchParams({ query: editor.value, format: document.getElementById("download-format").value });
    window.location.href = endpoint + "?" + params.toString();
  });

  document.querySelectorAll("button.example").forEach(function (button) {
    button.addEventListener("click", function () {
      editor.value = button.dataset.query;
      editor.focus();
    });
  });

  // Named queries from the catalog.
  const catalogList = document.getElementById("catalog");
  const form = document.getElementById("catalog-form");
  const paramsBox = document.getElementById("catalog-params");
  let selected = null;

  function catalogUrlFor(format) {
    const params = new URLSearchParams();
    paramsBox.querySelectorAll("input").forEach(function (input) {
      if (input.value) params.set(input.name, input.value);
    });
    if (format) params.set("format", format);
    const query = params.toString();
    return catalogUrl + "/" + encodeURIComponent(selected.name) + (query ? "?" + query : "");
  }

  function select(entry) {
    selected = entry;
    form.hidden = false;
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
    document.getElementById("catalog-csv").href = catalogUrlFor("csv");
  }

  paramsBox.addEventListener("input", function () {
    if (selected) document.getElementById("catalog-csv").href = catalogUrlFor("csv");
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (selected) run(catalogUrlFor(null), { headers: { Accept: "application/sparql-results+json" } });
  });

  fetch(catalogUrl, { headers: { Accept: "application/json" } })
    .then(function (response) { return response.json(); })
    .then(function (data) {
      clear(catalogList);
      data.queries.forEach(function (entry) {
        const button = el("button", { type: "button", class: "link", title: entry.description }, entry.title);
        button.addEventListener("click", function () { select(entry); });
        catalogList.appendChild(el("li")).appendChild(button);
      });
    })
    .catch(function () {
      clear(catalogList);
      catalogList.appendChild(el("li", { class: "note" }, "The catalog could not be loaded."));
    });
})();
