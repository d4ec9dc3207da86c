/**
 * `npm start` and `npm run lessons` as a teacher or a supervisor runs them: one clickable URL, the
 * dl-lessons kernel as Jupyter's default, and every child process (Node, Jupyter, Python, the
 * kernels) gone after SIGTERM or Ctrl-C (SIGINT).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as path from "node:path";
import { ROOT, setupKernel } from "./setup";
import { marked, newMark, waitFor } from "./procs";

function npm(args: string[], mark: string) {
  const child = spawn("npm", args, { cwd: ROOT, env: { ...process.env, DL_LESSONS_TEST_MARK: mark }, stdio: ["ignore", "pipe", "pipe"] });
  const out = { stdout: "", stderr: "" };
  child.stdout.on("data", (d: Buffer) => (out.stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (out.stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return { child, out, exited };
}

const isKernel = (cmd: string) => /tslab/.test(cmd) && /kernel/.test(cmd);

describe("npm start", () => {
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    test(`one URL, default kernel dl-lessons; ${signal} ends the server and its kernel`, async () => {
      setupKernel();
      const mark = newMark();
      const { child, out, exited } = npm(["start", "--", "--skip-setup"], mark);
      try {
        await waitFor("the URL", () => /http:\/\/127\.0\.0\.1:\d+\/\w+\?token=\w+/.test(out.stdout) || child.exitCode !== null, 120_000);
        const urls = out.stdout.match(/https?:\/\/\S+/g) ?? [];
        assert.equal(urls.length, 1, out.stdout);
        assert.doesNotMatch(out.stdout + out.stderr, /No web browser found/);
        const url = new URL(urls[0]);
        const token = url.searchParams.get("token") ?? "";
        const api = (p: string, init?: RequestInit) => fetch(`${url.origin}${p}?token=${token}`, init).then((r) => r.json() as Promise<Record<string, unknown>>);
        const specs = await api("/api/kernelspecs");
        assert.equal(specs.default, "dl-lessons");
        const kernel = await api("/api/kernels", { method: "POST", body: "{}" });
        assert.equal(kernel.name, "dl-lessons");
        await waitFor("the kernel process", () => marked(mark).some((p) => isKernel(p.cmd)), 60_000);
        child.kill(signal);
        assert.notEqual(await exited, null);
        await waitFor("every child to end", () => marked(mark).length === 0, 30_000).catch((e: Error) => {
          throw new Error(`${e.message}: ${marked(mark).map((p) => `${p.pid} ${p.cmd}`).join("; ")}`);
        });
        assert.match(out.stdout, /Jupyter stopped/);
      } finally {
        for (const p of marked(mark)) process.kill(p.pid, "SIGKILL");
      }
    });
  }
});

describe("npm run lessons", () => {
  test("SIGTERM while a notebook runs: the runner, Python and the kernel all end", async () => {
    setupKernel();
    const mark = newMark();
    const fixtures = path.join(ROOT, "tests", "notebooks", "fixtures");
    const { child, out, exited } = npm(["run", "lessons", "--", "--skip-setup", "--no-site", "--notebooks", fixtures, "--parallel", "1"], mark);
    try {
      await waitFor("a kernel", () => marked(mark).some((p) => isKernel(p.cmd)) || child.exitCode !== null, 120_000);
      assert.equal(child.exitCode, null, `${out.stdout}\n${out.stderr}`);
      child.kill("SIGTERM");
      await exited;
      await waitFor("every child to end", () => marked(mark).length === 0, 30_000).catch((e: Error) => {
        throw new Error(`${e.message}: ${marked(mark).map((p) => `${p.pid} ${p.cmd}`).join("; ")}`);
      });
      assert.match(out.stderr, /SIGTERM, stopping the running notebooks/);
    } finally {
      for (const p of marked(mark)) process.kill(p.pid, "SIGKILL");
    }
  });
});
