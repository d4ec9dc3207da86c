/**
 * One sanitizer for HTML that comes from notebooks (markdown cells, text/html and text/markdown
 * outputs): DOMPurify running on a jsdom window. Used by the lesson site and by anything that
 * writes HTML from student content (the grader). It keeps what lessons need — KaTeX's HTML and
 * MathML, tables with inline styles, highlight.js spans, the library's trace HTML, images — and
 * removes scripts, event handlers, frames, objects, forms, <style>/<link>/<meta>/<base>, links that
 * are not http(s)/mailto/relative, images from another host, and style attributes that load
 * (`url(…)`, `@import`, `expression(…)`) or cover the page (`position: fixed`).
 *
 *   const { html, removed } = sanitizeHtml(studentHtml);
 *   removed   // ["<script>", "onerror on <img>", …]: what was taken out, for the build's problems
 */
import type createDOMPurifyType from "dompurify";
import type { Config, DOMPurify } from "dompurify";
import { InputError, describe } from "../../src/errors";

export interface SanitizeResult {
  /** the sanitized HTML */
  html: string;
  /** what was removed or changed, one short description each (empty when the input was safe) */
  removed: string[];
}

/** Elements that never survive, even where DOMPurify would keep them. */
const FORBID_TAGS = [
  "script", "style", "link", "meta", "base", "iframe", "frame", "frameset", "object", "embed", "applet", "portal",
  "form", "input", "button", "select", "option", "optgroup", "textarea", "noscript", "template",
  "audio", "video", "source", "track", "foreignobject",
];
/** Attributes that load or submit something, never needed by a lesson. */
const FORBID_ATTR = ["srcset", "action", "formaction", "ping", "background", "poster", "lowsrc", "dynsrc", "target"];

const CONFIG: Config = {
  USE_PROFILES: { html: true, svg: true, mathMl: true },
  // KaTeX's MathML wraps the formula in <semantics> with the TeX in an <annotation>
  ADD_TAGS: ["semantics", "annotation"],
  ADD_ATTR: ["encoding"],
  FORBID_TAGS,
  FORBID_ATTR,
  ALLOW_DATA_ATTR: false,
  ALLOW_UNKNOWN_PROTOCOLS: false,
  // a leading <script>, <style> or <meta> would otherwise be parsed into <head> and dropped unreported
  FORCE_BODY: true,
};

/** style values that fetch something, run something, or lay a layer over the page */
const BAD_STYLE = /url\s*\(|image-set\s*\(|@import|expression\s*\(|javascript:|behavior\s*:|-moz-binding|\\|position\s*:\s*(fixed|sticky)/i;
/** a link target a reader may follow: same page, relative path, http(s) or mailto */
const SAFE_HREF = /^(#|(https?|mailto):|(?![a-z][a-z0-9+.-]*:)(?!\/\/))/i;
/** an image source that stays on the site: a data: image or a relative path (no scheme, no //) */
const SAFE_IMG = /^(data:image\/(png|jpe?g|gif|webp|svg\+xml)[;,]|(?![a-z][a-z0-9+.-]*:)(?!\/\/)(?!\/)(?!\\))/i;

let purifier: DOMPurify | null = null;
let changes: string[] = [];

function tagOf(node: Element): string {
  return `<${node.nodeName.toLowerCase()}>`;
}

function makePurifier(): DOMPurify {
  // loaded on first use: jsdom takes a noticeable moment to load, and most commands never sanitize
  /* eslint-disable @typescript-eslint/no-require-imports */
  // typed here rather than with @types/jsdom: that package puts the DOM's globals into every
  // notebook's scope (tslab type-checks cells against every installed @types package)
  const { JSDOM } = require("jsdom") as { JSDOM: new (html: string) => { window: unknown } };
  const createDOMPurify = require("dompurify") as typeof createDOMPurifyType;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const window = new JSDOM("").window;
  const p = createDOMPurify(window as unknown as Parameters<typeof createDOMPurify>[0]);
  // set once: parsing the configuration on every call costs more than small inputs do
  p.setConfig(CONFIG);
  p.addHook("uponSanitizeAttribute", (node, data) => {
    const name = data.attrName;
    const value = data.attrValue.trim();
    if (name === "style" && BAD_STYLE.test(value)) {
      data.keepAttr = false;
      changes.push(`style="${value.slice(0, 60)}" on ${tagOf(node)}`);
    } else if (name === "href" || name === "xlink:href" || name === "src") {
      const el = node.nodeName.toLowerCase();
      const ok = el === "a" && name === "href" ? SAFE_HREF.test(value) : el === "img" && name === "src" ? SAFE_IMG.test(value) : value.startsWith("#");
      if (!ok) {
        data.keepAttr = false;
        changes.push(`${name}="${value.slice(0, 60)}" on ${tagOf(node)}`);
      }
    }
  });
  p.addHook("afterSanitizeAttributes", (node) => {
    // links to other sites open without a referrer and without a handle on this page
    if (node.nodeName.toLowerCase() === "a" && /^https?:/i.test(node.getAttribute("href") ?? "")) node.setAttribute("rel", "noopener noreferrer");
  });
  return p;
}

/**
 * Sanitize `html` from an untrusted source. Returns the safe HTML and what was removed (elements
 * as `<name>`, attributes as `name on <element>`), so a caller can report it rather than fix it
 * silently.
 */
export function sanitizeHtml(html: string): SanitizeResult {
  if (typeof html !== "string") throw new InputError("sanitizeHtml", "html", "a string of HTML", describe(html));
  if (html === "") return { html: "", removed: [] };
  purifier ??= makePurifier();
  changes = [];
  const clean = purifier.sanitize(html) as unknown as string;
  const removed = [...changes];
  for (const r of purifier.removed) {
    if ("element" in r && r.element) {
      const name = r.element.nodeName.toLowerCase();
      // text, comments and FORCE_BODY's own <remove> marker are not worth a report
      if (name !== "#text" && name !== "#comment" && name !== "remove") removed.push(`<${name}>`);
    } else if ("attribute" in r && r.attribute) {
      const a = r.attribute.name;
      const desc = `${a} on ${tagOf(r.from as Element)}`;
      if (!removed.some((x) => x.startsWith(`${a}=`) && x.endsWith(tagOf(r.from as Element)))) removed.push(desc);
    }
  }
  return { html: clean, removed: [...new Set(removed)] };
}
