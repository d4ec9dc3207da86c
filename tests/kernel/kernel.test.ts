/**
 * The kernelspec: where it goes, what kernel.json says, that Jupyter finds it (and stops finding
 * it after uninstall), that notebooks resolve "dl-lessons" and "dl-lessons/kernel" the way tslab's
 * TypeScript 5.0 does, and Debian's jupyter_kernel_test suite against the real kernel.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  KERNEL_DISPLAY_NAME, KERNEL_NAME, defaultMemoryMb, installKernel, installNotebookImports, jupyterEnv,
  kernelDir, kernelMemoryMb, main, preloadFile, tslabBin, uninstallKernel, userJupyterDir,
} from "../../kernel-helpers/tools/kernel";
import { InputError } from "../../src/errors";
import { PYTHON, ROOT, ensureBuilt, setupKernel, testEnv } from "./setup";

type KernelJson = { argv: string[]; display_name: string; language: string; interrupt_mode: string };
const readSpec = (dir: string): KernelJson => JSON.parse(fs.readFileSync(path.join(dir, "kernel.json"), "utf8")) as KernelJson;

/** `jupyter kernelspec list --json` (the module behind the command, which Debian ships without its script). */
function kernelspecList(env: NodeJS.ProcessEnv): Record<string, { resource_dir: string; spec: KernelJson }> {
  const r = spawnSync(PYTHON, ["-m", "jupyter_client.kernelspecapp", "list", "--json"], { env: { ...env, PYDEVD_DISABLE_FILE_VALIDATION: "1" }, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return (JSON.parse(r.stdout) as { kernelspecs: Record<string, { resource_dir: string; spec: KernelJson }> }).kernelspecs;
}

/** An environment where Jupyter sees only `jupyterPath` (and a throwaway user dir). */
function isolatedEnv(jupyterPath: string, dataDir: string): NodeJS.ProcessEnv {
  const { JUPYTER_PATH: _p, JUPYTER_DATA_DIR: _d, ...rest } = process.env;
  return { ...rest, JUPYTER_PATH: jupyterPath, JUPYTER_DATA_DIR: dataDir };
}

describe("installKernel into a temporary project", () => {
  let project = "";
  let emptyData = "";
  before(() => {
    project = fs.mkdtempSync(path.join(os.tmpdir(), "dl-lessons-kernel-"));
    emptyData = fs.mkdtempSync(path.join(os.tmpdir(), "dl-lessons-data-"));
  });
  after(() => {
    fs.rmSync(project, { recursive: true, force: true });
    fs.rmSync(emptyData, { recursive: true, force: true });
  });

  test("kernel.json: name dl-lessons, display name, language typescript, node and tslab by absolute path", () => {
    ensureBuilt();
    const r = installKernel({ projectDir: project });
    assert.equal(r.dir, path.join(project, ".jupyter", "kernels", KERNEL_NAME));
    const spec = readSpec(r.dir);
    assert.deepEqual(spec, JSON.parse(JSON.stringify(r.spec)));
    assert.equal(spec.display_name, "Deep Learning (TypeScript)");
    assert.equal(spec.display_name, KERNEL_DISPLAY_NAME);
    assert.equal(spec.language, "typescript");
    assert.equal(spec.interrupt_mode, "signal");
    const [node, heap, requireFlag, preload, tslab, ...rest] = spec.argv;
    assert.equal(node, process.execPath);
    assert.ok(path.isAbsolute(node) && fs.existsSync(node), node);
    assert.equal(heap, `--max-old-space-size=${r.memoryMb}`);
    assert.equal(requireFlag, "--require");
    // the tslab adapter's kernel side, compiled by the build (not a string written at install)
    assert.equal(preload, preloadFile());
    assert.equal(preload, path.join(ROOT, "dist", "kernel-helpers", "tslab", "preload.js"));
    assert.ok(fs.existsSync(preload), preload);
    assert.equal(tslab, tslabBin());
    assert.ok(path.isAbsolute(tslab) && fs.existsSync(tslab), tslab);
    assert.equal(tslab, path.join(ROOT, "node_modules", "tslab", "bin", "tslab"));
    assert.deepEqual(rest, ["kernel", "--config-path", "{connection_file}"]);
    // the preload is valid JavaScript
    const check = spawnSync(process.execPath, ["--check", preload], { encoding: "utf8" });
    assert.equal(check.status, 0, check.stderr);
  });

  test("Jupyter finds it through JUPYTER_PATH=<project>/.jupyter (kernelspec list)", () => {
    installKernel({ projectDir: project });
    const specs = kernelspecList(isolatedEnv(path.join(project, ".jupyter"), emptyData));
    assert.ok(KERNEL_NAME in specs, `kernelspecs: ${Object.keys(specs).join(", ")}`);
    assert.equal(specs[KERNEL_NAME].resource_dir, path.join(project, ".jupyter", "kernels", KERNEL_NAME));
    assert.equal(specs[KERNEL_NAME].spec.display_name, KERNEL_DISPLAY_NAME);
    // and not without it
    assert.ok(!(KERNEL_NAME in kernelspecList(isolatedEnv(path.join(emptyData, "nothing"), emptyData))));
  });

  test("the notebook-import shim forwards to this project's dist/ by relative paths", () => {
    const shim = installNotebookImports(project);
    assert.equal(shim, path.join(project, "node_modules", "dl-lessons"));
    const pkg = JSON.parse(fs.readFileSync(path.join(shim, "package.json"), "utf8")) as { name: string; main: string; types: string };
    assert.deepEqual([pkg.name, pkg.main, pkg.types], ["dl-lessons", "index.js", "index.d.ts"]);
    const target = (file: string, re: RegExp): string => {
      const m = re.exec(fs.readFileSync(path.join(shim, file), "utf8"));
      assert.ok(m, `${file} forwards somewhere`);
      assert.ok(!path.isAbsolute(m[1]), `${file}: relative target ${m[1]}`);
      return path.resolve(shim, m[1]);
    };
    assert.equal(target("index.js", /require\("([^"]+)"\)/), path.join(ROOT, "dist", "src", "index.js"));
    assert.equal(target("kernel.js", /require\("([^"]+)"\)/), path.join(ROOT, "dist", "kernel-helpers", "index.js"));
    assert.equal(target("index.d.ts", /from "([^"]+)"/), path.join(ROOT, "dist", "src", "index"));
    assert.equal(target("kernel.d.ts", /from "([^"]+)"/), path.join(ROOT, "dist", "kernel-helpers", "index"));
    assert.equal(target("tf.js", /require\("([^"]+)"\)/), path.join(ROOT, "dist", "src", "tf", "index.js"));
    assert.equal(target("grade.js", /require\("([^"]+)"\)/), path.join(ROOT, "dist", "kernel-helpers", "grade", "index.js"));
    assert.equal(target("grade.d.ts", /from "([^"]+)"/), path.join(ROOT, "dist", "kernel-helpers", "grade", "index"));
  });

  test("heap limit: 4096 MB or half the machine's memory, --memory / memoryMb, DL_LESSONS_KERNEL_MEMORY_MB; bad values refused", () => {
    assert.equal(defaultMemoryMb(64 * 2 ** 30), 4096);
    assert.equal(defaultMemoryMb(4 * 2 ** 30), 2048);
    assert.equal(kernelMemoryMb(undefined, { DL_LESSONS_KERNEL_MEMORY_MB: "700" }), 700);
    assert.equal(kernelMemoryMb(900, { DL_LESSONS_KERNEL_MEMORY_MB: "700" }), 900);
    assert.equal(kernelMemoryMb(undefined, {}), defaultMemoryMb());
    assert.throws(() => kernelMemoryMb(undefined, { DL_LESSONS_KERNEL_MEMORY_MB: "lots" }), (e: unknown) => e instanceof InputError && e.arg === "DL_LESSONS_KERNEL_MEMORY_MB");
    assert.throws(() => kernelMemoryMb(12.5, {}), InputError);
    const r = installKernel({ projectDir: project, memoryMb: 640 });
    assert.equal(r.memoryMb, 640);
    assert.ok(readSpec(r.dir).argv.includes("--max-old-space-size=640"));
    assert.throws(() => installKernel({ projectDir: project, memoryMb: 5 }), (e: unknown) => e instanceof InputError && e.arg === "where.memoryMb");
  });

  test("uninstallKernel removes the kernelspec and the shim; Jupyter no longer lists it", () => {
    installKernel({ projectDir: project });
    assert.equal(uninstallKernel({ projectDir: project }), true);
    assert.ok(!fs.existsSync(path.join(project, ".jupyter", "kernels", KERNEL_NAME)));
    assert.ok(!fs.existsSync(path.join(project, "node_modules", "dl-lessons")));
    assert.ok(!(KERNEL_NAME in kernelspecList(isolatedEnv(path.join(project, ".jupyter"), emptyData))));
    assert.equal(uninstallKernel({ projectDir: project }), false);
  });

  test("bad location: a projectDir that does not exist is an InputError naming installKernel", () => {
    assert.throws(() => installKernel({ projectDir: path.join(project, "missing") }), (e: unknown) => e instanceof InputError && e.fn === "installKernel" && e.arg === "where.projectDir");
    assert.throws(() => installNotebookImports(path.join(project, "missing")), InputError);
  });
});

describe("installKernel --user", () => {
  let data = "";
  let saved: string | undefined;
  before(() => {
    data = fs.mkdtempSync(path.join(os.tmpdir(), "dl-lessons-user-"));
    saved = process.env.JUPYTER_DATA_DIR;
    process.env.JUPYTER_DATA_DIR = data;
  });
  after(() => {
    if (saved === undefined) delete process.env.JUPYTER_DATA_DIR;
    else process.env.JUPYTER_DATA_DIR = saved;
    fs.rmSync(data, { recursive: true, force: true });
  });

  test("goes to jupyter's user data dir ($JUPYTER_DATA_DIR here), where jupyter looks; uninstall removes it", () => {
    assert.equal(userJupyterDir(), data);
    const r = installKernel({ user: true });
    assert.equal(r.dir, path.join(data, "kernels", KERNEL_NAME));
    assert.equal(r.imports, null, "a user install leaves node_modules alone");
    const specs = kernelspecList(isolatedEnv(path.join(data, "no-project"), data));
    assert.equal(specs[KERNEL_NAME]?.resource_dir, r.dir);
    assert.equal(uninstallKernel({ user: true }), true);
    assert.ok(!fs.existsSync(r.dir));
  });

  test("userJupyterDir: XDG_DATA_HOME/jupyter on Linux without JUPYTER_DATA_DIR", { skip: process.platform !== "linux" && "Linux paths" }, () => {
    assert.equal(userJupyterDir({ XDG_DATA_HOME: "/x/share" }), "/x/share/jupyter");
    assert.equal(userJupyterDir({}), path.join(os.homedir(), ".local", "share", "jupyter"));
  });
});

describe("environment and command line", () => {
  test("jupyterEnv: <project>/.jupyter first in JUPYTER_PATH, an earlier value kept after it, once", () => {
    const own = path.join(ROOT, ".jupyter");
    assert.equal(jupyterEnv({}).JUPYTER_PATH, own);
    assert.equal(jupyterEnv({ JUPYTER_PATH: "/a" }).JUPYTER_PATH, [own, "/a"].join(path.delimiter));
    assert.equal(jupyterEnv({ JUPYTER_PATH: [own, "/a"].join(path.delimiter) }).JUPYTER_PATH, [own, "/a"].join(path.delimiter));
    assert.equal(jupyterEnv({ HOME: "/h" }).HOME, "/h");
  });

  test("kernelDir: project-local by default, per user with { user: true }", () => {
    assert.equal(kernelDir(), path.join(ROOT, ".jupyter", "kernels", KERNEL_NAME));
    assert.equal(kernelDir({ user: true }), path.join(userJupyterDir(), "kernels", KERNEL_NAME));
  });

  test("CLI: `env` prints the JUPYTER_PATH export, `install` installs into the project, anything else exits 2", () => {
    const r = spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "kernel-helpers", "tools", "kernel.ts"), "env"], { cwd: ROOT, encoding: "utf8", env: { ...process.env, JUPYTER_PATH: "" } });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), `export JUPYTER_PATH='${path.join(ROOT, ".jupyter")}'`);
    const logs: string[] = [];
    const errors: string[] = [];
    const { log, error } = console;
    console.log = (...a: unknown[]) => logs.push(a.join(" "));
    console.error = (...a: unknown[]) => errors.push(a.join(" "));
    try {
      assert.equal(main(["install"]), 0);
      assert.equal(main(["frobnicate"]), 2);
      assert.equal(main(["install", "--system"]), 2);
      assert.equal(main(["install", "--memory", "ten"]), 2);
      assert.equal(main(["env", "--memory", "512"]), 2);
    } finally {
      Object.assign(console, { log, error });
    }
    assert.match(logs[0], /installed kernelspec "dl-lessons"/);
    assert.match(errors[0], /^usage: /);
    assert.match(errors[1], /unexpected argument --system/);
    assert.match(errors[2], /--memory expects a whole number of MB/);
    assert.equal(readSpec(kernelDir()).display_name, KERNEL_DISPLAY_NAME);
  });
});

describe("notebook imports under tslab's TypeScript (5.0, Node10 resolution)", () => {
  before(() => setupKernel());

  test('"dl-lessons" and "dl-lessons/kernel" resolve to the shim\'s .d.ts from notebooks/, types to dist/', () => {
    const ts = require(require.resolve("@tslab/typescript-for-tslab", { paths: [path.dirname(require.resolve("tslab"))] })) as typeof import("typescript");
    assert.match(ts.version, /^5\.0\./);
    const from = path.join(ROOT, "notebooks", "lesson.ts");
    const resolve = (name: string) => ts.resolveModuleName(name, from, { moduleResolution: ts.ModuleResolutionKind.Node10 }, ts.sys).resolvedModule?.resolvedFileName;
    assert.equal(resolve("dl-lessons"), path.join(ROOT, "node_modules", "dl-lessons", "index.d.ts"));
    assert.equal(resolve("dl-lessons/kernel"), path.join(ROOT, "node_modules", "dl-lessons", "kernel.d.ts"));
    assert.ok(fs.existsSync(path.join(ROOT, "dist", "src", "index.d.ts")));
    assert.ok(fs.existsSync(path.join(ROOT, "dist", "kernel-helpers", "index.d.ts")));
    // and Node finds the same shim at run time
    assert.equal(require.resolve("dl-lessons/kernel", { paths: [path.dirname(from)] }), path.join(ROOT, "node_modules", "dl-lessons", "kernel.js"));
  });

  test("Debian's jupyter_kernel_test suite passes against the dl-lessons kernel", () => {
    const fixtures = path.join(__dirname, "fixtures");
    const r = spawnSync(PYTHON, ["-m", "unittest", "-v", "conformance"], { cwd: fixtures, env: testEnv(), encoding: "utf8", timeout: 180_000 });
    const out = `${r.stdout}\n${r.stderr}`;
    assert.equal(r.status, 0, out);
    assert.match(out, /\nOK( \(skipped=\d+\))?\s*$/);
    const ran = Number(/Ran (\d+) tests/.exec(out)?.[1]);
    const skipped = Number(/skipped=(\d+)/.exec(out)?.[1] ?? 0);
    // the checks that matter ran: kernel_info, stdout/stderr, completion, is_complete, display_data, inspect and ours
    for (const name of ["test_kernel_info", "test_completion", "test_display_data", "test_inspect_library_types", "test_type_error_fails"]) {
      assert.match(out, new RegExp(`${name} .*\\.\\.\\. ok`, "s"), name);
    }
    assert.ok(ran - skipped >= 11, `${ran} tests, ${skipped} skipped`);
  });
});
