/**
 * JupyterHub for the class (Debian's jupyterhub + configurable-http-proxy): the
 * jupyterhub_config.py, starting it in the background as root, stopping it, its status.
 *
 * Per-student limits: the spawner (LocalProcessSpawner, each server runs as its student) puts the
 * server's process — and so every kernel it starts — into a cgroup of its own: cgroup v2
 * (memory.max, cpu.max) or v1 (memory.limit_in_bytes, cpu.cfs_quota_us) under dl-lessons/<user>.
 * Where no cgroup is writable it falls back to prlimit (processes and open files) and the
 * kernel's own heap limit (the kernelspec's --max-old-space-size, its watchdog restarts it).
 * Culling: idle kernels (MappingKernelManager.cull_idle_timeout) and idle servers
 * (NotebookApp.shutdown_no_activity_timeout) stop themselves; no extra service is needed.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { type ClassConfig } from "./class";

/** Debian packages the class needs, and why (installed with --no-install-recommends by `start`). */
export const CLASS_PACKAGES = [
  { name: "jupyterhub", why: "the multi-user hub: PAM logins, one notebook server per student" },
  { name: "node-configurable-http-proxy", why: "the hub's HTTP proxy in front of the students' servers" },
  { name: "jupyter-notebook", why: "each student's notebook server (jupyterhub-singleuser)" },
];

const py = (v: unknown) => JSON.stringify(v);

/** The jupyterhub_config.py of a class. */
export function hubConfig(c: ClassConfig): string {
  const hook = [process.execPath, "--import", "tsx", path.join(c.kit, "kernel-helpers", "tools", "classroom", "index.ts"), "sync", "--state", c.state];
  return `# written by npm run classroom -- start; edit class.json and restart instead
import asyncio, json, os, subprocess
from jupyterhub.spawner import LocalProcessSpawner

STATE = ${py(c.state)}
CLASS = json.load(open(os.path.join(STATE, "class.json")))
MEMORY = CLASS["memoryMb"] * 2**20
CPUS = CLASS["cpus"]

def _write(path, value):
    with open(path, "w") as f:
        f.write(str(value))

def limit(user, pid):
    """The server (and its future kernels) into a cgroup of its own; prlimit where none is writable."""
    try:
        if os.path.exists("/sys/fs/cgroup/cgroup.controllers"):
            d = f"/sys/fs/cgroup/dl-lessons/{user}"
            os.makedirs(d, exist_ok=True)
            try:
                _write("/sys/fs/cgroup/dl-lessons/cgroup.subtree_control", "+memory +cpu")
            except OSError:
                pass
            _write(f"{d}/memory.max", MEMORY)
            _write(f"{d}/cpu.max", f"{int(CPUS * 100000)} 100000")
            _write(f"{d}/cgroup.procs", pid)
            return "cgroup v2"
        if os.access("/sys/fs/cgroup/memory", os.W_OK):
            m = f"/sys/fs/cgroup/memory/dl-lessons/{user}"
            os.makedirs(m, exist_ok=True)
            _write(f"{m}/memory.limit_in_bytes", MEMORY)
            _write(f"{m}/cgroup.procs", pid)
            c = f"/sys/fs/cgroup/cpu/dl-lessons/{user}"
            if os.access("/sys/fs/cgroup/cpu", os.W_OK):
                os.makedirs(c, exist_ok=True)
                _write(f"{c}/cpu.cfs_period_us", 100000)
                _write(f"{c}/cpu.cfs_quota_us", int(CPUS * 100000))
                _write(f"{c}/cgroup.procs", pid)
            return "cgroup v1"
    except OSError as e:
        print(f"classroom: no cgroup for {user} ({e}); prlimit instead", flush=True)
    subprocess.run(["prlimit", f"--pid={pid}", "--nproc=256", "--nofile=4096"], check=False)
    return "prlimit"

class ClassSpawner(LocalProcessSpawner):
    async def start(self):
        r = await super().start()
        how = limit(self.user.name, self.pid)
        self.log.info("classroom: %s limited by %s", self.user.name, how)
        return r

async def sync_lessons(spawner):
    p = await asyncio.create_subprocess_exec(*${py(hook)}, spawner.user.name, cwd=${py(c.kit)})
    if await p.wait() != 0:
        raise RuntimeError(f"classroom: copying the lessons to {spawner.user.name} failed")

c.JupyterHub.ip = CLASS["ip"]
c.JupyterHub.port = CLASS["port"]
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = CLASS["hubPort"]
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{CLASS['apiPort']}"
c.ConfigurableHTTPProxy.pid_file = os.path.join(STATE, "proxy.pid")
c.JupyterHub.cookie_secret_file = os.path.join(STATE, "jupyterhub_cookie_secret")
c.JupyterHub.db_url = "sqlite:///" + os.path.join(STATE, "jupyterhub.sqlite")
c.JupyterHub.pid_file = os.path.join(STATE, "hub.pid")
c.JupyterHub.cleanup_servers = True
c.JupyterHub.services = [{"name": "classroom", "api_token": CLASS["serviceToken"], "admin": True}]
c.Authenticator.allowed_users = set(CLASS["students"]) | {CLASS["teacher"]}
c.Authenticator.admin_users = {CLASS["teacher"]}
c.JupyterHub.spawner_class = ClassSpawner
c.Spawner.pre_spawn_hook = sync_lessons
c.Spawner.environment = {"JUPYTER_PATH": os.path.dirname(os.path.dirname(CLASS["kernelDir"]))}
c.Spawner.notebook_dir = "~"
c.Spawner.default_url = "/tree/lessons"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 90
c.Spawner.args = [
    "--MappingKernelManager.default_kernel_name=dl-lessons",
    f"--MappingKernelManager.cull_idle_timeout={CLASS['cullKernelS']}",
    "--MappingKernelManager.cull_interval=60",
    "--MappingKernelManager.cull_connected=True",
    f"--NotebookApp.shutdown_no_activity_timeout={CLASS['cullServerS']}",
]
`;
}

const pidOf = (file: string): number | null => {
  try {
    const pid = Number(fs.readFileSync(file, "utf8").trim());
    return pid > 0 && alive(pid) ? pid : null;
  } catch {
    return null;
  }
};

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export const hubPid = (c: ClassConfig) => pidOf(path.join(c.state, "hub.pid"));
export const hubUrl = (c: ClassConfig) => `http://${c.ip === "0.0.0.0" ? "127.0.0.1" : c.ip}:${c.port}`;

/** Start the hub in the background; resolves when /hub/health answers. Its output goes to <state>/hub.log. */
export async function startHub(c: ClassConfig, timeoutMs = 90_000): Promise<number> {
  if (hubPid(c)) throw new Error(`classroom: the hub already runs (pid ${hubPid(c)}); npm run classroom -- stop first`);
  const conf = path.join(c.state, "jupyterhub_config.py");
  fs.writeFileSync(conf, hubConfig(c), { mode: 0o600 });
  const log = fs.openSync(path.join(c.state, "hub.log"), "a");
  const env = { ...process.env, NODE_PATH: [process.env.NODE_PATH, "/usr/share/nodejs"].filter(Boolean).join(":"), PATH: `${path.dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin` };
  const child = spawn("jupyterhub", ["-f", conf], { cwd: c.state, env, stdio: ["ignore", log, log], detached: true });
  fs.closeSync(log);
  child.unref();
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    if (child.exitCode !== null) break;
    try {
      const r = await fetch(`${hubUrl(c)}/hub/health`);
      if (r.ok) return child.pid as number;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  try {
    process.kill(-(child.pid as number), "SIGTERM");
  } catch {
    // gone
  }
  const tail = fs.readFileSync(path.join(c.state, "hub.log"), "utf8").split("\n").slice(-15).join("\n");
  throw new Error(`classroom: the hub did not come up on ${hubUrl(c)}; end of ${path.join(c.state, "hub.log")}:\n${tail}`);
}

/** Stop the hub (it stops the students' servers and the proxy), then whatever of the class still runs. */
export async function stopHub(c: ClassConfig): Promise<boolean> {
  const pid = hubPid(c);
  if (pid) {
    process.kill(pid, "SIGTERM");
    for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 200));
    if (alive(pid)) process.kill(pid, "SIGKILL");
  }
  const proxy = pidOf(path.join(c.state, "proxy.pid"));
  if (proxy) process.kill(proxy, "SIGTERM");
  const users = [...c.students, c.teacher];
  for (const u of users) spawnSync("pkill", ["-TERM", "-u", u], { stdio: "ignore" });
  for (let i = 0; i < 50 && users.some((u) => spawnSync("pgrep", ["-u", u], { stdio: "ignore" }).status === 0); i++) await new Promise((r) => setTimeout(r, 200));
  for (const u of users) spawnSync("pkill", ["-KILL", "-u", u], { stdio: "ignore" });
  removeCgroups(users);
  return pid !== null;
}

/** The cgroups of the class's limits (v2, or v1 memory and cpu), once their processes are gone. */
export const cgroupDirs = (user: string): string[] =>
  ["/sys/fs/cgroup/dl-lessons", "/sys/fs/cgroup/memory/dl-lessons", "/sys/fs/cgroup/cpu/dl-lessons"].map((d) => path.join(d, user));

export function removeCgroups(users: readonly string[]): void {
  for (const u of users) {
    for (const d of cgroupDirs(u)) {
      for (let i = 0; i < 10 && fs.existsSync(d); i++) {
        try {
          fs.rmdirSync(d);
        } catch {
          spawnSync("sleep", ["0.2"]);
        }
      }
    }
  }
  for (const d of cgroupDirs("")) {
    try {
      if (fs.existsSync(d) && fs.readdirSync(d).every((f) => !fs.statSync(path.join(d, f)).isDirectory())) fs.rmdirSync(d);
    } catch {
      // still in use by another class
    }
  }
}

/** Who runs: the hub, and per user the server's processes and their memory (RSS, MB). */
export function classStatus(c: ClassConfig): { hub: number | null; users: { name: string; processes: number; rssMb: number }[] } {
  const users = [...c.students, c.teacher].map((name) => {
    const r = spawnSync("ps", ["-u", name, "-o", "rss="], { encoding: "utf8" });
    const rss = (r.stdout ?? "").split("\n").filter((l) => l.trim() !== "").map(Number);
    return { name, processes: rss.length, rssMb: Math.round(rss.reduce((a, b) => a + b, 0) / 1024) };
  });
  return { hub: hubPid(c), users };
}

/** Tell the running hub about a new user (hub REST API with the classroom service's token). */
export async function addUserToHub(c: ClassConfig, name: string): Promise<void> {
  const r = await fetch(`${hubUrl(c)}/hub/api/users/${name}`, { method: "POST", headers: { Authorization: `token ${c.serviceToken}` }, body: "{}" });
  if (!r.ok && r.status !== 409) throw new Error(`classroom: the hub refused to add ${name}: ${r.status} ${await r.text()}`);
}
