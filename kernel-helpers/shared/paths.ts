/**
 * Path helpers shared by both rooms of kernel-helpers/ (what runs in a cell, and the command-line
 * tools): the project's root and short paths for messages.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { InputError } from "../../src/errors";

/**
 * The root of this project: the nearest folder above `from` holding the package.json of
 * `dl-lessons` (works from kernel-helpers/ under tsx and from dist/kernel-helpers/ once built).
 */
export function projectRoot(from: string = __dirname): string {
  let dir = path.resolve(from);
  for (;;) {
    const pkg = path.join(dir, "package.json");
    if (fs.existsSync(pkg) && path.basename(path.dirname(dir)) !== "node_modules") {
      try {
        if (JSON.parse(fs.readFileSync(pkg, "utf8")).name === "dl-lessons") return dir;
      } catch {
        // not JSON: keep climbing
      }
    }
    const up = path.dirname(dir);
    if (up === dir) throw new InputError("projectRoot", "from", "a folder inside the dl-lessons project", from);
    dir = up;
  }
}

/** The project's root (the folder of dl-lessons's package.json). */
export const PROJECT_ROOT: string = projectRoot();

/** A path relative to the working folder when it is inside it, else absolute. */
export function shortPath(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : p;
}
