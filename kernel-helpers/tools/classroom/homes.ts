/**
 * Lessons and assignments in the students' homes: the lessons merged in on every spawn (new files
 * added, files the student never edited updated, edited ones kept with the teacher's version
 * beside them as <name>.teacher.ipynb — nbgitpuller's rule), `release`, `collect`, `grade`, `return`.
 *
 * Every read and write inside a home goes through ./userside.cjs running as the student. What was
 * delivered (file → sha256) is remembered in the state folder, which students cannot reach.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { account, readClass, type ClassConfig } from "./class";

const USERSIDE = fs.readFileSync(path.join(__dirname, "userside.cjs"), "utf8");

/** One request to userside.cjs as `user`. */
export function asStudent(user: string, req: Record<string, unknown>): Promise<Record<string, any>> {
  const { uid, gid, home } = account(user);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-e", USERSIDE], { uid, gid, cwd: "/", env: { HOME: home, PATH: "/usr/bin:/bin" }, stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("error", reject);
    child.on("close", () => {
      try {
        const r = JSON.parse(out);
        if (r.error) reject(new Error(`classroom: in ${user}'s home: ${r.error}`));
        else resolve(r);
      } catch {
        reject(new Error(`classroom: in ${user}'s home: no answer (${err.trim().slice(0, 300)})`));
      }
    });
    child.stdin.end(JSON.stringify({ ...req, home }));
  });
}

const filesOf = (dir: string, keep: (f: string) => boolean) =>
  fs.readdirSync(dir).filter(keep).sort().map((name) => ({ name, b64: fs.readFileSync(path.join(dir, name)).toString("base64") }));

function knownFile(c: ClassConfig, user: string, what: string): string {
  return path.join(c.state, "delivered", user, `${what.replace(/[^\w.-]/g, "_")}.json`);
}

async function mergeInto(c: ClassConfig, user: string, dir: string, files: { name: string; b64: string }[], what: string, link = false) {
  const kf = knownFile(c, user, what);
  const known = fs.existsSync(kf) ? JSON.parse(fs.readFileSync(kf, "utf8")) : {};
  const r = await asStudent(user, { op: "merge", dir, files, known, link: link ? { name: "node_modules", target: path.join(c.runtime, "node_modules") } : undefined });
  fs.mkdirSync(path.dirname(kf), { recursive: true, mode: 0o700 });
  fs.writeFileSync(kf, JSON.stringify(r.known));
  return r as { added: string[]; updated: string[]; kept: string[]; same: string[] };
}

/**
 * The lessons into ~/lessons of `user` (run by the hub before each spawn), plus ~/node_modules
 * linking to the runtime's so that `import "dl-lessons"` resolves from any folder of the home.
 */
export function syncLessons(c: ClassConfig, user: string) {
  return mergeInto(c, user, "lessons", filesOf(path.join(c.runtime, "lessons"), (f) => f.endsWith(".ipynb")), "lessons", true);
}

/** notebooks/assignments/<id>-<slug>/ of the kit for "A2" (or the full folder name). */
export function assignmentDir(kit: string, id: string): string {
  const root = path.join(kit, "notebooks", "assignments");
  const hit = fs.existsSync(root) ? fs.readdirSync(root).find((d) => d === id || d.startsWith(`${id}-`)) : undefined;
  if (!hit) throw new Error(`classroom: no assignment ${id} in ${root}`);
  return path.join(root, hit);
}

/** The student version(s) of an assignment (its student/ folder, written by `npm run assignments`). */
export function studentVersion(kit: string, id: string): { name: string; files: { name: string; b64: string }[] } {
  const dir = assignmentDir(kit, id);
  const stu = path.join(dir, "student");
  if (!fs.existsSync(stu)) throw new Error(`classroom: ${path.basename(dir)} has no student/ version yet (run \`npm run assignments\`)`);
  const files = filesOf(stu, (f) => f.endsWith(".ipynb"));
  if (files.length === 0) throw new Error(`classroom: ${stu} holds no notebook`);
  return { name: path.basename(dir), files };
}

/** `release A2`: the student version into ~/assignments/<A2-slug>/ of every student (merged, never overwriting their work). */
export async function release(state: string, id: string, log = console.log): Promise<string[]> {
  const c = readClass(state);
  const a = studentVersion(c.kit, id);
  const failed: string[] = [];
  for (const s of c.students) {
    try {
      const r = await mergeInto(c, s, path.join("assignments", a.name), a.files, `assignment-${a.name}`, true);
      log(`• ${s}: ${a.name} ${r.added.length ? "released" : r.kept.length ? "kept their work, new version beside it" : "already there"}`);
    } catch (e) {
      failed.push(s);
      log(`• ${s}: NOT released: ${(e as Error).message}`);
    }
  }
  return failed;
}

export interface Collected {
  dir: string;
  late: string[];
  missing: string[];
}

/**
 * `collect A2 [--deadline ISO]`: each student's notebook(s) of ~/assignments/<A2-slug>/ into
 * <state>/collected/<A2-slug>/<timestamp>/<student>/ (the grader's layout), files and folders
 * read-only; `late.json` lists the students whose notebook changed after the deadline.
 */
export async function collect(state: string, id: string, deadline?: Date, log = console.log): Promise<Collected> {
  const c = readClass(state);
  const name = path.basename(assignmentDir(c.kit, id));
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const dir = path.join(c.state, "collected", name, stamp);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const late: string[] = [];
  const missing: string[] = [];
  const times: Record<string, string> = {};
  for (const s of c.students) {
    const r = await asStudent(s, { op: "read", dir: path.join("assignments", name) });
    const files = (r.files as { name: string; b64: string; mtimeMs: number }[]).filter((f) => f.name === `${name}.ipynb`);
    if (files.length === 0) {
      missing.push(s);
      continue;
    }
    fs.mkdirSync(path.join(dir, s), { mode: 0o700 });
    for (const f of files) fs.writeFileSync(path.join(dir, s, f.name), Buffer.from(f.b64, "base64"), { mode: 0o400 });
    const t = Math.max(...files.map((f) => f.mtimeMs));
    times[s] = new Date(t).toISOString();
    if (deadline && t > deadline.getTime()) late.push(s);
    fs.chmodSync(path.join(dir, s), 0o500);
  }
  fs.writeFileSync(path.join(dir, "collected.json"), `${JSON.stringify({ assignment: name, collectedAt: new Date().toISOString(), deadline: deadline?.toISOString() ?? null, modified: times, late, missing }, null, 1)}\n`, { mode: 0o400 });
  fs.chmodSync(dir, 0o500);
  log(`• collected ${name}: ${Object.keys(times).length} submissions${late.length ? `, late: ${late.join(", ")}` : ""}${missing.length ? `, missing: ${missing.join(", ")}` : ""} → ${dir}`);
  return { dir, late, missing };
}

/** The newest collection of an assignment. */
export function latestCollection(state: string, id: string): string {
  const c = readClass(state);
  const root = path.join(c.state, "collected", path.basename(assignmentDir(c.kit, id)));
  const all = fs.existsSync(root) ? fs.readdirSync(root).sort() : [];
  if (all.length === 0) throw new Error(`classroom: nothing collected for ${id} yet (run \`npm run classroom -- collect ${id}\`)`);
  return path.join(root, all[all.length - 1]);
}

/**
 * `grade A2`: the grader (`npm run grade -- <collection> --out <dir>`) on the newest collection;
 * its reports go to <state>/graded/<A2-slug>/<timestamp>/. `grader` replaces the command (tests).
 */
export function grade(state: string, id: string, grader: string[] = ["npm", "run", "--silent", "grade", "--"], extra: string[] = []): string {
  const c = readClass(state);
  const from = latestCollection(state, id);
  const out = path.join(c.state, "graded", path.basename(path.dirname(from)), path.basename(from));
  fs.mkdirSync(out, { recursive: true, mode: 0o700 });
  const r = spawnSync(grader[0], [...grader.slice(1), from, "--out", out, ...extra], { cwd: c.kit, stdio: "inherit" });
  if (r.status !== 0) throw new Error(`classroom: the grader failed (exit ${r.status}): ${[...grader, from, "--out", out].join(" ")}`);
  return out;
}

/** `return A2`: each student's feedback page(s) of the newest grading into ~/feedback/<A2-slug>/. */
export async function returnFeedback(state: string, id: string, log = console.log): Promise<number> {
  const c = readClass(state);
  const name = path.basename(assignmentDir(c.kit, id));
  const root = path.join(c.state, "graded", name);
  const runs = fs.existsSync(root) ? fs.readdirSync(root).sort() : [];
  if (runs.length === 0) throw new Error(`classroom: ${id} is not graded yet (run \`npm run classroom -- grade ${id}\`)`);
  const graded = path.join(root, runs[runs.length - 1]);
  let n = 0;
  for (const s of c.students) {
    const dir = path.join(graded, s);
    if (!fs.existsSync(dir)) continue;
    const files = filesOf(dir, (f) => f.endsWith(".html"));
    if (files.length === 0) continue;
    await asStudent(s, { op: "put", dir: path.join("feedback", name), files });
    n++;
  }
  log(`• returned ${name} feedback to ${n} students (~/feedback/${name}/)`);
  return n;
}
