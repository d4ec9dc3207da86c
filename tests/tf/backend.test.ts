/**
 * Backend choice: the fastest that loads, DL_BACKEND forcing one, the one-line report, and the
 * errors of a forced backend that cannot load or of an unknown name.
 */
import { test, afterEach } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { InputError } from "../../src/errors";
import { BACKEND_ENV, BACKEND_ORDER, backendInfo, backendReport, ensureBackend, initBackend, wasmDir } from "../../src/tf/backend";
import { toTfTensor } from "../../src/tf/convert";
import { lectureCnn } from "../../src/tf/models";
import { Tensor } from "../../src/tensor";

const saved = process.env[BACKEND_ENV];
afterEach(() => {
  if (saved === undefined) delete process.env[BACKEND_ENV];
  else process.env[BACKEND_ENV] = saved;
});

/** Whether an optional native package is installed here. */
function installed(pkg: string): boolean {
  try {
    require.resolve(pkg);
    return true;
  } catch {
    return false;
  }
}

test("before any choice, backendReport says none is chosen and how to choose; building a model asks for initBackend()", () => {
  assert.equal(backendInfo(), null);
  assert.match(backendReport(), /none chosen yet.*initBackend\(\).*DL_BACKEND/);
  // rather than tfjs quietly starting its slowest backend, cpu
  assert.throws(() => lectureCnn(), /^Error: lectureCnn: no TensorFlow\.js backend is running yet: first run `await initBackend\(\)`/);
  assert.throws(() => toTfTensor(Tensor.zeros([1])), /toTfTensor: no TensorFlow\.js backend is running yet/);
});

test("no DL_BACKEND: the first of node-gpu, node, wasm, cpu that loads, with one reason per skipped backend", async () => {
  delete process.env[BACKEND_ENV];
  const info = await initBackend();
  assert.equal(info.forced, false);
  assert.equal(tf.getBackend(), info.tfName);
  // every backend before the chosen one was tried and skipped, with a reason
  const before = BACKEND_ORDER.slice(0, BACKEND_ORDER.indexOf(info.name));
  assert.deepEqual(info.skipped.map((s) => s.name), before);
  for (const s of info.skipped) assert.ok(s.reason.length > 10, `a reason for ${s.name}: "${s.reason}"`);
  if (!installed("@tensorflow/tfjs-node") && !installed("@tensorflow/tfjs-node-gpu")) {
    assert.equal(info.name, "wasm", "without the native packages, wasm is the fastest here");
    assert.match(info.skipped[0].reason, /not installed \(optional dependency @tensorflow\/tfjs-node-gpu/);
  }
  // the report is one line naming the backend in use and each skipped one
  const line = backendReport();
  assert.equal(line, info.report);
  assert.ok(!line.includes("\n"), "one line");
  assert.ok(line.startsWith(`TensorFlow.js backend: ${info.name}`), line);
  for (const s of info.skipped) assert.ok(line.includes(`${s.name}: ${s.reason}`), line);
});

test("wasm in use: SIMD and the training kernels of wasm-grads are reported", async () => {
  const info = await initBackend({ backend: "wasm" });
  assert.equal(tf.getBackend(), "wasm");
  assert.match(info.detail, /SIMD, 1 thread, 6 training kernels/);
  assert.ok(fs.existsSync(path.join(wasmDir(), "tfjs-backend-wasm-simd.wasm")), "the .wasm files are found offline, next to the package");
});

test("starting wasm leaves no Emscripten listeners that rethrow every uncaught error from its minified code", async () => {
  await initBackend({ backend: "wasm" });
  for (const ev of ["uncaughtException", "unhandledRejection"] as const) {
    const listeners = process.listeners(ev as "uncaughtException") as unknown[];
    const emscripten = listeners.filter((l) => /throw/.test(String(l)) && /ExitStatus|reason/.test(String(l)));
    assert.deepEqual(emscripten.map(String), [], `no rethrowing ${ev} listener`);
  }
});

test("DL_BACKEND=cpu forces the cpu backend and the report says so", async () => {
  process.env[BACKEND_ENV] = "cpu";
  const info = await initBackend();
  assert.equal(info.name, "cpu");
  assert.equal(tf.getBackend(), "cpu");
  assert.equal(info.forced, true);
  assert.match(backendReport(), /^TensorFlow\.js backend: cpu .*forced by DL_BACKEND=cpu; faster ones not tried$/);
});

test("the backend option overrides DL_BACKEND; ensureBackend keeps the one in use", async () => {
  process.env[BACKEND_ENV] = "cpu";
  const info = await initBackend({ backend: "wasm" });
  assert.equal(info.name, "wasm");
  assert.match(info.report, /forced by initBackend\(\{ backend: "wasm" \}\)/);
  assert.equal(await ensureBackend(), info);
});

test("DL_BACKEND=node: tfjs-node when installed, else an InputError saying it cannot load and why", async () => {
  process.env[BACKEND_ENV] = "node";
  if (installed("@tensorflow/tfjs-node")) {
    assert.equal((await initBackend()).name, "node");
    return;
  }
  await assert.rejects(initBackend(), (e: unknown) => {
    assert.ok(e instanceof InputError);
    assert.equal(e.arg, "DL_BACKEND");
    assert.match(e.message, /"node", which cannot load: not installed \(optional dependency @tensorflow\/tfjs-node;/);
    assert.match(e.message, /unset DL_BACKEND/);
    return true;
  });
});

test("DL_BACKEND=gpu (unknown): an InputError listing the names", async () => {
  process.env[BACKEND_ENV] = "gpu";
  await assert.rejects(initBackend(), (e: unknown) => {
    assert.ok(e instanceof InputError);
    assert.equal(e.arg, "DL_BACKEND");
    assert.match(e.message, /node-gpu, node, wasm, cpu/);
    assert.match(e.message, /got "gpu"/);
    return true;
  });
  await assert.rejects(initBackend({ backend: "webgl" as never }), /argument 'backend' expected one of "node-gpu", "node", "wasm", "cpu", got "webgl"/);
});

test("tfjs-node and tfjs-node-gpu are optional dependencies: the project installs and runs without them", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, "../../package.json"), "utf8")) as Record<string, Record<string, string>>;
  for (const p of ["@tensorflow/tfjs-node", "@tensorflow/tfjs-node-gpu"]) {
    assert.ok(p in pkg.optionalDependencies, `${p} is optional`);
    assert.ok(!(p in pkg.dependencies), `${p} is not required`);
  }
  assert.ok("@tensorflow/tfjs-backend-wasm" in pkg.dependencies, "the wasm backend always installs");
});

test("ensureBackend (as fitDigits calls it) leaves a backend set with tf.setBackend alone", async () => {
  await initBackend({ backend: "wasm" });
  await tf.setBackend("cpu");
  await ensureBackend();
  assert.equal(tf.getBackend(), "cpu");
});

test("TensorFlow.js's 'Hi, looks like you are running TensorFlow.js in Node.js' banner is never printed (cpu tensors before and after initBackend)", async () => {
  const { spawnSync } = await import("node:child_process");
  const root = path.join(__dirname, "..", "..");
  const script = [
    `const tf = require(${JSON.stringify(require.resolve("@tensorflow/tfjs"))});`,
    `const b = require(${JSON.stringify(path.join(root, "src", "tf", "backend.ts"))});`,
    "tf.setBackend('cpu'); tf.tensor([1, 2]).dataSync();",
    "b.initBackend({ backend: 'cpu' }).then(() => { tf.tensor([3]).dataSync(); console.log('done'); });",
  ].join("\n");
  const r = spawnSync(process.execPath, ["--import", "tsx", "-e", script], { cwd: root, encoding: "utf8", timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /done/);
  assert.doesNotMatch(r.stdout + r.stderr, /looks like you are running TensorFlow\.js in Node/);
});
