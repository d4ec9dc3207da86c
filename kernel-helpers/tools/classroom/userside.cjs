// The part of the classroom that touches a student's home. It runs AS THAT STUDENT (spawned by
// ./homes.ts with the student's uid and gid), so it can only read and write what the student can:
// a symlink planted in a home cannot turn a root write into a write elsewhere. Plain CommonJS, no
// imports from the kit. One JSON request on stdin, one JSON answer on stdout.
//
//   {op:"merge", home, dir, files:[{name,b64}], known:{name:sha256}, link?:{name,target}}
//       new files added; a file the student has not changed since it was delivered (its hash is
//       `known`) is updated; an edited file is kept and the new version is put beside it as
//       <stem>.teacher.ipynb. Answers {known, added, updated, kept, same}.
//   {op:"put", home, dir, files}      write (replace) the files: feedback pages
//   {op:"read", home, dir}            the regular *.ipynb files of dir: {files:[{name,b64,mtimeMs}]}
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const crypto = require("node:crypto");

const sha = (buf) => crypto.createHash("sha256").update(buf).digest("hex");
const safeName = (n) => typeof n === "string" && /^[\w.-]+$/.test(n) && !n.startsWith(".");

function within(home, dir) {
  const p = path.resolve(home, dir);
  if (p !== home && !p.startsWith(home + path.sep)) throw new Error(`not inside the home: ${dir}`);
  return p;
}

function writeAtomic(file, data) {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, data, { mode: 0o600, flag: "wx" });
  fs.renameSync(tmp, file);
}

function readRegular(file) {
  const st = fs.lstatSync(file, { throwIfNoEntry: false });
  return st && st.isFile() ? fs.readFileSync(file) : null;
}

function merge(req, out) {
  const dir = within(req.home, req.dir);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const known = { ...(req.known || {}) };
  Object.assign(out, { added: [], updated: [], kept: [], same: [] });
  for (const f of req.files) {
    if (!safeName(f.name)) throw new Error(`bad file name ${JSON.stringify(f.name)}`);
    const data = Buffer.from(f.b64, "base64");
    const next = sha(data);
    const file = path.join(dir, f.name);
    const st = fs.lstatSync(file, { throwIfNoEntry: false });
    if (!st) {
      writeAtomic(file, data);
      out.added.push(f.name);
    } else {
      const cur = st.isFile() ? sha(fs.readFileSync(file)) : null;
      if (cur === next) out.same.push(f.name);
      else if (cur !== null && cur === known[f.name]) {
        writeAtomic(file, data);
        out.updated.push(f.name);
      } else {
        // edited by the student (or not a file any more): theirs stays, the teacher's goes beside it
        const beside = path.join(dir, f.name.replace(/(\.[^.]+)?$/, ".teacher$1"));
        fs.rmSync(beside, { force: true });
        writeAtomic(beside, data);
        out.kept.push(f.name);
      }
    }
    known[f.name] = next;
  }
  out.known = known;
  if (req.link) {
    const l = within(req.home, req.link.name);
    const st = fs.lstatSync(l, { throwIfNoEntry: false });
    if (!st) fs.symlinkSync(req.link.target, l);
  }
}

function put(req, out) {
  const dir = within(req.home, req.dir);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  out.written = [];
  for (const f of req.files) {
    if (!safeName(f.name)) throw new Error(`bad file name ${JSON.stringify(f.name)}`);
    const file = path.join(dir, f.name);
    fs.rmSync(file, { force: true });
    writeAtomic(file, Buffer.from(f.b64, "base64"));
    out.written.push(f.name);
  }
}

function read(req, out) {
  const dir = within(req.home, req.dir);
  out.files = [];
  if (!fs.existsSync(dir)) return;
  for (const name of fs.readdirSync(dir).sort()) {
    if (!name.endsWith(".ipynb") || name.includes(".teacher.") || !safeName(name)) continue;
    const file = path.join(dir, name);
    const data = readRegular(file);
    if (data === null || data.length > 50 * 2 ** 20) continue;
    out.files.push({ name, b64: data.toString("base64"), mtimeMs: fs.lstatSync(file).mtimeMs });
  }
}

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (d) => (input += d));
process.stdin.on("end", () => {
  process.umask(0o077);
  const out = {};
  try {
    const req = JSON.parse(input);
    req.home = path.resolve(req.home);
    ({ merge, put, read })[req.op](req, out);
    process.stdout.write(JSON.stringify(out));
  } catch (e) {
    process.stdout.write(JSON.stringify({ error: String((e && e.message) || e) }));
    process.exitCode = 1;
  }
});
