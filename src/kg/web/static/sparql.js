// The SPARQL editor: a textarea with line numbers that runs queries with fetch and shows SELECT
// answers as a table, ASK answers as a sentence and graphs as text. Other formats are opened as
// a plain GET of the protocol, so the browser shows or downloads them.
//
// /sparql#query=<percent-encoded SPARQL> opens the editor with that query; running a query puts
// it in the fragment, so the address can be bookmarked or shared.
(function () {
  "use strict";

  const form = document.getElementById("sparql-form");
  const query = document.getElementById("query");
  const gutter = document.getElementById("gutter");
  const format = document.getElementById("format");
  const examples = document.getElementById("examples");
  const download = document.getElementById("download-csv");
  const status = document.getElementById("status");
  const error = document.getElementById("error");
  const results = document.getElementById("results");
  const runButton = document.getElementById("run");
  const baseIri = form.dataset.baseIri || "";
  const INDENT = "  ";

  // --- the editor ---------------------------------------------------------------------------

  let errorLine = null;

  function renderGutter() {
    const lines = query.value.split("\n").length;
    const numbers = [];
    for (let n = 1; n <= lines; n++) {
      numbers.push(n === errorLine ? "\u25B6" + n : String(n));
    }
    gutter.textContent = numbers.join("\n");
    gutter.scrollTop = query.scrollTop;
  }

  function csvHref(text) {
    return "/sparql?" + new URLSearchParams({ query: text, format: "csv" }).toString();
  }

  function changed() {
    renderGutter();
    download.href = csvHref(query.value);
  }

  function setQuery(text) {
    query.value = text;
    errorLine = null;
    changed();
  }

  // Replace the selection with `text` through the browser's editing commands where possible, so
  // that undo (Ctrl+Z) still works.
  function insert(text) {
    if (!document.execCommand || !document.execCommand("insertText", false, text)) {
      const start = query.selectionStart;
      query.setRangeText(text, start, query.selectionEnd, "end");
    }
    changed();
  }

  // Tab indents (Shift+Tab removes an indent) until Esc is pressed: then the next Tab leaves the
  // editor as usual, so keyboard users are never trapped in it.
  let tabLeaves = false;

  query.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      run();
      return;
    }
    if (event.key === "Escape") {
      tabLeaves = true;
      return;
    }
    if (event.key === "Tab" && !tabLeaves && !event.altKey && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      if (event.shiftKey) {
        outdent();
      } else {
        insert(INDENT);
      }
      return;
    }
    tabLeaves = false;
  });
  query.addEventListener("blur", () => {
    tabLeaves = false;
  });

  function outdent() {
    const value = query.value;
    const lineStart = value.lastIndexOf("\n", query.selectionStart - 1) + 1;
    const removable = value.slice(lineStart, lineStart + INDENT.length).match(/^ {1,2}/);
    if (!removable) return;
    const width = removable[0].length;
    const start = query.selectionStart;
    const end = query.selectionEnd;
    query.setSelectionRange(lineStart, lineStart + width);
    insert("");
    query.setSelectionRange(Math.max(lineStart, start - width), Math.max(lineStart, end - width));
  }

  query.addEventListener("input", changed);
  query.addEventListener("scroll", () => {
    gutter.scrollTop = query.scrollTop;
  });

  examples.addEventListener("change", () => {
    const template = document.getElementById("example-" + examples.value);
    if (template) {
      setQuery(template.content.textContent.trim() + "\n");
      query.focus();
    }
  });

  // --- the URL fragment -------------------------------------------------------------------

  function fromFragment() {
    const fragment = new URLSearchParams(window.location.hash.slice(1));
    const text = fragment.get("query");
    if (text !== null) setQuery(text);
  }

  function toFragment(text) {
    const hash = "#" + new URLSearchParams({ query: text }).toString();
    if (window.location.hash !== hash) {
      history.replaceState(null, "", window.location.pathname + window.location.search + hash);
    }
  }

  window.addEventListener("hashchange", fromFragment);

  // --- answers ------------------------------------------------------------------------------

  // The page of this service that describes an IRI: data IRIs under the service's base have
  // their own path (/id/…); any other IRI is looked up with /resource?iri=….
  function pageOf(iri) {
    if (baseIri && iri.startsWith(baseIri) && iri.length > baseIri.length) {
      const rest = encodeURI(iri.slice(baseIri.length)).replace(/[?#]/g, (c) =>
        "%" + c.charCodeAt(0).toString(16).toUpperCase());
      return "/id/" + rest;
    }
    return "/resource?iri=" + encodeURIComponent(iri);
  }

  function cell(term) {
    const td = document.createElement("td");
    if (!term) return td;
    if (term.type === "uri") {
      const a = document.createElement("a");
      a.href = pageOf(term.value);
      a.textContent = term.value;
      a.className = "iri-link";
      td.appendChild(a);
    } else if (term.type === "bnode") {
      td.textContent = "_:" + term.value;
    } else {
      const value = document.createElement("span");
      value.textContent = term.value;
      if (term["xml:lang"]) value.lang = term["xml:lang"];
      td.appendChild(value);
      const tag = term["xml:lang"] ? "@" + term["xml:lang"] : "";
      if (tag) {
        const small = document.createElement("small");
        small.className = "muted";
        small.textContent = " " + tag;
        td.appendChild(small);
      }
      if (/#(integer|decimal|double|float|long|int)$/.test(term.datatype || "")) {
        td.className = "num";
      }
    }
    return td;
  }

  function table(data) {
    const wrapper = document.createElement("div");
    wrapper.className = "table-scroll";
    const element = document.createElement("table");
    element.className = "results";
    const caption = element.createCaption();
    caption.className = "visually-hidden";
    caption.textContent = "Query results";
    const head = element.createTHead().insertRow();
    for (const name of data.head.vars) {
      const th = document.createElement("th");
      th.scope = "col";
      th.textContent = name;
      head.appendChild(th);
    }
    const body = element.createTBody();
    for (const binding of data.results.bindings) {
      const row = body.insertRow();
      for (const name of data.head.vars) row.appendChild(cell(binding[name]));
    }
    wrapper.appendChild(element);
    return wrapper;
  }

  function plural(n, word) {
    return n + " " + word + (n === 1 ? "" : "s");
  }

  function showProblem(problem) {
    error.replaceChildren();
    const heading = document.createElement("strong");
    heading.textContent = problem.title || "Error";
    error.append(heading, ": " + (problem.detail || "the query failed"));
    if (problem.line) {
      errorLine = problem.line;
      const where = document.createElement("p");
      where.className = "error-position";
      where.textContent = "Line " + problem.line + (problem.column ? ", column " + problem.column : "");
      error.appendChild(where);
      if (problem.near !== undefined) {
        const near = document.createElement("pre");
        const caret = problem.column ? "\n" + " ".repeat(problem.column - 1) + "^" : "";
        near.textContent = problem.near + caret;
        error.appendChild(near);
      }
      const go = document.createElement("button");
      go.type = "button";
      go.textContent = "Go to line " + problem.line;
      go.addEventListener("click", () => goTo(problem.line, problem.column || 1));
      error.appendChild(go);
      renderGutter();
    }
    error.hidden = false;
  }

  function goTo(line, column) {
    const lines = query.value.split("\n");
    let offset = 0;
    for (let i = 0; i < line - 1 && i < lines.length; i++) offset += lines[i].length + 1;
    offset += Math.max(0, column - 1);
    query.focus();
    query.setSelectionRange(offset, offset);
  }

  let running = null;

  async function run() {
    const text = query.value;
    if (!text.trim()) {
      status.textContent = "Write a query first.";
      return;
    }
    if (running) running.abort();
    const controller = new AbortController();
    running = controller;
    toFragment(text);
    errorLine = null;
    renderGutter();
    error.hidden = true;
    runButton.disabled = true;
    form.setAttribute("aria-busy", "true");
    status.textContent = "Running…";
    const started = performance.now();
    try {
      const response = await fetch("/sparql", {
        method: "POST",
        headers: {
          "Content-Type": "application/sparql-query",
          Accept: "application/sparql-results+json, text/turtle;q=0.9",
        },
        body: text,
        signal: controller.signal,
      });
      const type = response.headers.get("content-type") || "";
      const body = type.includes("json") ? await response.json() : await response.text();
      const elapsed = Math.round(performance.now() - started) + " ms";
      if (!response.ok) {
        results.replaceChildren();
        showProblem(typeof body === "string" ? { title: response.statusText, detail: body } : body);
        status.textContent = "Failed after " + elapsed + ".";
        return;
      }
      if (type.startsWith("application/sparql-results+json") && "boolean" in body) {
        const answer = document.createElement("p");
        answer.className = "ask-answer";
        answer.textContent = "ASK: " + body.boolean;
        results.replaceChildren(answer);
        status.textContent = "Answered in " + elapsed + ".";
      } else if (type.startsWith("application/sparql-results+json")) {
        results.replaceChildren(table(body));
        status.textContent = plural(body.results.bindings.length, "row") + " in " + elapsed + ".";
      } else {
        const pre = document.createElement("pre");
        pre.textContent = body;
        results.replaceChildren(pre);
        status.textContent = "Graph answer (" + type.split(";")[0] + ") in " + elapsed + ".";
      }
    } catch (exception) {
      if (exception.name === "AbortError") return;
      showProblem({ title: "Network error", detail: String(exception) });
      status.textContent = "";
    } finally {
      if (running === controller) {
        running = null;
        runButton.disabled = false;
        form.removeAttribute("aria-busy");
      }
    }
  }

  form.addEventListener("submit", (event) => {
    if (format.value) return; // a plain GET: the browser shows or downloads the chosen format
    event.preventDefault();
    run();
  });

  fromFragment();
  changed();
})();
