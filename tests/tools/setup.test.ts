/**
 * kernel-helpers/tools/setup.ts without touching the system: the packages and their reasons, the
 * commands (apt-get update only when the lists are old, --no-install-recommends, sudo when not
 * root), the age of the package lists, and --no-system printing the command.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { APT_LISTS_MAX_AGE_S, DEBIAN_PACKAGES, aptListsAge, ensureSystem, installCommands, shellLine } from "../../kernel-helpers/tools/setup";

describe("set-up of the system packages", () => {
  test("three packages, each with its reason", () => {
    assert.deepEqual(DEBIAN_PACKAGES.map((p) => p.name), ["python3-nbclient", "jupyter-notebook", "jupyter-nbconvert"]);
    for (const p of DEBIAN_PACKAGES) assert.ok(p.why.length > 10, p.name);
  });

  test("commands: update only when the lists are missing or older than a day; --no-install-recommends; sudo when not root", () => {
    const fresh = installCommands(["a", "b"], true, 60);
    assert.equal(fresh.length, 1);
    assert.deepEqual(fresh[0].slice(-5), ["install", "-y", "--no-install-recommends", "a", "b"]);
    assert.notEqual(fresh[0][0], "sudo");
    const old = installCommands(["a"], false, APT_LISTS_MAX_AGE_S + 1);
    assert.deepEqual(old[0], ["sudo", "apt-get", "update"]);
    assert.equal(old[1][0], "sudo");
    assert.deepEqual(installCommands(["a"], true, null)[0], ["apt-get", "update"]);
    assert.equal(shellLine(["env", "DEBIAN_FRONTEND=noninteractive", "it's"]), "env DEBIAN_FRONTEND=noninteractive 'it'\\''s'");
  });

  test("aptListsAge: the newest list file; null without lists", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dl-lists-"));
    try {
      assert.equal(aptListsAge(dir), null);
      const f = path.join(dir, "deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4");
      fs.writeFileSync(f, "");
      const t = Date.now() / 1000 - 3 * 24 * 3600;
      fs.utimesSync(f, t, t);
      const age = aptListsAge(dir) as number;
      assert.ok(Math.abs(age - 3 * 24 * 3600) < 60, String(age));
      assert.equal(aptListsAge(path.join(dir, "missing")), null);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("ensureSystem: one line per step; with --no-system it never runs apt-get", () => {
    const lines: string[] = [];
    const py = ensureSystem({ noSystem: true, log: (l) => lines.push(l) });
    assert.ok(py.length > 0);
    assert.ok(lines.length >= 1 && lines.every((l) => !l.includes("\n") || l.startsWith("    ")), lines.join("|"));
    assert.ok(!lines.some((l) => /^• apt-get (update|install)/.test(l)), "nothing installed");
  });
});
