/**
 * Headless Chromium for the client tests (Debian's /usr/bin/chromium through playwright-core; never
 * downloaded) and pages whose requests leaving file:// (and the given local origins) are refused
 * and recorded, with their console errors collected.
 */
import type { Browser, Page } from "playwright-core";
import { launch } from "../site/browser";

/** The same headless Chromium as the site tests. */
export const launchChromium: () => Promise<Browser> = launch;

export interface WatchedPage {
  page: Page;
  /** console errors, page errors and failed local requests */
  errors: string[];
  /** requests refused because they left the machine */
  blocked: string[];
}

/** A fresh page; any request not to file://, data:, blob: or one of `origins` is refused and recorded. */
export async function watchedPage(browser: Browser, origins: string[] = [], viewport = { width: 1100, height: 900 }): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const errors: string[] = [];
  const blocked: string[] = [];
  const local = (u: string) => /^(file|data|blob):/.test(u) || origins.some((o) => u.startsWith(o));
  await context.route("**/*", (route) => {
    const u = route.request().url();
    if (local(u)) return route.continue();
    blocked.push(u);
    return route.abort("blockedbyclient");
  });
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => errors.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) => {
    if (local(r.url())) errors.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ""}`);
  });
  return { page, errors, blocked };
}
