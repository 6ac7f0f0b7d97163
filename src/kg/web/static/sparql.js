// The SPARQL editor: runs the query with fetch and shows SELECT/ASK answers as a table.
// Other formats are opened as a plain GET, so the browser shows or downloads them.
(function () {
  const form = document.getElementById("sparql-form");
  const query = document.getElementById("query");
  const format = document.getElementById("format");
  const status = document.getElementById("status");
  const error = document.getElementById("error");
  const results = document.getElementById("results");

  const params = new URLSearchParams(window.location.search);
  if (params.get("query")) query.value = params.get("query");

  document.getElementById("examples").addEventListener("change", (event) => {
    const template = document.getElementById("example-" + event.target.value);
    if (template) query.value = template.content.textContent.trim();
  });

  function cell(term) {
    const td = document.createElement("td");
    if (!term) return td;
    if (term.type === "uri") {
      const a = document.createElement("a");
      a.href = "/resource?iri=" + encodeURIComponent(term.value);
      a.textContent = term.value;
      td.appendChild(a);
    } else {
      td.textContent = term.value + (term["xml:lang"] ? " @" + term["xml:lang"] : "");
    }
    return td;
  }

  function render(data) {
    results.replaceChildren();
    if ("boolean" in data) {
      results.textContent = "ASK: " + data.boolean;
      return;
    }
    const table = document.createElement("table");
    const head = table.createTHead().insertRow();
    for (const name of data.head.vars) {
      const th = document.createElement("th");
      th.textContent = name;
      head.appendChild(th);
    }
    const body = table.createTBody();
    for (const binding of data.results.bindings) {
      const row = body.insertRow();
      for (const name of data.head.vars) row.appendChild(cell(binding[name]));
    }
    results.appendChild(table);
    status.textContent = data.results.bindings.length + " rows";
  }

  form.addEventListener("submit", async (event) => {
    if (format.value) return; // a plain GET: the browser shows the chosen format
    event.preventDefault();
    error.hidden = true;
    status.textContent = "running…";
    const started = performance.now();
    const response = await fetch("/sparql", {
      method: "POST",
      headers: {
        "Content-Type": "application/sparql-query",
        Accept: "application/sparql-results+json, text/turtle;q=0.5",
      },
      body: query.value,
    });
    const type = response.headers.get("content-type") || "";
    if (!response.ok) {
      const problem = type.includes("json") ? await response.json() : { detail: await response.text() };
      error.textContent = (problem.title ? problem.title + ": " : "") + problem.detail;
      error.hidden = false;
      status.textContent = "";
      return;
    }
    if (type.startsWith("application/sparql-results+json")) {
      render(await response.json());
    } else {
      const pre = document.createElement("pre");
      pre.textContent = await response.text();
      results.replaceChildren(pre);
      status.textContent = "";
    }
    status.textContent += " · " + Math.round(performance.now() - started) + " ms";
  });
})();
