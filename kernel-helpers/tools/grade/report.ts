/**
 * What the grader hands back: per student a JSON file and a readable HTML page (everything that
 * came from the student — names, messages, errors — escaped; a Content-Security-Policy that allows
 * no script and no outside resource), and for the teacher the class table as CSV, as a
 * nodejs-polars DataFrame and a Vega-Lite spec of the score distribution.
 *
 *   <out>/<student>/<assignment>.json      SubmissionResult
 *   <out>/<student>/<assignment>.html      the feedback page
 *   <out>/class.csv, <out>/scores.vl.json, <out>/index.html
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import pl from "nodejs-polars";
import { esc } from "../../shared/text";
import type { SubmissionResult } from "./submission";

/** A file-system-safe name for a student or assignment (what came in is shown escaped, not used as a path). */
export function safeName(s: string): string {
  const clean = s.replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^\.+/, "_").slice(0, 100);
  // a changed name gets a hash of the original, so that two names never share a file
  return clean === s && clean !== "" ? clean : `${clean}-${createHash("sha256").update(s).digest("hex").slice(0, 8)}`;
}

export function resultPaths(out: string, student: string, assignment: string): { json: string; html: string } {
  const base = path.join(out, safeName(student), safeName(assignment));
  return { json: `${base}.json`, html: `${base}.html` };
}

const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;width:100%;margin:1rem 0}td,th{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}
.ok{color:#1a7f37}.bad{color:#b42318}pre{white-space:pre-wrap;background:#f6f6f6;padding:.5rem;overflow-wrap:anywhere}
.score{font-size:1.6rem}
</style></head><body>
${body}
</body></html>
`;
}

/** The feedback page of one submission. */
export function feedbackHtml(r: SubmissionResult): string {
  const rows = r.tests.map((t) => {
    const cases = t.cases.map((c) => `<li class="${c.ok ? "ok" : "bad"}">${c.ok ? "✓" : "✗"} ${esc(c.name)}${c.ok ? "" : ` — ${esc(c.message)}`}</li>`).join("");
    return `<tr><td><b>${esc(t.title)}</b><br><code>${esc(t.task)}</code></td><td class="${t.earned === t.points ? "ok" : "bad"}">${t.earned} / ${t.points}</td>
<td>${t.reason ? `<p>${esc(t.reason)}</p>` : "<p class=\"ok\">full marks</p>"}<ul>${cases}</ul></td></tr>`;
  }).join("\n");
  const nb = r.notebook;
  const run = nb.ok ? `<p class="ok">Your notebook ran through without errors (${nb.seconds.toFixed(1)} s).</p>`
    : `<p class="bad">Your notebook's run through the kernel ${nb.stopped ? esc(nb.stopped) : "had errors"}.</p>`
      + (nb.errors.length > 0 ? `<ul>${nb.errors.map((e) => `<li>cell ${e.cell + 1}: <code>${esc(e.ename)}</code><pre>${esc(e.evalue)}</pre></li>`).join("")}</ul>` : "");
  return page(`${r.assignment}: ${r.student}`, `<h1>${esc(r.assignment)} — ${esc(r.student)}</h1>
<p class="score">Score: <b>${r.score}</b> / ${r.max}</p>
<table><thead><tr><th>Task</th><th>Points</th><th>Hidden tests</th></tr></thead><tbody>
${rows}
</tbody></table>
<h2>Running your notebook</h2>
${run}
<p>Points come from the hidden tests, which call your task functions in a separate process; what
your notebook prints does not change them.${r.sandboxed ? "" : " (Graded without the sandbox.)"}</p>`);
}

/** Write one submission's JSON and HTML. */
export function writeSubmission(out: string, r: SubmissionResult): void {
  const p = resultPaths(out, r.student, r.assignment);
  fs.mkdirSync(path.dirname(p.json), { recursive: true });
  fs.writeFileSync(p.json, `${JSON.stringify(r, null, 1)}\n`);
  fs.writeFileSync(p.html, feedbackHtml(r));
}

/** The class table: one row per submission, a column per task. */
export function classTable(results: SubmissionResult[]): pl.DataFrame {
  const taskIds = [...new Set(results.flatMap((r) => r.tests.map((t) => `${r.assignment}:${t.task}`)))];
  const cols: Record<string, (string | number | null)[]> = { student: [], assignment: [], score: [], max: [], percent: [], notebook_ok: [] };
  for (const id of taskIds) cols[id] = [];
  for (const r of results) {
    cols.student.push(r.student);
    cols.assignment.push(r.assignment);
    cols.score.push(r.score);
    cols.max.push(r.max);
    cols.percent.push(r.max > 0 ? Math.round((r.score / r.max) * 1000) / 10 : 0);
    cols.notebook_ok.push(r.notebook.ok ? "yes" : "no");
    for (const id of taskIds) cols[id].push(r.tests.find((t) => `${r.assignment}:${t.task}` === id)?.earned ?? null);
  }
  return pl.DataFrame(cols);
}

/** CSV with formula injection defused (a cell starting with = + - @ gets a leading '). */
export function toCsv(df: pl.DataFrame): string {
  const cell = (v: unknown): string => {
    let s = v === null || v === undefined ? "" : String(v);
    if (typeof v === "string" && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const rows = df.rows() as unknown[][];
  return [df.columns.map(cell).join(","), ...rows.map((r) => r.map(cell).join(","))].join("\n") + "\n";
}

/** Vega-Lite: a histogram of the percentage scores, one bar colour per assignment. */
export function scoreDistributionSpec(results: SubmissionResult[]): Record<string, unknown> {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: "Score distribution",
    data: { values: results.map((r) => ({ student: r.student, assignment: r.assignment, percent: r.max > 0 ? (100 * r.score) / r.max : 0 })) },
    mark: "bar",
    encoding: {
      x: { field: "percent", type: "quantitative", bin: { extent: [0, 100], step: 10 }, title: "score (%)" },
      y: { aggregate: "count", type: "quantitative", title: "students" },
      color: { field: "assignment", type: "nominal" },
    },
  };
}

/** The teacher's overview: the class table with a link to each feedback page. */
export function classHtml(results: SubmissionResult[]): string {
  const rows = results.map((r) => {
    const p = resultPaths("", r.student, r.assignment);
    return `<tr><td><a href="${esc(p.html)}">${esc(r.student)}</a></td><td>${esc(r.assignment)}</td><td>${r.score} / ${r.max}</td><td>${r.notebook.ok ? "yes" : "no"}</td></tr>`;
  }).join("\n");
  return page("Class results", `<h1>Class results</h1><p>${results.length} submissions. class.csv has the table, scores.vl.json the score distribution (Vega-Lite).</p>
<table><thead><tr><th>Student</th><th>Assignment</th><th>Score</th><th>Notebook ran</th></tr></thead><tbody>
${rows}
</tbody></table>`);
}

/** Write the class files. */
export function writeClass(out: string, results: SubmissionResult[]): pl.DataFrame {
  const sorted = [...results].sort((a, b) => a.assignment.localeCompare(b.assignment) || a.student.localeCompare(b.student));
  const df = classTable(sorted);
  fs.writeFileSync(path.join(out, "class.csv"), toCsv(df));
  fs.writeFileSync(path.join(out, "scores.vl.json"), `${JSON.stringify(scoreDistributionSpec(sorted), null, 1)}\n`);
  fs.writeFileSync(path.join(out, "index.html"), classHtml(sorted));
  return df;
}
