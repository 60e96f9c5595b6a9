// The search box in the page header: suggests entities from /api/search as
// the user types; Enter or a click opens the entity's page. Suggestions are
// built as DOM nodes with textContent, so labels from the data are never HTML,
// and only pages of this server are navigated to.
"use strict";

(function () {
  const form = document.querySelector("form.site-search");
  if (!form) return;
  const input = form.querySelector("input[name=q]");
  const list = form.querySelector(".suggestions");
  const api = form.dataset.api;
  const LIMIT = 8;
  const DELAY_MS = 120;

  let results = [];
  let shownFor = null;  // the text the shown suggestions answer
  let active = -1;
  let timer = null;
  let controller = null;
  let latest = 0;  // number of the newest request: older answers are dropped

  function localName(iri) {
    const parts = String(iri || "").split(/[#/]/);
    return parts[parts.length - 1] || "";
  }

  // The page URL if it is on this server, else null (data cannot send the user elsewhere).
  function samePage(url) {
    if (!url) return null;
    try {
      const target = new URL(url, window.location.href);
      return target.origin === window.location.origin ? target.href : null;
    } catch (e) {
      return null;
    }
  }

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function highlight(index) {
    const items = list.querySelectorAll("li[role=option]");
    items.forEach((item, i) => item.setAttribute("aria-selected", i === index ? "true" : "false"));
    active = index;
    if (index >= 0 && items[index]) input.setAttribute("aria-activedescendant", items[index].id);
    else input.removeAttribute("aria-activedescendant");
  }

  function go(result) {
    const href = result && samePage(result.page);
    if (href) window.location.assign(href);
  }

  function item(result, index) {
    const li = document.createElement("li");
    li.id = "site-search-option-" + index;
    li.setAttribute("role", "option");
    li.setAttribute("aria-selected", "false");
    const label = document.createElement("span");
    label.className = "label";
    label.textContent = result.label;
    li.appendChild(label);
    if (result.matched && result.matched !== result.label) {
      const matched = document.createElement("span");
      matched.className = "matched";
      matched.textContent = result.matched;
      li.appendChild(matched);
    }
    const type = document.createElement("span");
    type.className = "type";
    type.textContent = localName(result.type);
    li.appendChild(type);
    // mousedown, not click: it comes before the input loses focus and closes the list.
    li.addEventListener("mousedown", (event) => {
      event.preventDefault();
      go(result);
    });
    li.addEventListener("mousemove", () => highlight(index));
    return li;
  }

  function show(text, found) {
    shownFor = text;
    results = found.filter((r) => samePage(r.page));
    while (list.firstChild) list.removeChild(list.firstChild);
    if (!results.length) {
      const empty = document.createElement("li");
      empty.className = "empty";
      empty.textContent = "No matches";
      list.appendChild(empty);
    } else {
      results.forEach((r, i) => list.appendChild(item(r, i)));
    }
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    highlight(results.length ? 0 : -1);
  }

  async function lookup(text) {
    const number = ++latest;
    if (controller) controller.abort();
    controller = new AbortController();
    const url = api + "?q=" + encodeURIComponent(text) + "&limit=" + LIMIT;
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, signal: controller.signal });
      if (!response.ok) return null;
      const body = await response.json();
      if (number !== latest) return null;
      show(text, Array.isArray(body.results) ? body.results : []);
      return results;
    } catch (e) {
      return null;  // aborted by a newer request, or the server is unreachable
    }
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    const text = input.value.trim();
    if (!text) {
      latest++;
      close();
      return;
    }
    timer = setTimeout(() => lookup(text), DELAY_MS);
  });

  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (list.hidden || !results.length) return;
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      highlight((active + step + results.length) % results.length);
    } else if (event.key === "Escape") {
      close();
    }
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    clearTimeout(timer);
    if (!list.hidden && shownFor === text && results.length) {
      go(results[active >= 0 ? active : 0]);
      return;
    }
    const found = await lookup(text);
    if (found && found.length) go(found[0]);
  });

  input.addEventListener("blur", close);
  input.addEventListener("focus", () => {
    if (input.value.trim() && list.firstChild) {
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }
  });
})();
