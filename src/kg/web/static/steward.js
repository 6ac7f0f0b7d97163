// The data steward's page: POST the chosen file to /validate, show the report per row, then
// POST it to /ingest with the key. The same endpoints and report as for programs.
"use strict";

const TYPES = {
  csv: "text/csv", tsv: "text/tab-separated-values", ttl: "text/turtle",
  nt: "application/n-triples", jsonld: "application/ld+json", rdf: "application/rdf+xml",
  yaml: "application/yaml", yml: "application/yaml",
};

function byId(id) { return document.getElementById(id); }

function mediaType(file) {
  const suffix = file.name.split(".").pop().toLowerCase();
  return TYPES[suffix] || "application/octet-stream";
}

function say(text) { byId("steward-status").textContent = text; }

function cell(row, text) {
  const td = document.createElement("td");
  td.textContent = text === null || text === undefined ? "" : String(text);
  row.appendChild(td);
  return td;
}

// In the steward's words: a check loads nothing, so its rows are "valid" or "refused".
function outcomeWords(outcome, written) {
  if (outcome === "quarantined") { return "refused"; }
  return written ? "loaded" : "valid";
}

function showReport(report, title) {
  byId("steward-report").hidden = false;
  byId("steward-report-title").textContent = title;
  const r = report.records;
  byId("steward-counts").textContent =
    `${r.read} records read: ${r.loaded} ${report.written ? "loaded" : "valid"}, ` +
    `${r.quarantined} refused, ${r.warnings} warnings.`;
  const changes = byId("steward-changes");
  changes.textContent = "";
  if (report.replaced && report.replaced.removed !== null) {
    for (const kind of ["removed", "added", "changed"]) {
      const list = report.replaced[kind];
      const p = document.createElement("p");
      p.textContent = `${list.length} ${kind}` + (list.length ? `: ${list.join(", ")}` : "");
      p.className = `change-${kind}`;
      changes.appendChild(p);
    }
  }
  const body = byId("steward-rows").querySelector("tbody");
  body.textContent = "";
  for (const row of report.rows) {
    row.messages.forEach((message, index) => {
      const tr = document.createElement("tr");
      tr.className = message.severity;
      cell(tr, index === 0 ? (row.line ?? row.location) : "");
      cell(tr, index === 0 ? outcomeWords(row.outcome, report.written) : "");
      cell(tr, index === 0 ? (row.iri || row.record) : "");
      cell(tr, message.column);
      cell(tr, `${message.severity}: ${message.text}`);
      body.appendChild(tr);
    });
  }
}

async function send(path, params, headers) {
  const file = byId("steward-file").files[0];
  const response = await fetch(`${path}?${new URLSearchParams(params)}`, {
    method: "POST",
    body: file,
    headers: { "Content-Type": mediaType(file), ...headers },
  });
  const body = await response.json();
  if (response.status === 200 || response.status === 422) { return body; }
  throw new Error(body.detail || body.title || `HTTP ${response.status}`);
}

function common() {
  const file = byId("steward-file").files[0];
  return { mapping: byId("steward-mapping").value, filename: file.name };
}

byId("steward-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  say("Checking…");
  try {
    const report = await send("/validate", common(), {});
    showReport(report, "Check: nothing was written");
    byId("steward-load").disabled = false;
    say(report.records.quarantined
      ? "Checked: some records would be refused; fix them, or load the valid ones."
      : "Checked: every record is valid.");
  } catch (error) {
    say(`Not checked: ${error.message}`);
  }
});

byId("steward-load-button").addEventListener("click", async () => {
  const source = byId("steward-source").value.trim();
  if (!source) { say("Give the source a name first."); byId("steward-source").focus(); return; }
  say("Loading…");
  const params = { ...common(), source };
  if (byId("steward-replace").checked) { params.replace = "true"; }
  try {
    const report = await send("/ingest", params,
      { Authorization: `Bearer ${byId("steward-key").value}` });
    showReport(report, `Loaded into ${report.graph}`);
    say(`Loaded: ${report.records.loaded} records into source ${source}.`);
  } catch (error) {
    say(`Not loaded: ${error.message}`);
  }
});
