/**
 * Beyond one machine, as far as this machine can test it (no Docker, no Kubernetes here):
 *   - the class image's build context (`npm run classroom -- image-root`) assembled into a temporary
 *     root; its kernel started FROM that root: bubblewrap mounts the root's /opt/dl-lessons-class
 *     and /usr/local/share/jupyter at their image paths, the postStart script provisions a home, and
 *     Jupyter finds the kernelspec system-wide and runs a cell that imports "dl-lessons";
 *   - the Zero-to-JupyterHub config.yaml parsed (python3-yaml) and every key checked against the
 *     chart's values.schema.yaml (key paths copied below from jupyterhub/zero-to-jupyterhub-k8s,
 *     jupyterhub/values.schema.yaml at commit 48ea50e34daddde55d76e30df6ecd47e4abd4d8e).
 * Run through /work/scratch/heavy (it starts a kernel).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { IMAGE_NODE, IMAGE_RUNTIME, imageRoot } from "../../kernel-helpers/tools/classroom/image";
import { PROJECT_ROOT } from "../../kernel-helpers/shared/paths";

const K8S = path.join(PROJECT_ROOT, "kernel-helpers", "tools", "classroom", "k8s");

/** Key paths of the chart's schema that config.yaml may use, with their allowed JSON types. */
const SCHEMA: Record<string, string[]> = {
  "hub.config": ["object"],
  "singleuser.image.name": ["string"],
  "singleuser.image.tag": ["string"],
  "singleuser.defaultUrl": ["string", "null"],
  "singleuser.extraEnv": ["object", "array"],
  "singleuser.memory.guarantee": ["number", "string", "null"],
  "singleuser.memory.limit": ["number", "string", "null"],
  "singleuser.cpu.guarantee": ["number", "null"],
  "singleuser.cpu.limit": ["number", "null"],
  "singleuser.storage.type": ["string"],
  "singleuser.storage.capacity": ["string", "null"],
  "singleuser.startTimeout": ["integer", "null"],
  "singleuser.extraFiles": ["object"],
  "singleuser.lifecycleHooks": ["object"],
  "cull.enabled": ["boolean"],
  "cull.timeout": ["integer", "null"],
  "cull.every": ["integer", "null"],
  "cull.users": ["boolean", "null"],
};
/** Sub-keys the schema fixes below an object-valued key (extraFiles entries; lifecycleHooks is k8s's Lifecycle). */
const INNER: Record<string, RegExp> = {
  "singleuser.extraFiles": /^[\w-]+\.(mountPath|mode|data(\..+)?|stringData|binaryData)$/,
  "singleuser.lifecycleHooks": /^(postStart|preStop)\.exec\.command$/,
};

const jsonType = (v: unknown): string => (v === null ? "null" : Array.isArray(v) ? "array" : Number.isInteger(v) ? "integer" : typeof v);
const bytes = (v: string): number => Number(/^(\d+(?:\.\d+)?)([KMGT])$/.exec(v)?.[1]) * 1024 ** " KMGT".indexOf(/([KMGT])$/.exec(v)?.[1] ?? " ");

function leaves(v: any, prefix: string, out: [string, unknown][]): void {
  if (v && typeof v === "object" && !Array.isArray(v)) for (const [k, x] of Object.entries(v)) leaves(x, prefix ? `${prefix}.${k}` : k, out);
  else out.push([prefix, v]);
}

test("config.yaml: every key is one of the chart's, with the chart's type; guarantees within limits", () => {
  const r = spawnSync("/usr/bin/python3", ["-c", "import json,sys,yaml; json.dump(yaml.safe_load(open(sys.argv[1])), sys.stdout)", path.join(K8S, "config.yaml")], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const conf = JSON.parse(r.stdout);
  const all: [string, unknown][] = [];
  leaves(conf, "", all);
  for (const [key, value] of all) {
    const base = Object.keys(SCHEMA).find((k) => key === k || key.startsWith(`${k}.`));
    assert.ok(base, `${key} is not a key of the chart`);
    const t = jsonType(value);
    if (key === base) assert.ok(SCHEMA[base].includes(t) || (t === "integer" && SCHEMA[base].includes("number")), `${key}: ${jsonType(value)} is not ${SCHEMA[base].join("/")}`);
    else if (INNER[base]) assert.match(key.slice(base.length + 1), INNER[base], `${key} below ${base}`);
    else assert.equal(SCHEMA[base][0], "object", `${key}: ${base} is not an object`);
  }
  const u = conf.singleuser;
  assert.ok(bytes(u.memory.guarantee) > 0 && bytes(u.memory.guarantee) <= bytes(u.memory.limit), "memory guarantee ≤ limit");
  assert.ok(u.cpu.guarantee > 0 && u.cpu.guarantee <= u.cpu.limit, "cpu guarantee ≤ limit");
  assert.equal(conf.cull.enabled, true);
  assert.deepEqual(u.lifecycleHooks.postStart.exec.command, ["node", `${IMAGE_RUNTIME}/provision.cjs`]);
  assert.ok(u.extraFiles.culling.data.MappingKernelManager.cull_idle_timeout > 0);
  // the Dockerfile copies exactly what image-root writes
  const docker = fs.readFileSync(path.join(K8S, "Dockerfile"), "utf8");
  assert.match(docker, /^FROM quay\.io\/jupyter\/base-notebook:\S+$/m);
  assert.match(docker, /COPY opt\/dl-lessons-class \/opt\/dl-lessons-class/);
  assert.match(docker, /COPY usr\/local\/share\/jupyter\/kernels\/dl-lessons \/usr\/local\/share\/jupyter\/kernels\/dl-lessons/);
});

test("the image root: layout without solutions, and its kernel runs a cell from it", { timeout: 300_000 }, () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "dl-class-image-"));
  try {
    const root = path.join(tmp, "root");
    const { runtime, kernelDir } = imageRoot(PROJECT_ROOT, root);
    const spec = JSON.parse(fs.readFileSync(path.join(kernelDir, "kernel.json"), "utf8"));
    assert.equal(spec.argv[0], IMAGE_NODE);
    for (const a of spec.argv.slice(1).filter((x: string) => x.startsWith("/"))) {
      assert.ok(a.startsWith(`${IMAGE_RUNTIME}/`), `${a} inside the image runtime`);
      assert.ok(fs.existsSync(path.join(root, a)), `${a} present in the root`);
    }
    assert.ok(fs.readdirSync(path.join(runtime, "lessons")).some((f) => /^01-.*\.ipynb$/.test(f)));
    for (const gone of ["notebooks", ".git", "tests"]) assert.equal(fs.existsSync(path.join(runtime, gone)), false, `${gone} not in the image`);
    assert.ok(fs.existsSync(path.join(root, "Dockerfile")));

    const home = path.join(tmp, "home");
    fs.mkdirSync(home);
    const script = [
      "import json, subprocess, sys",
      "from jupyter_client.kernelspec import KernelSpecManager",
      "from jupyter_client.manager import start_new_kernel",
      "p = subprocess.run(['node', '/opt/dl-lessons-class/provision.cjs'], capture_output=True, text=True)",
      "print(json.dumps({'provision': p.stdout.strip() + p.stderr.strip()}))",
      "print(json.dumps({'spec': KernelSpecManager().find_kernel_specs().get('dl-lessons')}))",
      "km, kc = start_new_kernel(kernel_name='dl-lessons', cwd=sys.argv[1], startup_timeout=120)",
      "out = []",
      "hook = lambda m: out.append(m['content']) if m['msg_type'] in ('stream', 'execute_result', 'error') else None",
      "r = kc.execute_interactive(sys.argv[2], output_hook=hook, timeout=120)",
      "print(json.dumps({'status': r['content']['status'], 'out': out}))",
      "kc.stop_channels(); km.shutdown_kernel(now=True)",
    ].join("\n");
    const code = 'import { Tensor } from "dl-lessons";\nconsole.log("shape", Tensor.zeros([2, 3]).shape.join("x"));';
    const r = spawnSync("bwrap", [
      "--dev-bind", "/", "/", "--tmpfs", "/opt", "--bind", path.join(root, "opt", "dl-lessons-class"), IMAGE_RUNTIME,
      "--tmpfs", "/usr/local/share", "--bind", path.join(root, "usr", "local", "share", "jupyter"), "/usr/local/share/jupyter",
      "--unsetenv", "JUPYTER_PATH", "--setenv", "HOME", home, "--setenv", "JUPYTER_DATA_DIR", path.join(home, ".jupyter-data"), "--chdir", home,
      "/usr/bin/python3", "-c", script, path.join(home, "lessons"), code,
    ], { encoding: "utf8", timeout: 240_000 });
    assert.equal(r.status, 0, r.stderr.slice(-2000));
    const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
    assert.match(lines[0].provision, /lessons added \d+/);
    assert.equal(lines[1].spec, "/usr/local/share/jupyter/kernels/dl-lessons");
    assert.equal(lines[2].status, "ok", JSON.stringify(lines[2].out));
    assert.match(lines[2].out.map((o: any) => o.text ?? "").join(""), /shape 2x3/);
    assert.equal(fs.readlinkSync(path.join(home, "node_modules")), `${IMAGE_RUNTIME}/node_modules`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
