/**
 * The Jupyter Notebook UI a learner clicks in, started the way `npm start` starts it (lessons.ts
 * start, on a free port, without a browser; the token read from its output), driven by headless
 * Chromium: open lesson 03, Cell → Run All, wait, and see the outputs in the page (chart images or
 * Vega output, trace tables, the lecture check's "✓"); then a long training cell is stopped with the
 * toolbar's interrupt button and the next cell runs. Autosave is switched off and the lesson file is
 * checked unchanged; the server and its kernels are shut down at the end (checked).
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Browser, Page } from "playwright-core";
import { PROJECT_ROOT } from "../../kernel-helpers/tools/run";
import { launchChromium, watchedPage } from "./browser";

const LESSON = path.join(PROJECT_ROOT, "notebooks", "03-feedforward-networks.ipynb");
const SHOTS = path.join(PROJECT_ROOT, "build", "test-artifacts", "clients");
const LIMIT_MS = 1_200_000; // hang guard only
const hash = (f: string) => createHash("sha256").update(fs.readFileSync(f)).digest("hex");

let server: ChildProcess | undefined;
let output = "";
let base = "";
let token = "";
let browser: Browser | undefined;
const before03 = hash(LESSON);

before(async () => {
  // `npm start` as a teacher runs it (its own free port, its own token), in its own process group:
  // the whole tree (node, Jupyter) can be signalled at the end
  server = spawn(process.execPath, ["--import", "tsx", "kernel-helpers/tools/start.ts", "--skip-setup"], {
    cwd: PROJECT_ROOT,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  server.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  server.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  const url = /(http:\/\/127\.0\.0\.1:\d+)\/\w+\?token=([0-9a-f]+)/;
  const started = Date.now();
  while (!url.test(output)) {
    if (server.exitCode !== null) throw new Error(`npm start's server ended (${server.exitCode}):\n${output}`);
    if (Date.now() - started > 180_000) throw new Error(`no URL in npm start's output after 180 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  [, base, token] = url.exec(output)!;
  browser = await launchChromium();
  fs.mkdirSync(SHOTS, { recursive: true });
}, { timeout: 300_000 });

after(async () => {
  await browser?.close();
  if (server?.pid && server.exitCode === null) {
    const kernels = (await fetch(`${base}/api/kernels?token=${token}`).then((r) => r.json()).catch(() => [])) as { id: string }[];
    // what Ctrl-C or a service manager does: SIGTERM to `npm start` alone, which stops Jupyter and its kernels
    process.kill(server.pid, "SIGTERM");
    const t0 = Date.now();
    while (server.exitCode === null && Date.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 200));
    const ended = server.exitCode !== null;
    if (!ended) process.kill(-server.pid, "SIGKILL");
    assert.ok(ended, `npm start ended within 30 s of SIGTERM:\n${output}`);
    assert.match(output, /Jupyter stopped/);
    for (const k of kernels) {
      const left = spawnSync("pgrep", ["-f", `kernel-${k.id}`], { encoding: "utf8" }).stdout.trim();
      assert.equal(left, "", `kernel ${k.id} ended with the server`);
    }
  }
  // what is left of npm start's process group (tsx's esbuild service leaves a moment after node)
  const left = () => (server?.pid ? spawnSync("ps", ["-o", "pid=,args=", "-g", String(server.pid)], { encoding: "utf8" }).stdout.trim() : "");
  const t1 = Date.now();
  while (left() !== "" && Date.now() - t1 < 10_000) await new Promise((r) => setTimeout(r, 200));
  assert.equal(left(), "", "npm start's process group ended");
  assert.equal(hash(LESSON), before03, "the lesson file is unchanged (nothing saved into it)");
});

const cellsState = (page: Page) =>
  page.evaluate(() => {
    const cells = Array.from(document.querySelectorAll(".cell.code_cell"));
    return {
      code: cells.length,
      done: cells.filter((c) => /In\s*\[\d+\]/.test(c.querySelector(".input_prompt")?.textContent ?? "")).length,
      busy: cells.filter((c) => /\[\*\]/.test(c.querySelector(".input_prompt")?.textContent ?? "")).length,
      errors: document.querySelectorAll(".output_error").length,
    };
  });

test("Notebook UI: lesson 03 runs all from the menu, shows charts, traces and ✓; a long cell is interrupted, the next runs", { timeout: LIMIT_MS }, async () => {
  const { page, errors, blocked } = await watchedPage(browser!, [base], { width: 1200, height: 900 });
  await page.goto(`${base}/notebooks/03-feedforward-networks.ipynb?token=${token}`);
  await page.waitForFunction(() => (window as unknown as { Jupyter?: { notebook?: { kernel?: { is_connected(): boolean } } } }).Jupyter?.notebook?.kernel?.is_connected() === true, null, { timeout: 300_000 });
  // never save into the committed lesson
  await page.evaluate(() => (window as unknown as { Jupyter: { notebook: { set_autosave_interval(ms: number): void } } }).Jupyter.notebook.set_autosave_interval(0));
  const kernelName = await page.evaluate(() => (window as unknown as { Jupyter: { notebook: { kernel: { name: string } } } }).Jupyter.notebook.kernel.name);
  assert.equal(kernelName, "dl-lessons", "the lesson's own kernel");

  await page.click("#celllink");
  await page.click("#run_all_cells > a");
  await page.waitForFunction(
    () => {
      const cells = Array.from(document.querySelectorAll(".cell.code_cell"));
      const idle = document.querySelector("#kernel_indicator_icon")?.classList.contains("kernel_idle_icon");
      return idle && cells.every((c) => /In\s*\[\d+\]/.test(c.querySelector(".input_prompt")?.textContent ?? "") || (c.querySelector(".input_area")?.textContent ?? "").trim() === "");
    },
    null,
    { timeout: LIMIT_MS * 0.6, polling: 1000 },
  );
  const state = await cellsState(page);
  assert.equal(state.errors, 0, "no error output");
  const seen = await page.evaluate(() => ({
    charts: document.querySelectorAll(".output_area img[src^='data:image/png'], .output_area .vega-embed canvas, .output_area .vega-embed svg.marks").length,
    tables: document.querySelectorAll(".output_area .output_html table").length,
    checks: Array.from(document.querySelectorAll(".output_area .output_text, .output_area .output_stream")).filter((e) => /✓ .*matches the lecture/.test(e.textContent ?? "")).length,
  }));
  assert.ok(seen.charts >= 5, `charts in the page (${seen.charts})`);
  assert.ok(seen.tables >= 5, `trace tables in the page (${seen.tables})`);
  assert.ok(seen.checks >= 2, `the lecture check's ✓ lines in the page (${seen.checks})`);
  await page.screenshot({ path: path.join(SHOTS, "notebook-ui-03.png") });

  // a long cell, then a short one after it
  await page.evaluate(() => {
    const nb = (window as unknown as { Jupyter: { notebook: { insert_cell_at_bottom(t: string): { set_text(s: string): void }; select(i: number): void; ncells(): number } } }).Jupyter.notebook;
    nb.insert_cell_at_bottom("code").set_text(
      'import { liveTraining } from "dl-lessons/kernel";\n' +
        "const longLive = liveTraining({ epochs: 5000 });\n" +
        'const longRun = await train(mlp([2, 56, 2], 9), boardTrain, { epochs: 5000, batchSize: 32, optimizer: new Adam({ lr: 0.01 }), seed: 0, ...longLive });\n' +
        'console.log(`stopped: ${longRun.stopped} after ${longRun.rows.length} epochs`);',
    );
    nb.insert_cell_at_bottom("code").set_text('console.log(`after the interrupt: ${6 * 7}`);');
    nb.select(nb.ncells() - 2);
  });
  await page.click("button[data-jupyter-action='jupyter-notebook:run-cell-and-select-next']");
  const last = page.locator(".cell.code_cell").nth(state.code + 1); // run-and-select-next adds an empty cell after it
  const long = page.locator(".cell.code_cell").nth(state.code);
  await long.locator(".output_area").first().waitFor({ timeout: 120_000 }); // the training display is up
  await page.waitForTimeout(2000);
  await page.click("button[data-jupyter-action='jupyter-notebook:interrupt-kernel']");
  // the cell is done when its prompt gets its number (its execute_reply, after all its output); the
  // kernel indicator is no sign: tslab answers other requests (kernel_info, …) while an async cell
  // runs, and each answer flips the indicator to idle
  await long.locator(".input_prompt").filter({ hasText: /In\s*\[\d+\]/ }).waitFor({ timeout: 120_000 });
  const longText = (await long.locator(".output_area").allTextContents()).join("\n");
  assert.match(longText, /stopped: interrupt after \d+ epochs/, "the training stopped at the interrupt");
  const epochs = Number(/after (\d+) epochs/.exec(longText)![1]);
  assert.ok(epochs < 5000, `interrupted before the end (${epochs} epochs)`);
  // the next cell (selected by run-and-select-next) runs
  await page.click("button[data-jupyter-action='jupyter-notebook:run-cell-and-select-next']");
  await last.locator(".output_area").filter({ hasText: "after the interrupt: 42" }).waitFor({ timeout: 120_000 }).catch(async (e: unknown) => {
    await page.screenshot({ path: path.join(SHOTS, "notebook-ui-interrupt-failed.png"), fullPage: false });
    const tail = await page.evaluate(() => Array.from(document.querySelectorAll(".cell")).slice(-3).map((c) => `${c.className}: ${c.textContent?.slice(0, 400)}`));
    throw new Error(`the cell after the interrupt did not print: ${String(e)}\n${tail.join("\n")}`);
  });
  await page.screenshot({ path: path.join(SHOTS, "notebook-ui-interrupt.png") });
  assert.equal((await cellsState(page)).errors, 0, "no error output after the interrupt");
  assert.deepEqual(blocked, [], "no request leaves the machine");
  // Notebook 6's MathJax 2 declares a font at about:blank (its MathJax_Blank test font), which Chromium
  // refuses with a CORS error and one "Failed to load resource": the page's own, not the lesson's
  let mathJaxBlank = errors.filter((e) => /Access to font at 'about:blank'/.test(e)).length;
  const ours = errors.filter((e) => {
    if (/favicon|Access to font at 'about:blank'/.test(e)) return false;
    if (/^console: Failed to load resource: net::ERR_FAILED$/.test(e) && mathJaxBlank > 0) return mathJaxBlank-- <= 0;
    return true;
  });
  assert.deepEqual(ours, [], "no console error");
  await page.context().close();
});
