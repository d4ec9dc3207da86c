/**
 * `npm run classroom -- <subcommand>`: a class on one machine with JupyterHub (run as root).
 *
 *   start <roster.csv> [--teacher NAME] [--ip 127.0.0.1] [--port 8000] [--memory-mb 3072] [--cpus 1]
 *                      [--cull-kernel-s 1200] [--cull-server-s 3600] [--runtime DIR] [--no-install]
 *   stop [--reopen: give notebooks/assignments and .git their modes back] | status | add-student NAME [--password P]
 *   release A2 | collect A2 [--deadline 2026-12-08T12:00Z] | grade A2 | return A2
 *   loadtest [--students 10] [--lesson 01] [--timeout-s 900] [--memory-mb 3072]    (./loadtest.ts)
 *   image-root <dir>       the Docker build context of the class image (./image.ts, ./k8s/)
 *   every subcommand takes --state DIR (default /var/lib/dl-lessons-classroom)
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../shared/paths";
import { DEFAULT_STATE, readClass, restoreClosed } from "./class";
import { collect, grade, release, returnFeedback, syncLessons } from "./homes";
import { classStatus, hubUrl, stopHub } from "./hub";

import { addStudent, parseArgs, startClass, str } from "./commands";

export { addStudent, parseArgs, startClass } from "./commands";

export async function main(argv: readonly string[]): Promise<number> {
  const { pos, flags } = parseArgs(argv);
  const [cmd, arg] = pos;
  const state = path.resolve(str(flags, "state", DEFAULT_STATE));
  switch (cmd) {
    case "start":
      if (!arg) throw new Error("usage: npm run classroom -- start <roster.csv> [options]");
      await startClass(arg, flags);
      return 0;
    case "stop": {
      const c = readClass(state);
      console.log((await stopHub(c)) ? "• hub stopped" : "• the hub was not running");
      if (flags.reopen) {
        restoreClosed(c.closed);
        console.log(`• reopened: ${c.closed.map((d) => d.dir).join(", ")}`);
      }
      return 0;
    }
    case "status": {
      const s = classStatus(readClass(state));
      console.log(s.hub ? `• hub running (pid ${s.hub}) on ${hubUrl(readClass(state))}` : "• hub not running");
      for (const u of s.users) console.log(`    ${u.name.padEnd(20)} ${u.processes} processes, ${u.rssMb} MB`);
      return s.hub ? 0 : 3;
    }
    case "add-student":
      if (!arg) throw new Error("usage: npm run classroom -- add-student NAME [--password P]");
      await addStudent(state, arg, typeof flags.password === "string" ? flags.password : undefined);
      return 0;
    case "sync": {
      const r = await syncLessons(readClass(state), arg);
      console.log(`• ${arg}: lessons added ${r.added.length}, updated ${r.updated.length}, kept (teacher's beside) ${r.kept.length}`);
      return 0;
    }
    case "release":
      await release(state, arg);
      return 0;
    case "collect": {
      const d = typeof flags.deadline === "string" ? new Date(flags.deadline) : undefined;
      if (d && Number.isNaN(d.getTime())) throw new Error(`classroom: --deadline wants an ISO date, got ${flags.deadline}`);
      await collect(state, arg, d);
      return 0;
    }
    case "grade":
      console.log(`• reports in ${grade(state, arg, undefined, flags["no-sandbox"] ? ["--no-sandbox"] : [])}`);
      return 0;
    case "return":
      await returnFeedback(state, arg);
      return 0;
    case "image-root": {
      if (!arg) throw new Error("usage: npm run classroom -- image-root <dir>");
      const { imageRoot } = await import("./image");
      const r = imageRoot(PROJECT_ROOT, path.resolve(arg));
      console.log(`• image build context in ${arg} (runtime ${r.runtime}, kernelspec ${r.kernelDir}); docker build -t dl-lessons-class ${arg}`);
      return 0;
    }
    case "loadtest": {
      const { loadtestMain } = await import("./loadtest");
      return loadtestMain(flags);
    }
    default:
      console.error(fs.readFileSync(__filename, "utf8").split("*/")[0]);
      return 2;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e) => {
      console.error(e instanceof Error ? e.message : String(e));
      process.exitCode = 1;
    },
  );
}
