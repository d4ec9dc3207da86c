/**
 * Which TensorFlow.js backend runs the framework chapters (10 and 11): the fastest one that loads
 * on this machine, in this order:
 *
 *   node-gpu  @tensorflow/tfjs-node-gpu   libtensorflow with CUDA (an NVIDIA GPU)
 *   node      @tensorflow/tfjs-node       libtensorflow on the CPU, all cores
 *   wasm      @tensorflow/tfjs-backend-wasm  XNNPACK compiled to WebAssembly with SIMD, plus the
 *                                         training kernels of ./wasm-grads.ts so that CNNs train
 *   cpu       the plain JavaScript backend of TensorFlow.js (slowest, always there)
 *
 * tfjs-node and tfjs-node-gpu are optional dependencies: their install downloads libtensorflow,
 * which fails without that network, and the project installs without them. So they are
 * `require`d inside try/catch and their absence is a reason, not an error.
 *
 * The environment variable DL_BACKEND (node-gpu | node | wasm | cpu) forces one backend; a forced
 * backend that cannot load is an error that says why.
 *
 *   const info = await initBackend();   // or initBackend({ backend: "cpu" })
 *   console.log(backendReport());       // "TensorFlow.js backend: wasm (…) — skipped node-gpu: …"
 */
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { describe, InputError } from "../errors";
import { registerWasmGradients } from "./wasm-grads";

/** Our names of the backends, fastest first. */
export type BackendName = "node-gpu" | "node" | "wasm" | "cpu";

/** The order in which backends are tried. */
export const BACKEND_ORDER: readonly BackendName[] = ["node-gpu", "node", "wasm", "cpu"];

/** The environment variable that forces a backend. */
export const BACKEND_ENV = "DL_BACKEND";

/** One backend tried: loaded or not, and why. */
export interface BackendAttempt {
  name: BackendName;
  ok: boolean;
  /** why it did not load (empty when it did) */
  reason: string;
}

/** The backend in use and how it was chosen. */
export interface BackendInfo {
  /** our name: "node-gpu", "node", "wasm" or "cpu" */
  name: BackendName;
  /** TensorFlow.js's name of it: "tensorflow", "wasm" or "cpu" */
  tfName: string;
  /** chosen by DL_BACKEND or by the `backend` option rather than by trying in order */
  forced: boolean;
  /** the faster backends that were tried before it and skipped, with their reasons */
  skipped: BackendAttempt[];
  /** details of the one in use, e.g. "SIMD, 1 thread, 6 training kernels from ./wasm-grads" */
  detail: string;
  /** the one-line report (see backendReport) */
  report: string;
}

/** Options of `initBackend`; defaults in brackets. */
export interface BackendOptions {
  /** force this backend [the DL_BACKEND environment variable, else the fastest that loads] */
  backend?: BackendName;
}

/** Where a backend's package is, for messages. */
const PACKAGES: Record<BackendName, string> = {
  "node-gpu": "@tensorflow/tfjs-node-gpu",
  node: "@tensorflow/tfjs-node",
  wasm: "@tensorflow/tfjs-backend-wasm",
  cpu: "@tensorflow/tfjs (built in)",
};

/** TensorFlow.js's backend name for each of ours. */
const TF_NAMES: Record<BackendName, string> = { "node-gpu": "tensorflow", node: "tensorflow", wasm: "wasm", cpu: "cpu" };

let current: BackendInfo | null = null;
/** Loading results are kept: a native package is required at most once per process. */
const loaded = new Map<BackendName, BackendAttempt & { detail: string }>();

/** The first line of an error's message, without the path noise of require's stack. */
function firstLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split("\n")[0].slice(0, 200);
}

/** Load tfjs-node or tfjs-node-gpu: both register the "tensorflow" backend. */
function loadNative(name: "node" | "node-gpu"): BackendAttempt & { detail: string } {
  const pkg = PACKAGES[name];
  const other: BackendName = name === "node" ? "node-gpu" : "node";
  if (loaded.get(other)?.ok) {
    return { name, ok: false, reason: `${PACKAGES[other]} is already loaded (both provide the "tensorflow" backend)`, detail: "" };
  }
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(pkg);
  } catch (e) {
    const code = (e as { code?: string }).code;
    const reason =
      code === "MODULE_NOT_FOUND" && firstLine(e).includes(pkg)
        ? `not installed (optional dependency ${pkg}; its install downloads libtensorflow, which needs that network)`
        : `${pkg} failed to load: ${firstLine(e)}`;
    return { name, ok: false, reason, detail: "" };
  }
  if (tf.findBackendFactory("tensorflow") === null) {
    return { name, ok: false, reason: `${pkg} loaded but registered no "tensorflow" backend with this copy of @tensorflow/tfjs-core (version mismatch?)`, detail: "" };
  }
  return { name, ok: true, reason: "", detail: name === "node-gpu" ? "libtensorflow with CUDA" : "libtensorflow, native CPU" };
}

/** The directory holding the wasm backend's .wasm files (found offline, next to the package). */
export function wasmDir(): string {
  return path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm")) + path.sep;
}

/** Load the wasm backend's package and point it at its .wasm files. */
function loadWasm(): BackendAttempt & { detail: string } {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const wasm = require("@tensorflow/tfjs-backend-wasm") as typeof import("@tensorflow/tfjs-backend-wasm");
    wasm.setWasmPaths(wasmDir());
  } catch (e) {
    return { name: "wasm", ok: false, reason: `${PACKAGES.wasm} failed to load: ${firstLine(e)}`, detail: "" };
  }
  return { name: "wasm", ok: true, reason: "", detail: "" };
}

/** Load (once) the package of a backend. */
function load(name: BackendName): BackendAttempt & { detail: string } {
  let r = loaded.get(name);
  if (!r) {
    r = name === "cpu" ? { name, ok: true, reason: "", detail: "plain JavaScript" } : name === "wasm" ? loadWasm() : loadNative(name);
    loaded.set(name, r);
  }
  return r;
}

type ProcessEvent = "uncaughtException" | "unhandledRejection";
const PROCESS_EVENTS: ProcessEvent[] = ["uncaughtException", "unhandledRejection"];

/**
 * Remove the process listeners a backend added while starting. The wasm backend's Emscripten
 * runtime adds two that rethrow every uncaught error and unhandled rejection from inside its own
 * minified code, so that Node prints that whole 60 kB line instead of the error; without them
 * Node reports errors as usual.
 */
type Listener = (...args: unknown[]) => void;
const listenersOf = (ev: ProcessEvent): Listener[] => process.listeners(ev as "uncaughtException") as unknown as Listener[];

function dropListenersAddedSince(before: Map<ProcessEvent, Listener[]>): void {
  for (const ev of PROCESS_EVENTS) {
    const old = before.get(ev) ?? [];
    for (const l of listenersOf(ev)) if (!old.includes(l)) process.removeListener(ev, l);
  }
}

/** Switch TensorFlow.js to a loaded backend; the reason when it cannot initialize. */
async function activate(name: BackendName): Promise<string> {
  const tfName = TF_NAMES[name];
  const listeners = new Map(PROCESS_EVENTS.map((ev) => [ev, listenersOf(ev)] as [ProcessEvent, Listener[]]));
  try {
    // setBackend logs and returns false when the factory throws; keep tfjs quiet here, we report ourselves
    const ok = await quietly(() => tf.setBackend(tfName));
    if (!ok) return `the "${tfName}" backend did not initialize${name === "wasm" ? ` (its .wasm files are looked for in ${wasmDir()})` : ""}`;
    await tf.ready();
  } catch (e) {
    return `the "${tfName}" backend did not initialize: ${firstLine(e)}`;
  } finally {
    dropListenersAddedSince(listeners);
  }
  return "";
}

/** Run f with console.warn silenced (tfjs warns on failed backends and on first use of cpu). */
async function quietly<T>(f: () => Promise<T>): Promise<T> {
  const warn = console.warn;
  console.warn = () => undefined;
  try {
    return await f();
  } finally {
    console.warn = warn;
  }
}

/**
 * TensorFlow.js's cpu backend greets Node users on its first tensor with a banner advising
 * tfjs-node ("Hi, looks like you are running TensorFlow.js in Node.js"); `backendReport()` says
 * which backend runs and why instead. Every cpu backend made in this process, before or after
 * this module loads, starts with the greeting already given (tfjs keeps it in `firstUse`).
 */
export function quietCpuGreeting(): void {
  const engine = tf.engine() as unknown as {
    registry: Record<string, { firstUse?: boolean } | undefined>;
    registryFactory: Record<string, { factory: () => unknown; quiet?: boolean } | undefined>;
  };
  const quiet = (b: unknown): void => {
    const backend = b as { firstUse?: boolean } | null;
    if (backend && typeof backend.firstUse === "boolean") backend.firstUse = false;
  };
  quiet(engine.registry?.cpu);
  const entry = engine.registryFactory?.cpu;
  if (!entry || entry.quiet) return;
  const factory = entry.factory;
  entry.factory = () => {
    const made = factory();
    // a factory may return the backend or a promise of it
    if (made instanceof Promise) return made.then((b) => (quiet(b), b));
    quiet(made);
    return made;
  };
  entry.quiet = true;
}
quietCpuGreeting();

/** Details and set-up of the backend now active. */
async function finish(name: BackendName): Promise<string> {
  if (name === "wasm") {
    const added = registerWasmGradients();
    const simd = (await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT")) ? "SIMD" : "no SIMD";
    const threads = (await tf.env().getAsync("WASM_HAS_MULTITHREAD_SUPPORT")) ? "threads" : "1 thread";
    return `${simd}, ${threads}, ${added.length} training kernels from ./wasm-grads`;
  }
  return load(name).detail;
}

function reportLine(info: Omit<BackendInfo, "report">, envForced: boolean): string {
  const head = `TensorFlow.js backend: ${info.name}${info.detail ? ` (${info.detail})` : ""}`;
  if (info.forced) return `${head} — forced by ${envForced ? `${BACKEND_ENV}=${info.name}` : `initBackend({ backend: "${info.name}" })`}; faster ones not tried`;
  if (info.skipped.length === 0) return `${head} — the fastest there is`;
  return `${head} — skipped ${info.skipped.map((s) => `${s.name}: ${s.reason}`).join("; ")}`;
}

/** The backend forced by the option or by DL_BACKEND, checked; null when none is. */
function forcedBackend(opts: BackendOptions): { name: BackendName; fromEnv: boolean } | null {
  const fn = "initBackend";
  if (opts.backend !== undefined) {
    if (!BACKEND_ORDER.includes(opts.backend)) throw new InputError(fn, "backend", `one of ${BACKEND_ORDER.map((b) => `"${b}"`).join(", ")}`, describe(opts.backend));
    return { name: opts.backend, fromEnv: false };
  }
  const env = process.env[BACKEND_ENV];
  if (env === undefined || env === "") return null;
  if (!BACKEND_ORDER.includes(env as BackendName)) {
    throw new InputError(fn, BACKEND_ENV, `one of ${BACKEND_ORDER.join(", ")} (or unset: the fastest that loads)`, JSON.stringify(env));
  }
  return { name: env as BackendName, fromEnv: true };
}

/**
 * Choose and start the TensorFlow.js backend: the one forced by `opts.backend` or DL_BACKEND, else
 * the first of node-gpu, node, wasm, cpu that loads. Can be called again to switch (tests compare
 * wasm with cpu this way). Throws when a forced backend cannot load, saying why.
 */
export async function initBackend(opts: BackendOptions = {}): Promise<BackendInfo> {
  if (opts === null || typeof opts !== "object") throw new InputError("initBackend", "opts", "{ backend? }", describe(opts));
  const forced = forcedBackend(opts);
  if (forced) {
    const { name, fromEnv } = forced;
    const r = load(name);
    const why = r.ok ? await activate(name) : r.reason;
    if (why) {
      const others = BACKEND_ORDER.filter((b) => b !== name).join(", ");
      throw new InputError(
        "initBackend",
        fromEnv ? BACKEND_ENV : "backend",
        `a backend that loads here (${fromEnv ? `unset ${BACKEND_ENV} to take the fastest that does, or` : "or"} choose one of ${others})`,
        `"${name}", which cannot load: ${why}`,
      );
    }
    const detail = await finish(name);
    const base = { name, tfName: TF_NAMES[name], forced: true, skipped: [], detail };
    current = { ...base, report: reportLine(base, fromEnv) };
    return current;
  }
  const skipped: BackendAttempt[] = [];
  for (const name of BACKEND_ORDER) {
    const r = load(name);
    const why = r.ok ? await activate(name) : r.reason;
    if (why) {
      skipped.push({ name, ok: false, reason: why });
      continue;
    }
    const detail = await finish(name);
    const base = { name, tfName: TF_NAMES[name], forced: false, skipped, detail };
    current = { ...base, report: reportLine(base, false) };
    return current;
  }
  // unreachable in practice: the cpu backend is part of @tensorflow/tfjs
  throw new Error(`initBackend: no TensorFlow.js backend loaded: ${skipped.map((s) => `${s.name}: ${s.reason}`).join("; ")}`);
}

/** True when TensorFlow.js has a backend running (ours, or one set with tf.setBackend). */
function running(): boolean {
  return (tf.engine() as unknown as { backendInstance: unknown }).backendInstance != null;
}

/**
 * Start the best backend (initBackend()) when none is running yet; leave a running one alone, also
 * one set with tf.setBackend. Resolves to what initBackend chose last (null if it never ran).
 */
export async function ensureBackend(): Promise<BackendInfo | null> {
  if (current === null && !running()) return initBackend();
  return current;
}

/**
 * Throw unless a backend is running (chosen by initBackend, or set with tf.setBackend): without one,
 * TensorFlow.js would quietly start its slowest backend, cpu, on first use.
 */
export function requireBackend(fn: string): void {
  if (current !== null || running()) return;
  throw new Error(`${fn}: no TensorFlow.js backend is running yet: first run \`await initBackend()\` (it starts the fastest that loads here; ${BACKEND_ENV} can force one)`);
}

/** What initBackend chose last (null before the first call). */
export function backendInfo(): BackendInfo | null {
  return current;
}

/**
 * One line: the backend in use, and why each faster one was skipped, e.g.
 * "TensorFlow.js backend: wasm (SIMD, 1 thread, 6 training kernels from ./wasm-grads) — skipped
 * node-gpu: not installed (…); node: not installed (…)".
 */
export function backendReport(): string {
  return current ? current.report : `TensorFlow.js backend: none chosen yet (call initBackend(); ${BACKEND_ENV} can force one of ${BACKEND_ORDER.join(", ")})`;
}
