// Counts by category and outcome, as a table.
import { BUG_OUTCOMES } from "./check.js";

export function countTable(results) {
  const categories = [...new Set(results.map((r) => r.category))];
  const outcomes = [...new Set(results.map((r) => r.outcome))].sort();
  const rows = [["category", ...outcomes, "total"]];
  for (const c of [...categories, "ALL"]) {
    const rs = results.filter((r) => c === "ALL" || r.category === c);
    rows.push([c, ...outcomes.map((o) => String(rs.filter((r) => r.outcome === o).length)), String(rs.length)]);
  }
  const widths = rows[0].map((_, k) => Math.max(...rows.map((row) => row[k].length)));
  return rows.map((row) => row.map((cell, k) => cell.padStart(k === 0 ? 0 : widths[k]).padEnd(k === 0 ? widths[k] : 0)).join("  ")).join("\n");
}

export function bugs(results) {
  return results.filter((r) => BUG_OUTCOMES.has(r.outcome));
}
