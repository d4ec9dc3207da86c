/**
 * `npm start`: the Jupyter notebook server on notebooks/ with the dl-lessons kernel as the default
 * kernel, one clickable URL printed, and a clean shutdown (server and kernels) on Ctrl-C and
 * SIGTERM. Jupyter's own output goes to build/jupyter.log.
 *
 *   npm start                     # set up what is missing (as npm run lessons), then the server
 *   npm start -- --skip-setup     # no npm install / build / Jupyter check
 *   npm start -- --port=9000      # any other option goes to Jupyter
 */
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { KERNEL_DISPLAY_NAME, KERNEL_NAME, jupyterEnv } from "./kernel";
import { setup } from "./lessons";
import { PROJECT_ROOT, shortPath } from "../shared/paths";

/** Where Jupyter's output goes. */
export const JUPYTER_LOG = path.join(PROJECT_ROOT, "build", "jupyter.log");

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Which Jupyter app this Python has: JupyterLab, Notebook 7 (jupyter_server) or the classic Notebook 6. */
function jupyterApp(py: string): { module: string; config: string; page: string; name: string } | null {
  const can = (m: string) => spawnSync(py, ["-c", `import ${m}`], { stdio: "ignore" }).status === 0;
  if (can("jupyterlab")) return { module: "jupyterlab", config: "ServerApp", page: "lab", name: "JupyterLab" };
  if (!can("notebook")) return null;
  return can("jupyter_server")
    ? { module: "notebook", config: "ServerApp", page: "tree", name: "Jupyter Notebook" }
    : { module: "notebook", config: "NotebookApp", page: "tree", name: "Jupyter Notebook" };
}

async function waitReady(url: string, child: { exitCode: number | null }, timeoutMs = 90_000): Promise<boolean> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs && child.exitCode === null) {
    try {
      const r = await fetch(url);
      if (r.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

/** `npm start`; resolves with the exit code. */
export async function start(argv: readonly string[]): Promise<number> {
  const own = new Set(["--skip-setup", "--no-system"]);
  const py = setup(!argv.includes("--skip-setup"), argv.includes("--no-system"));
  const app = jupyterApp(py);
  if (!app) throw new Error(`start: ${py} has no Jupyter notebook server; Debian: apt-get install --no-install-recommends jupyter-notebook`);
  const notebooks = path.join(PROJECT_ROOT, "notebooks");
  const port = await freePort();
  const token = randomBytes(24).toString("hex");
  const args = [
    "-m", app.module, "--no-browser", `--notebook-dir=${notebooks}`, "--ip=127.0.0.1", `--port=${port}`, "--port-retries=0",
    `--${app.config}.token=${token}`, `--MappingKernelManager.default_kernel_name=${KERNEL_NAME}`,
    ...argv.filter((a) => !own.has(a)),
  ];
  // Jupyter refuses to run as root unless told (containers, CI machines)
  if (typeof process.getuid === "function" && process.getuid() === 0) args.push("--allow-root");
  fs.mkdirSync(path.dirname(JUPYTER_LOG), { recursive: true });
  const log = fs.openSync(JUPYTER_LOG, "w");
  // its own process group: Ctrl-C in the terminal reaches only us, and we stop Jupyter with SIGTERM
  // (no "Shutdown this notebook server (y/[n])?" question); kernels have their own sessions
  const child = spawn(py, args, { cwd: notebooks, env: jupyterEnv(), stdio: ["ignore", log, log], detached: true });
  fs.closeSync(log);
  const exited = new Promise<number>((resolve) => child.on("close", (code, signal) => resolve(code ?? (signal ? 0 : 1))));
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    console.log(`\ndl-lessons: ${signal}, shutting Jupyter and its kernels down…`);
    child.kill("SIGTERM");
    // a server that does not stop in 20 s goes with its whole process group
    setTimeout(() => child.pid !== undefined && process.kill(-child.pid, "SIGKILL"), 20_000).unref();
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));

  const base = `http://127.0.0.1:${port}`;
  const ready = await waitReady(`${base}/api/status?token=${token}`, child);
  if (!ready) {
    if (!stopping) stop("SIGTERM");
    await exited;
    const tail = fs.readFileSync(JUPYTER_LOG, "utf8").trim().split("\n").slice(-15).join("\n  ");
    console.error(`start: ${app.name} did not start; the end of ${shortPath(JUPYTER_LOG)}:\n  ${tail}`);
    return 1;
  }
  console.log(`\ndl-lessons: ${app.name} on notebooks/, default kernel "${KERNEL_DISPLAY_NAME}" (Jupyter's log: ${shortPath(JUPYTER_LOG)})`);
  console.log(`  ${base}/${app.page}?token=${token}`);
  console.log("  Ctrl-C stops the server and its kernels");
  const code = await exited;
  console.log("dl-lessons: Jupyter stopped");
  return stopping ? 0 : code;
}

if (require.main === module) {
  start(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(`\n✗ ${e instanceof Error ? e.message : String(e)}`);
      process.exit(1);
    },
  );
}
