/**
 * The classroom end to end on loopback (needs root: it creates system users and runs JupyterHub):
 * `startClass` with a roster of two students, both log in through the hub's form and run lesson
 * cells in their own server; lessons merged (edited file kept, teacher's version beside it);
 * release → collect (late one marked) → grade (the real grader) → return of A1; isolation between
 * the students, the solutions, the git history, the class state and the teacher. Everything it
 * created (users, homes, processes, files, modes) is removed or restored in `finally`.
 * Run through /work/scratch/heavy.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { account, generatePassword, parseRoster, removeUser, type ClassConfig } from "../../kernel-helpers/tools/classroom/class";
import { HubStudent, codeCells } from "../../kernel-helpers/tools/classroom/client";
import { collect, grade, release, returnFeedback, syncLessons } from "../../kernel-helpers/tools/classroom/homes";
import { cgroupDirs, classStatus, stopHub } from "../../kernel-helpers/tools/classroom/hub";
import { addStudent, startClass } from "../../kernel-helpers/tools/classroom/index";
import { freePort } from "../../kernel-helpers/tools/start";
import { PROJECT_ROOT } from "../../kernel-helpers/shared/paths";

const tag = `dlc${process.pid % 10000}`;
const [A, B, C, T] = [`${tag}a`, `${tag}b`, `${tag}c`, `${tag}t`];

/** Run a command as a class user; its exit status. */
function as(user: string, cmd: string, args: string[]): number | null {
  const { uid, gid, home } = account(user);
  return spawnSync(cmd, args, { uid, gid, cwd: "/", env: { HOME: home, PATH: "/usr/bin:/bin" }, stdio: "ignore" }).status;
}

/** The student version with every task cell replaced by the solution's (markers dropped). */
function solved(solutionFile: string, studentFile: string): object {
  const sol = JSON.parse(fs.readFileSync(solutionFile, "utf8"));
  const stu = JSON.parse(fs.readFileSync(studentFile, "utf8"));
  const src = (c: any) => (Array.isArray(c.source) ? c.source.join("") : c.source);
  const byTask = new Map(sol.cells.filter((c: any) => c.metadata?.dl_lessons?.task).map((c: any) => [c.metadata.dl_lessons.task, src(c).replace(/^\s*\/\/ (BEGIN|END) SOLUTION\n/gm, "")]));
  for (const c of stu.cells) if (c.metadata?.dl_lessons?.task) c.source = byTask.get(c.metadata.dl_lessons.task);
  return stu;
}

test("parseRoster reads usernames and optional passwords, refuses bad names", () => {
  assert.deepEqual(parseRoster("username,password,name\nann,pw1,Ann\n# comment\nbob,,Bob\n"), [{ name: "ann", password: "pw1" }, { name: "bob" }]);
  assert.throws(() => parseRoster("username\nRoot\n"), /parseRoster.*username/);
  assert.throws(() => parseRoster("user\nann\n"), /username/);
  assert.throws(() => parseRoster("username\nann\nann\n"), /each student once/);
});

test("a class on loopback: two students, lessons, A1 released, collected, graded, returned; isolation", { timeout: 900_000 }, async () => {
  assert.equal(process.getuid?.(), 0, "this test needs root (system users, JupyterHub as root)");
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "dl-classroom-test-"));
  fs.chmodSync(tmp, 0o711);
  const pw = { [A]: generatePassword(), [B]: generatePassword() };
  fs.writeFileSync(path.join(tmp, "roster.csv"), `username,password\n${A},${pw[A]}\n${B},${pw[B]}\n`);
  const assignments = path.join(PROJECT_ROOT, "notebooks", "assignments");
  const gitDir = spawnSync("git", ["-C", PROJECT_ROOT, "rev-parse", "--path-format=absolute", "--git-common-dir"], { encoding: "utf8" }).stdout.trim();
  const modes = [assignments, gitDir].filter((d) => d && fs.existsSync(d)).map((d) => ({ d, mode: fs.statSync(d).mode & 0o7777 }));
  let cls: ClassConfig | undefined;
  const students: HubStudent[] = [];
  try {
    cls = await startClass(path.join(tmp, "roster.csv"), {
      state: path.join(tmp, "state"), runtime: path.join(tmp, "runtime"), "jupyter-dir": path.join(tmp, "jupyter"),
      teacher: T, port: String(await freePort()), "no-install": true, "memory-mb": "3072",
    }, () => undefined);
    const hub = `http://127.0.0.1:${cls.port}`;
    const lesson = fs.readdirSync(path.join(cls.runtime, "lessons")).sort()[0];
    assert.match(lesson, /^01-/);

    // wrong password: refused by PAM through the real form
    await assert.rejects(new HubStudent(hub, A).login("not-the-password"), /login refused/);
    for (const name of [A, B]) {
      const s = new HubStudent(hub, name);
      await s.login(pw[name]);
      await s.spawn();
      students.push(s);
    }
    // each server runs as its student, and the lessons arrived in each home
    for (const name of [A, B]) {
      const ps = spawnSync("ps", ["-u", name, "-o", "args="], { encoding: "utf8" }).stdout;
      assert.match(ps, /jupyterhub-singleuser/, `${name}'s server runs as ${name}`);
      assert.ok(fs.existsSync(path.join(account(name).home, "lessons", lesson)));
      assert.equal(fs.statSync(account(name).home).mode & 0o777, 0o700);
      // the per-student limit: the server sits in its own memory cgroup of 3072 MB (v1 or v2)
      const pid = spawnSync("pgrep", ["-u", name, "-f", "jupyterhub-singleuser"], { encoding: "utf8" }).stdout.trim().split("\n")[0];
      const groups = fs.readFileSync(`/proc/${pid}/cgroup`, "utf8");
      if (fs.existsSync("/sys/fs/cgroup/cgroup.controllers") || fs.existsSync("/sys/fs/cgroup/memory")) {
        assert.match(groups, new RegExp(`dl-lessons/${name}`), `${name}'s server in its cgroup`);
        const v1 = `/sys/fs/cgroup/memory/dl-lessons/${name}/memory.limit_in_bytes`;
        const limit = fs.existsSync(v1) ? fs.readFileSync(v1, "utf8") : fs.readFileSync(`/sys/fs/cgroup/dl-lessons/${name}/memory.max`, "utf8");
        assert.equal(Number(limit), 3072 * 2 ** 20);
      }
    }
    const first = codeCells(path.join(cls.runtime, "lessons", lesson)).slice(0, 2);
    for (const s of students) {
      const kernel = await s.openSession(`lessons/${lesson}`);
      const runs = await s.runCells(kernel, first);
      assert.deepEqual(runs.map((r) => r.error ?? "ok"), first.map(() => "ok"), `${s.name} ran lesson 01's first cells`);
      assert.ok(runs.some((r) => r.outputs > 0), `${s.name}'s cells printed`);
    }
    // add-student while the hub runs: a third student can log in at once (and is then part of the class)
    const pwC = generatePassword();
    await addStudent(cls.state, C, pwC, () => undefined);
    await new HubStudent(hub, C).login(pwC);
    const status = classStatus({ ...cls, students: [A, B, C] });
    assert.ok(status.hub && status.users.find((u) => u.name === A)!.processes > 0 && status.users.find((u) => u.name === C)!.processes === 0);

    // the hub refuses A's token on B's server
    const cross = await students[0].api(`/user/${B}/api/contents/lessons`);
    assert.ok([403, 404].includes(cross.status) || cross.redirected, `A on B's server: ${cross.status}`);

    // lessons merge: A edits lesson 01; the teacher changes lessons 01 and 02; sync keeps A's 01
    const homeA = account(A).home;
    const aFile = path.join(homeA, "lessons", lesson);
    assert.equal(as(A, "sh", ["-c", `printf ' ' >> '${aFile}'`]), 0);
    const second = fs.readdirSync(path.join(cls.runtime, "lessons")).sort()[1];
    for (const f of [lesson, second]) fs.appendFileSync(path.join(cls.runtime, "lessons", f), "\n");
    const merged = await syncLessons(cls, A);
    assert.deepEqual(merged.kept, [lesson]);
    assert.ok(merged.updated.includes(second));
    assert.ok(fs.readFileSync(aFile, "utf8").endsWith(" "), "A's edit kept");
    assert.ok(fs.existsSync(aFile.replace(/\.ipynb$/, ".teacher.ipynb")), "teacher's version beside it");
    assert.equal(fs.readFileSync(path.join(homeA, "lessons", second), "utf8"), fs.readFileSync(path.join(cls.runtime, "lessons", second), "utf8"));

    // release → A submits a solved notebook after the deadline, B leaves the handout → collect
    assert.deepEqual(await release(cls.state, "A1", () => undefined), []);
    const handout = path.join(account(B).home, "assignments", "A1-forward", "A1-forward.ipynb");
    assert.ok(fs.existsSync(handout));
    assert.doesNotMatch(fs.readFileSync(handout, "utf8"), /BEGIN HIDDEN TESTS|BEGIN SOLUTION/);
    await new Promise((r) => setTimeout(r, 1100));
    const deadline = new Date();
    await new Promise((r) => setTimeout(r, 1100));
    const put = await students[0].api(`/user/${A}/api/contents/assignments/A1-forward/A1-forward.ipynb`, {
      method: "PUT", body: JSON.stringify({ type: "notebook", format: "json", content: solved(path.join(assignments, "A1-forward", "A1-forward.ipynb"), handout) }),
    });
    assert.ok(put.ok, `A saves through the notebook server: ${put.status}`);
    const got = await collect(cls.state, "A1", deadline, () => undefined);
    assert.deepEqual(got.late, [A]);
    assert.deepEqual(got.missing, []);
    assert.ok(fs.existsSync(path.join(got.dir, C, "A1-forward.ipynb")), "the student added later got the handout too");
    const snap = path.join(got.dir, A, "A1-forward.ipynb");
    assert.equal(fs.statSync(snap).mode & 0o777, 0o400);
    assert.equal(fs.statSync(got.dir).mode & 0o777, 0o500);

    // grade with the real grader, return the feedback pages
    const out = grade(cls.state, "A1");
    const pageA = fs.readFileSync(path.join(out, A, "A1-forward.html"), "utf8");
    assert.ok(fs.existsSync(path.join(out, B, "A1-forward.html")));
    const scores = fs.readFileSync(path.join(out, "class.csv"), "utf8");
    assert.match(scores, new RegExp(A));
    assert.equal(await returnFeedback(cls.state, "A1", () => undefined), 3);
    const back = await students[0].contents("feedback/A1-forward/A1-forward.html");
    assert.ok(back, "A reads the returned page through the server");
    assert.equal(fs.readFileSync(path.join(homeA, "feedback", "A1-forward", "A1-forward.html"), "utf8"), pageA);

    // isolation, checked as student A with the file system's own answer
    const homeB = account(B).home;
    const denied: [string, string[]][] = [
      ["cat", [path.join(homeB, "lessons", lesson)]],
      ["ls", [homeB]],
      ["sh", ["-c", `echo x > '${path.join(homeB, "planted")}'`]],
      ["cat", [path.join(assignments, "A1-forward", "A1-forward.ipynb")]],
      ["ls", [path.join(gitDir, "objects")]],
      ["cat", [path.join(cls.state, "class.json")]],
      ["ls", [path.join(cls.state, "collected")]],
      ["ls", [account(T).home]],
      ["sh", ["-c", `echo x >> '${path.join(cls.runtime, "lessons", lesson)}'`]],
      ["sh", ["-c", `echo x > '${path.join(cls.runtime, "dist", "planted.js")}'`]],
    ];
    for (const [cmd, args] of denied) assert.notEqual(as(A, cmd, args), 0, `${A} must not: ${cmd} ${args.join(" ")}`);
    // the positive control: the same command works on A's own files and on the runtime
    assert.equal(as(A, "cat", [aFile]), 0);
    assert.equal(as(A, "ls", [path.join(cls.runtime, "node_modules", "dl-lessons")]), 0);
    // a symlink planted by B in its home does not make a release write elsewhere
    assert.equal(as(B, "sh", ["-c", `rm -rf ~/assignments/A1-forward && ln -s '${homeA}' ~/assignments/A1-forward`]), 0);
    assert.deepEqual(await release(cls.state, "A1", () => undefined), [B], "B's release fails (as B, A's home is closed)");
    assert.equal(fs.readdirSync(homeA).includes("A1-forward.ipynb"), false, "B's symlink did not reach A's home");
  } finally {
    for (const s of students) await s.stop();
    if (cls) await stopHub(cls);
    for (const u of [A, B, C, T]) removeUser(u);
    for (const { d, mode } of modes) fs.chmodSync(d, mode);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  assert.deepEqual(cls?.closed.map((x) => x.mode), modes.map((x) => x.mode), "start recorded the modes it changed");
  for (const u of [A, B, C, T]) {
    assert.equal(spawnSync("id", [u], { stdio: "ignore" }).status, 1, `${u} removed`);
    for (const d of cgroupDirs(u)) assert.equal(fs.existsSync(d), false, `${d} removed`);
  }
});
