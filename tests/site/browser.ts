/**
 * Helpers for the site's browser tests: a static server for a built site on 127.0.0.1 and Debian's
 * headless Chromium (playwright-core) whose pages record every request, console error and page
 * error. Requests that leave the site are recorded and aborted.
 */
import * as fs from "node:fs";
import * as http from "node:http";
import * as path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript", ".png": "image/png", ".jpg": "image/jpeg",
  ".svg": "image/svg+xml", ".woff2": "font/woff2", ".woff": "font/woff", ".ttf": "font/ttf", ".json": "application/json",
};

export interface Served {
  base: string;
  close(): Promise<void>;
}

/** Serve `dir` on a free port of 127.0.0.1 (404 outside it). */
export async function serve(dir: string): Promise<Served> {
  const root = path.resolve(dir);
  const server = http.createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname).replace(/^\/+/, "") || "index.html";
    const file = path.resolve(root, rel);
    if (!file.startsWith(root + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream" });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
  return { base, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--headless", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

export interface Recorded {
  page: Page;
  /** every URL the page asked for, in order */
  requests: string[];
  /** requests to anything but `base` (and data:), aborted */
  offsite: string[];
  /** console errors, page errors, failed requests and HTTP errors of the site */
  errors: string[];
  close(): Promise<void>;
}

/** A fresh page at `width`×900 that records what it loads; `base` is the site's http:// or file:// folder URL. */
export async function openPage(browser: Browser, base: string, width = 1280): Promise<Recorded> {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  const page = await context.newPage();
  const requests: string[] = [];
  const offsite: string[] = [];
  const errors: string[] = [];
  await context.route("**/*", (route) => {
    const u = route.request().url();
    requests.push(u);
    if (u.startsWith(base) || u.startsWith("data:")) return route.continue();
    offsite.push(u);
    return route.abort("blockedbyclient");
  });
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => errors.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) => {
    if (r.url().startsWith(base)) errors.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ""}`);
  });
  page.on("response", (r) => {
    if (r.status() >= 400) errors.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  return { page, requests, offsite, errors, close: () => context.close() };
}
