// Sortable result tables: each column header is a button; numbers sort as numbers.
// Works from the keyboard (buttons take focus and Enter/Space) and says the order in aria-sort.
"use strict";

function sortTable(table, columnIndex, header) {
  const body = table.tBodies[0];
  const numeric = header.dataset.type === "number";
  const ascending = header.getAttribute("aria-sort") !== "ascending";
  const rows = Array.from(body.rows);
  const key = (row) => {
    const cell = row.cells[columnIndex];
    if (!cell) return numeric ? -Infinity : "";
    if (numeric) {
      const value = parseFloat(cell.dataset.value);
      return Number.isNaN(value) ? -Infinity : value;
    }
    return cell.textContent.trim().toLocaleLowerCase();
  };
  rows.sort((a, b) => {
    const x = key(a);
    const y = key(b);
    const order = numeric ? x - y : String(x).localeCompare(String(y));
    return ascending ? order : -order;
  });
  for (const th of table.tHead.rows[0].cells) th.setAttribute("aria-sort", "none");
  header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  for (const row of rows) body.appendChild(row);
}

for (const table of document.querySelectorAll("table.sortable")) {
  const headers = Array.from(table.tHead.rows[0].cells);
  headers.forEach((header, index) => {
    const button = header.querySelector("button.sort");
    if (button) button.addEventListener("click", () => sortTable(table, index, header));
  });
}
