/**
 * A simulated student, the way a browser does it: the hub's login form (PAM), an API token of
 * their own, their server spawned, a notebook's kernel started through /api/sessions (so that it
 * runs in the notebook's folder), and the cells run over the kernel's websocket.
 */
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import WebSocket from "ws";

export interface CellRun {
  index: number;
  ok: boolean;
  /** text of stream / text/plain outputs, and the error if any */
  text: string;
  error?: string;
  outputs: number;
}

export class HubStudent {
  private cookies = new Map<string, string>();
  token = "";
  constructor(readonly hub: string, readonly name: string) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  private keep(r: Response): void {
    for (const c of (r.headers as unknown as { getSetCookie(): string[] }).getSetCookie()) {
      const [kv] = c.split(";");
      const i = kv.indexOf("=");
      this.cookies.set(kv.slice(0, i).trim(), kv.slice(i + 1).trim());
    }
  }

  /** The real login form: GET it (xsrf cookie if the hub sets one), POST username and password. */
  async login(password: string): Promise<void> {
    const page = await fetch(`${this.hub}/hub/login`, { redirect: "manual" });
    this.keep(page);
    const html = await page.text();
    const xsrf = /name="_xsrf" value="([^"]+)"/.exec(html)?.[1];
    const body = new URLSearchParams({ username: this.name, password, ...(xsrf ? { _xsrf: xsrf } : {}) });
    const r = await fetch(`${this.hub}/hub/login`, {
      method: "POST", redirect: "manual", body,
      headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: this.cookieHeader(), Referer: `${this.hub}/hub/login` },
    });
    this.keep(r);
    if (r.status !== 302 || ![...this.cookies.keys()].some((k) => k.startsWith("jupyterhub-session") || k === "jupyterhub-hub-login")) {
      throw new Error(`${this.name}: login refused (${r.status})`);
    }
    const t = await fetch(`${this.hub}/hub/api/users/${this.name}/tokens`, {
      method: "POST", body: JSON.stringify({ note: "classroom client", expires_in: 3600 }),
      headers: { Cookie: this.cookieHeader(), Referer: `${this.hub}/hub/home`, "Content-Type": "application/json", ...(this.cookies.get("_xsrf") ? { "X-XSRFToken": this.cookies.get("_xsrf") as string } : {}) },
    });
    if (!t.ok) throw new Error(`${this.name}: no API token (${t.status} ${await t.text()})`);
    this.token = (await t.json()).token;
  }

  async api(path: string, init: RequestInit = {}): Promise<Response> {
    return fetch(`${this.hub}${path}`, { ...init, headers: { Authorization: `token ${this.token}`, "Content-Type": "application/json", ...(init.headers ?? {}) } });
  }

  /** Spawn the server and wait until the hub says it is ready; resolves with seconds taken. */
  async spawn(timeoutMs = 180_000): Promise<number> {
    const t0 = performance.now();
    const r = await this.api(`/hub/api/users/${this.name}/server`, { method: "POST", body: "{}" });
    if (![201, 202, 400].includes(r.status)) throw new Error(`${this.name}: spawn refused (${r.status} ${await r.text()})`);
    while (performance.now() - t0 < timeoutMs) {
      const u = await (await this.api(`/hub/api/users/${this.name}`)).json();
      const s = u.servers?.[""];
      if (s?.ready) return (performance.now() - t0) / 1000;
      if (!s && performance.now() - t0 > 5000) throw new Error(`${this.name}: the server failed to start (see the hub log)`);
      await new Promise((res) => setTimeout(res, 300));
    }
    throw new Error(`${this.name}: server not ready after ${timeoutMs / 1000} s`);
  }

  /** A kernel for the notebook at `nbPath` (relative to the home) through /api/sessions. */
  async openSession(nbPath: string): Promise<string> {
    const r = await this.api(`/user/${this.name}/api/sessions`, { method: "POST", body: JSON.stringify({ path: nbPath, type: "notebook", name: "", kernel: { name: "dl-lessons" } }) });
    if (!r.ok) throw new Error(`${this.name}: /api/sessions refused (${r.status} ${await r.text()})`);
    return (await r.json()).kernel.id;
  }

  /** GET a file of the home through the contents API (null when it does not exist / is refused). */
  async contents(p: string): Promise<any | null> {
    const r = await this.api(`/user/${this.name}/api/contents/${p}`);
    return r.ok ? r.json() : null;
  }

  async stop(): Promise<void> {
    await this.api(`/hub/api/users/${this.name}/server`, { method: "DELETE" }).catch(() => undefined);
  }

  /** Run the code cells of a notebook file (or the given sources) in the kernel `kernelId`. */
  async runCells(kernelId: string, sources: string[], cellTimeoutMs = 120_000): Promise<CellRun[]> {
    const wsUrl = `${this.hub.replace(/^http/, "ws")}/user/${this.name}/api/kernels/${kernelId}/channels`;
    const ws = new WebSocket(wsUrl, { headers: { Authorization: `token ${this.token}` } });
    const session = randomUUID();
    const waiting = new Map<string, (m: any) => void>();
    ws.on("message", (raw: Buffer) => {
      const m = JSON.parse(raw.toString());
      waiting.get(m.parent_header?.msg_id)?.(m);
    });
    await new Promise<void>((res, rej) => {
      ws.once("open", () => res());
      ws.once("error", rej);
    });
    const send = (msg_type: string, content: object, onMsg: (m: any) => boolean, timeoutMs: number): Promise<void> => {
      const msg_id = randomUUID();
      return new Promise<void>((res, rej) => {
        const timer = setTimeout(() => rej(new Error(`${this.name}: no answer to ${msg_type} in ${timeoutMs / 1000} s`)), timeoutMs);
        waiting.set(msg_id, (m) => {
          if (onMsg(m)) {
            clearTimeout(timer);
            waiting.delete(msg_id);
            res();
          }
        });
        ws.send(JSON.stringify({ header: { msg_id, msg_type, username: this.name, session, version: "5.3", date: new Date().toISOString() }, parent_header: {}, metadata: {}, content, channel: "shell" }));
      });
    };
    try {
      // the kernel answers kernel_info once it is up: before that, execute requests may be lost
      const t0 = performance.now();
      for (;;) {
        try {
          await send("kernel_info_request", {}, (m) => m.msg_type === "kernel_info_reply", 5000);
          break;
        } catch (e) {
          if (performance.now() - t0 > 90_000) throw e;
        }
      }
      const runs: CellRun[] = [];
      for (const [index, code] of sources.entries()) {
        const run: CellRun = { index, ok: true, text: "", outputs: 0 };
        let replied = false;
        let idle = false;
        await send("execute_request", { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: false }, (m) => {
          const c = m.content ?? {};
          if (m.msg_type === "stream") (run.text += c.text), run.outputs++;
          else if (m.msg_type === "execute_result" || m.msg_type === "display_data") (run.text += c.data?.["text/plain"] ?? ""), run.outputs++;
          else if (m.msg_type === "error") (run.ok = false), (run.error = `${c.ename}: ${c.evalue}`), run.outputs++;
          else if (m.msg_type === "execute_reply") (replied = true), c.status !== "ok" && ((run.ok = false), (run.error ??= `${c.ename}: ${c.evalue}`));
          else if (m.msg_type === "status" && c.execution_state === "idle") idle = true;
          return replied && idle;
        }, cellTimeoutMs);
        runs.push(run);
      }
      return runs;
    } finally {
      ws.close();
    }
  }
}

/** The code cells of a notebook file, as sources. */
export function codeCells(file: string): string[] {
  const nb = JSON.parse(fs.readFileSync(file, "utf8"));
  return nb.cells.filter((c: any) => c.cell_type === "code").map((c: any) => (Array.isArray(c.source) ? c.source.join("") : c.source));
}
