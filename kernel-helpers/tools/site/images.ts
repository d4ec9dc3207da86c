/**
 * Images of the site. A markdown image is a cell attachment or a file inside the one folder the
 * site builder was given for that notebook (by default the notebook's own folder; never a folder
 * named by the notebook): no absolute path, no `..`, no symbolic link that leads out, no other
 * scheme than data:image. Anything else is refused and reported by name, never copied.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { esc } from "../../shared/text";
import type { PageContext } from "./notebook";

export const MIME_EXT: Record<string, string> = { "image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/svg+xml": "svg", "image/webp": "webp" };
const FILE_EXT = new Set(["png", "jpg", "jpeg", "gif", "svg", "webp"]);
/** larger files are refused: a lesson figure is far smaller */
const MAX_IMAGE_BYTES = 20 * 1024 * 1024;

/** Put `content` into img/ of the site; returns its site-relative path. */
export function addImage(ctx: PageContext, content: Buffer, ext: string): string {
  const rel = `img/${ctx.imagePrefix}-${++ctx.images}.${ext}`;
  ctx.files.set(rel, content);
  return rel;
}

function refuse(ctx: PageContext, href: string, why: string): null {
  ctx.refused.push(`${ctx.where}: image "${href.slice(0, 120)}" refused: ${why}`);
  return null;
}

/** `child` is `root` or lies below it (both already resolved). */
const inside = (root: string, child: string): boolean => child === root || child.startsWith(root.endsWith(path.sep) ? root : root + path.sep);

/**
 * The site path of a markdown image, or null (reported in `ctx.refused`) when it is not allowed or
 * not found.
 */
export function imageSource(href: string, ctx: PageContext): string | null {
  if (href.startsWith("attachment:")) {
    const bundle = ctx.attachments[href.slice("attachment:".length)];
    const mime = bundle && Object.keys(bundle).find((m) => MIME_EXT[m] && typeof bundle[m] === "string");
    if (!bundle || !mime) return refuse(ctx, href, "not among the cell's attachments");
    const raw = bundle[mime];
    return addImage(ctx, mime === "image/svg+xml" ? Buffer.from(raw) : Buffer.from(raw, "base64"), MIME_EXT[mime]);
  }
  if (/^data:image\/(png|jpeg|gif|webp|svg\+xml)[;,]/i.test(href)) return href;
  if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith("//")) return refuse(ctx, href, "not a file of the notebook's folder (another site or scheme)");
  let rel: string;
  try {
    rel = decodeURIComponent(href.replace(/[?#].*$/, ""));
  } catch {
    return refuse(ctx, href, "not a valid path");
  }
  if (rel === "" || rel.includes("\0")) return refuse(ctx, href, "not a valid path");
  if (path.isAbsolute(rel) || /^[\\/]/.test(rel) || /^[a-z]:/i.test(rel)) return refuse(ctx, href, "absolute path (only files inside the notebook's folder)");
  if (rel.split(/[\\/]/).includes("..")) return refuse(ctx, href, "'..' leads out of the notebook's folder");
  const ext = path.extname(rel).slice(1).toLowerCase();
  if (!FILE_EXT.has(ext)) return refuse(ctx, href, `not an image file (.${ext || "?"}; allowed: ${[...FILE_EXT].join(", ")})`);
  let root: string;
  let real: string;
  try {
    root = fs.realpathSync(ctx.imageDir);
    real = fs.realpathSync(path.resolve(root, rel));
  } catch {
    return refuse(ctx, href, "not found in the notebook's folder");
  }
  // a symbolic link (of the file or of a folder on the way) that leads out of the folder
  if (!inside(root, real)) return refuse(ctx, href, "a symbolic link that leads out of the notebook's folder");
  const stat = fs.statSync(real);
  if (!stat.isFile()) return refuse(ctx, href, "not a file");
  if (stat.size > MAX_IMAGE_BYTES) return refuse(ctx, href, `larger than ${MAX_IMAGE_BYTES / 1024 / 1024} MB`);
  return addImage(ctx, fs.readFileSync(real), ext === "jpeg" ? "jpg" : ext);
}

/** Width and height stored in a PNG's header. */
function pngSize(png: Buffer): { width: number; height: number } | null {
  if (png.length < 24 || png.readUInt32BE(12) !== 0x49484452) return null; // "IHDR"
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** An output image (PNG, JPEG, GIF or SVG data of a display bundle) as an <img> of a file in img/. */
export function imageTag(data: string, mime: string, meta: Record<string, unknown>, alt: string, ctx: PageContext, cls: string): string {
  const buf = mime === "image/svg+xml" ? Buffer.from(data) : Buffer.from(data.replace(/\s+/g, ""), "base64");
  const src = addImage(ctx, buf, MIME_EXT[mime]);
  const m = (meta[mime] ?? {}) as { width?: unknown; height?: unknown };
  const dim = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) && v > 0 ? Math.round(v) : null);
  let size = "";
  const w = dim(m.width);
  const h = dim(m.height);
  if (w !== null) size = ` width="${w}"${h !== null ? ` height="${h}"` : ""}`;
  else if (mime === "image/png") {
    const s = pngSize(buf);
    // charts are rendered at twice their size for sharp screens: show them at their CSS size
    if (s && cls === "chart-fallback" && s.width > 0) size = ` width="${Math.round(s.width / 2)}"`;
  }
  return `<img class="${cls}" src="${src}" alt="${esc(alt)}"${size} decoding="async">`;
}
