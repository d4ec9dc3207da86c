/**
 * Vega-Lite → SVG → PNG on the server, so that charts survive where no JavaScript runs
 * (exported HTML, Notebook 6, GitHub): nbconvert drops image/svg+xml, so PNG is what static
 * pages show.
 *
 * The path, synchronous because show() in a tslab cell is called without await:
 *   1. vega-lite `compile` turns the Vega-Lite spec into a Vega spec (its warnings collected);
 *   2. `new vega.View(vega.parse(vgSpec), { renderer: "none" })` and `view.run()`: with inline data
 *      no operator waits for anything, so the dataflow, including the autosize re-run, completes
 *      before run() returns;
 *   3. vega's headless `SVGStringRenderer` draws the scenegraph (what `view.toSVG()` does after
 *      awaiting, without the await), with the same padding and origin;
 *   4. @resvg/resvg-js rasterises the SVG to PNG.
 * Specs that load data from URLs cannot finish synchronously: the sync functions say so, and the
 * async twins (`renderSvgAsync`, `renderPngAsync`) cover them.
 *
 * Text: without node-canvas vega guesses a text width as 0.8 × font size per character, which
 * leaves wide gaps and cuts labels early. Here the widths come from the font file that resvg
 * draws with (the advance widths of its glyphs, read from the TrueType tables), so layout and
 * pixels agree. Liberation Sans (metrics of Arial, the usual browser sans-serif) is preferred,
 * then DejaVu Sans; the spec is never changed.
 */
import * as fs from "fs";
import type { View, Spec as VegaSpec } from "vega";
import type { TopLevelSpec } from "vega-lite";
import { describe, InputError } from "../src/errors";

type VegaModule = typeof import("vega");
type VegaLiteModule = typeof import("vega-lite");
type ResvgModule = typeof import("@resvg/resvg-js");

// vega, vega-lite and resvg load on first use: a notebook that never draws does not pay for them
let vegaMod: VegaModule | undefined;
let vlMod: VegaLiteModule | undefined;
let resvgMod: ResvgModule | undefined;
const vega = (): VegaModule => (vegaMod ??= require("vega") as VegaModule);
const vl = (): VegaLiteModule => (vlMod ??= require("vega-lite") as VegaLiteModule);
const resvg = (): ResvgModule => (resvgMod ??= require("@resvg/resvg-js") as ResvgModule);

export interface RenderOptions {
  /** Pixel density of the PNG: 2 draws a 420-pixel-wide chart 840 pixels wide. Default: 2. */
  scale?: number;
  /** Called with each warning of vega-lite's compiler and of the vega runtime. Default: ignore them. */
  onWarning?: (message: string) => void;
}

export interface RenderedPng {
  png: Buffer;
  /** Size of the PNG in pixels (the SVG size × scale). */
  width: number;
  height: number;
}

// ------------------------------------------------------------------ compile

/** True for a Vega (not Vega-Lite) spec: its $schema names vega/vN. */
function isVegaSpec(spec: Record<string, unknown>): boolean {
  return typeof spec.$schema === "string" && /\/schema\/vega\/v\d/.test(spec.$schema);
}

function collector(onWarning?: (m: string) => void) {
  const warnings: string[] = [];
  const errors: Error[] = [];
  let level = 2;
  const push = (args: readonly unknown[]) => {
    const m = args.map((a) => (a instanceof Error ? a.message : typeof a === "string" ? a : JSON.stringify(a))).join(" ");
    warnings.push(m);
    onWarning?.(m);
  };
  // vega-util's LoggerInterface: chainable, with a numeric level
  const logger = {
    level(l?: number) {
      if (l === undefined) return level as never;
      level = l;
      return logger as never;
    },
    error(...args: readonly unknown[]) {
      // recorded, not thrown: vega reports from inside its dataflow, whose promise nobody awaits
      errors.push(args[0] instanceof Error ? args[0] : new Error(args.map(String).join(" ")));
      return logger;
    },
    warn(...args: readonly unknown[]) {
      push(args);
      return logger;
    },
    info() {
      return logger;
    },
    debug() {
      return logger;
    },
  };
  return { warnings, errors, logger };
}

/**
 * Compile a Vega-Lite spec to Vega and collect the compiler's warnings (a Vega spec passes
 * through unchanged).
 */
export function compileVegaLite(spec: unknown, options: Pick<RenderOptions, "onWarning"> = {}): { vega: VegaSpec; warnings: string[] } {
  return compileFor("compileVegaLite", spec, options.onWarning);
}

function compileFor(fn: string, spec: unknown, onWarning?: (m: string) => void): { vega: VegaSpec; warnings: string[] } {
  if (spec === null || typeof spec !== "object" || Array.isArray(spec)) {
    throw new InputError(fn, "spec", "a Vega-Lite spec (an object with $schema)", describe(spec));
  }
  if (isVegaSpec(spec as Record<string, unknown>)) return { vega: spec as VegaSpec, warnings: [] };
  const { warnings, errors, logger } = collector(onWarning);
  const out = vl().compile(spec as TopLevelSpec, { logger: logger as never });
  if (errors.length) throw errors[0];
  return { vega: out.spec as VegaSpec, warnings };
}

// ------------------------------------------------------------------ fonts and text widths

interface FontFace {
  file: string;
  unitsPerEm: number;
  /** advance width in font units, or null when the font has no glyph for the code point */
  advance: (codePoint: number) => number | null;
}

const FONT_DIRS = ["/usr/share/fonts/truetype/liberation", "/usr/share/fonts/truetype/liberation2", "/usr/share/fonts/truetype/dejavu"];
// [regular, bold, italic, bold italic]; the first family found draws, the others fill in missing glyphs (⋮, ∂…)
const FAMILIES = [
  { family: "Liberation Sans", files: ["LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf", "LiberationSans-Italic.ttf", "LiberationSans-BoldItalic.ttf"] },
  { family: "DejaVu Sans", files: ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf", "DejaVuSans-BoldOblique.ttf"] },
];
const MONO = [
  { family: "DejaVu Sans Mono", files: ["DejaVuSansMono.ttf", "DejaVuSansMono-Bold.ttf"] },
  { family: "Liberation Mono", files: ["LiberationMono-Regular.ttf", "LiberationMono-Bold.ttf"] },
];

function findFiles(names: readonly string[]): string[] | null {
  const paths = names.map((n) => FONT_DIRS.map((d) => `${d}/${n}`).find((p) => fs.existsSync(p)));
  return paths[0] && paths[1] ? (paths.filter(Boolean) as string[]) : null;
}

/**
 * The advance widths of a TrueType font: the `head` (units per em), `hhea` and `hmtx` tables
 * and the Unicode `cmap` (format 12 when present, else format 4). No kerning: vega does not kern either.
 */
function readFont(file: string): FontFace {
  const b = fs.readFileSync(file);
  const tables = new Map<string, number>();
  const numTables = b.readUInt16BE(4);
  for (let i = 0; i < numTables; i++) {
    const rec = 12 + 16 * i;
    tables.set(b.toString("latin1", rec, rec + 4), b.readUInt32BE(rec + 8));
  }
  const head = tables.get("head")!, hhea = tables.get("hhea")!, hmtx = tables.get("hmtx")!, cmap = tables.get("cmap")!;
  const unitsPerEm = b.readUInt16BE(head + 18);
  const numberOfHMetrics = b.readUInt16BE(hhea + 34);
  const glyphAdvance = (g: number) => b.readUInt16BE(hmtx + 4 * Math.min(g, numberOfHMetrics - 1));
  // pick the Unicode subtable: (3,10) format 12 covers everything, (3,1)/(0,*) format 4 the BMP
  let sub4 = -1, sub12 = -1;
  for (let i = 0, n = b.readUInt16BE(cmap + 2); i < n; i++) {
    const platform = b.readUInt16BE(cmap + 4 + 8 * i), encoding = b.readUInt16BE(cmap + 6 + 8 * i);
    const at = cmap + b.readUInt32BE(cmap + 8 + 8 * i);
    const format = b.readUInt16BE(at);
    if (format === 12 && (platform === 0 || (platform === 3 && encoding === 10))) sub12 = at;
    if (format === 4 && (platform === 0 || (platform === 3 && encoding === 1))) sub4 = at;
  }
  const glyph12 = (c: number): number => {
    for (let i = 0, n = b.readUInt32BE(sub12 + 12); i < n; i++) {
      const g = sub12 + 16 + 12 * i;
      const start = b.readUInt32BE(g), end = b.readUInt32BE(g + 4);
      if (c >= start && c <= end) return b.readUInt32BE(g + 8) + (c - start);
    }
    return 0;
  };
  const glyph4 = (c: number): number => {
    if (sub4 < 0 || c > 0xffff) return 0;
    const segX2 = b.readUInt16BE(sub4 + 6);
    const ends = sub4 + 14, starts = ends + segX2 + 2, deltas = starts + segX2, ranges = deltas + segX2;
    for (let s = 0; s < segX2; s += 2) {
      if (c > b.readUInt16BE(ends + s)) continue;
      const start = b.readUInt16BE(starts + s);
      if (c < start) return 0;
      const delta = b.readInt16BE(deltas + s), range = b.readUInt16BE(ranges + s);
      if (range === 0) return (c + delta) & 0xffff;
      const g = b.readUInt16BE(ranges + s + range + 2 * (c - start));
      return g === 0 ? 0 : (g + delta) & 0xffff;
    }
    return 0;
  };
  const cache = new Map<number, number | null>();
  const advance = (c: number) => {
    let w = cache.get(c);
    if (w === undefined) {
      const g = sub12 >= 0 ? glyph12(c) : glyph4(c);
      w = g === 0 ? null : glyphAdvance(g);
      cache.set(c, w);
    }
    return w;
  };
  return { file, unitsPerEm, advance };
}

interface Fonts {
  family: string;
  mono: string | null;
  files: string[];
  /** faces by style, each a list: the drawing font first, then the fallbacks */
  regular: FontFace[];
  bold: FontFace[];
  monoRegular: FontFace[];
  monoBold: FontFace[];
}
let fonts: Fonts | null | undefined;

/** The fonts the renderer draws and measures with (found once); null when none is installed. */
export function renderFonts(): { family: string; monospace: string | null; files: string[] } | null {
  const f = loadFonts();
  return f && { family: f.family, monospace: f.mono, files: f.files };
}

function loadFonts(): Fonts | null {
  if (fonts !== undefined) return fonts;
  const sans = FAMILIES.map((f) => ({ ...f, found: findFiles(f.files) })).filter((f) => f.found);
  const mono = MONO.map((f) => ({ ...f, found: findFiles(f.files) })).filter((f) => f.found);
  if (sans.length === 0) return (fonts = null);
  const read = new Map<string, FontFace>();
  const face = (file: string) => read.get(file) ?? read.set(file, readFont(file)).get(file)!;
  const faces = (list: typeof sans, style: number) => list.map((f) => face(f.found![style]));
  fonts = {
    family: sans[0].family,
    mono: mono.length ? mono[0].family : null,
    files: [...sans, ...mono].flatMap((f) => f.found!),
    regular: faces(sans, 0),
    bold: faces(sans, 1),
    monoRegular: [...faces(mono, 0), ...faces(sans, 0)],
    monoBold: [...faces(mono, 1), ...faces(sans, 1)],
  };
  return fonts;
}

interface TextItem {
  font?: string;
  fontSize?: number;
  fontWeight?: string | number;
  limit?: number;
}

/**
 * Text width for vega's layout, from the glyph advances of the font resvg draws with. For a text
 * wider than its item's `limit` it answers the limit: vega then cuts the text with an ellipsis
 * (its truncate() asks this function again for the pieces), and bounds use the cut width.
 */
function measurer(f: Fonts) {
  return (item: TextItem, text: unknown): number => {
    const size = item.fontSize != null ? +item.fontSize || 0 : 11;
    const s = text == null ? "" : String(text).trim();
    if (size <= 0 || !s) return 0;
    const w = item.fontWeight;
    const bold = w === "bold" || w === "bolder" || (typeof w === "number" && w >= 600) || (typeof w === "string" && +w >= 600);
    const mono = /mono|courier|consolas/i.test(item.font ?? "");
    const faces = mono ? (bold ? f.monoBold : f.monoRegular) : bold ? f.bold : f.regular;
    let width = 0;
    for (const ch of s) {
      // the first face that has the glyph draws it (resvg falls back the same way); else the drawing font's .notdef
      const c = ch.codePointAt(0)!;
      const face = faces.find((x) => x.advance(c) !== null) ?? faces[0];
      width += ((face.advance(c) ?? face.unitsPerEm / 2) * size) / face.unitsPerEm;
    }
    return item.limit && item.limit > 0 && width >= item.limit ? item.limit : width;
  };
}

/**
 * The width in pixels of `text` as the renderer lays it out and draws it (the render font's
 * advance widths); null when no font file was found and vega's estimate is used instead.
 */
export function textWidth(text: string, style: { fontSize?: number; fontWeight?: string | number; font?: string } = {}): number | null {
  const f = loadFonts();
  return f ? measurer(f)(style, text) : null;
}

/** Run `body` with vega measuring text in the render fonts (restored afterwards). */
let measuring = 0;
let savedWidth: unknown;
async function withTextMetricsAsync<T>(body: () => Promise<T>): Promise<T> {
  const restore = useFontMetrics();
  try {
    return await body();
  } finally {
    restore();
  }
}
function withTextMetrics<T>(body: () => T): T {
  const restore = useFontMetrics();
  try {
    return body();
  } finally {
    restore();
  }
}
function useFontMetrics(): () => void {
  const f = loadFonts();
  const tm = (vega() as unknown as { textMetrics: { width: unknown } }).textMetrics;
  if (!f) return () => {};
  if (measuring++ === 0) {
    savedWidth = tm.width;
    tm.width = measurer(f);
  }
  return () => {
    if (--measuring === 0) tm.width = savedWidth;
  };
}

// ------------------------------------------------------------------ spec → view → SVG

function newView(vgSpec: VegaSpec, onWarning?: (m: string) => void): { view: View; errors: Error[] } {
  const V = vega();
  const { logger, errors } = collector(onWarning);
  return { view: new V.View(V.parse(vgSpec), { renderer: "none", logger: logger as never }), errors };
}

/** Internals of vega's View that the synchronous path reads (as vega-view's renderHeadless does). */
interface ViewInternals {
  _pulse: unknown;
  _pending: unknown;
  _viewWidth: number;
  _viewHeight: number;
  _origin: [number, number];
  _scenegraph: { root: unknown };
}

interface SvgStringRenderer {
  initialize(el: null, width: number, height: number, origin: [number, number], scale: number): void;
  background(bg: unknown): void;
  render(scene: unknown): void;
  svg(): string;
}

/** The headless SVG of a view whose dataflow has run: vega-view's renderHeadless, minus the await. */
function svgOfView(view: View): string {
  const v = view as unknown as ViewInternals;
  const pad = view.padding() as { left: number; right: number; top: number; bottom: number };
  // SVGStringRenderer is exported by vega (from vega-scenegraph) but missing from its typings
  const { SVGStringRenderer } = vega() as unknown as { SVGStringRenderer: new (loader: unknown) => SvgStringRenderer };
  const r = new SVGStringRenderer(view.loader());
  r.initialize(
    null,
    Math.max(0, v._viewWidth + pad.left + pad.right),
    Math.max(0, v._viewHeight + pad.top + pad.bottom),
    [pad.left + v._origin[0], pad.top + v._origin[1]],
    1,
  );
  r.background(view.background());
  r.render(v._scenegraph.root);
  return r.svg();
}

/**
 * A Vega-Lite (or Vega) spec as an SVG string, synchronously. Throws for specs whose data must
 * be loaded from a URL: use `renderSvgAsync` for those.
 */
export function renderSvg(spec: unknown, options: RenderOptions = {}): string {
  const fn = "renderSvg";
  const { vega: vgSpec } = compileFor(fn, spec, options.onWarning);
  return withTextMetrics(() => {
    const { view, errors } = newView(vgSpec, options.onWarning);
    try {
      view.run(); // synchronous when no operator waits (inline data)
      const v = view as unknown as ViewInternals;
      if (errors.length) throw errors[0];
      if (v._pulse || v._pending) {
        throw new InputError(fn, "spec", "inline data (data: { values }) for synchronous rendering", "data that loads asynchronously: use renderSvgAsync");
      }
      return svgOfView(view);
    } finally {
      view.finalize();
    }
  });
}

/** A Vega-Lite (or Vega) spec as an SVG string, for specs that load their data (any spec works). */
export async function renderSvgAsync(spec: unknown, options: RenderOptions = {}): Promise<string> {
  const { vega: vgSpec } = compileFor("renderSvgAsync", spec, options.onWarning);
  return withTextMetricsAsync(async () => {
    const { view, errors } = newView(vgSpec, options.onWarning);
    try {
      const svg = await view.toSVG();
      if (errors.length) throw errors[0];
      return svg;
    } finally {
      view.finalize();
    }
  });
}

// ------------------------------------------------------------------ SVG → PNG

function checkScale(fn: string, scale: unknown): number {
  if (typeof scale !== "number" || !Number.isFinite(scale) || scale <= 0 || scale > 10) {
    throw new InputError(fn, "options.scale", "a number in (0, 10]", describe(scale));
  }
  return scale;
}

/** Rasterise an SVG string with resvg, in the render fonts; `scale` multiplies the pixel size. */
export function svgToPng(svg: string, scale = 2): RenderedPng {
  checkScale("svgToPng", scale);
  const f = loadFonts();
  const font = f
    ? { loadSystemFonts: false, fontFiles: f.files, defaultFontFamily: f.family, sansSerifFamily: f.family, serifFamily: f.family, monospaceFamily: f.mono ?? f.family }
    : { loadSystemFonts: true };
  const img = new (resvg().Resvg)(svg, { fitTo: { mode: "zoom", value: scale }, font }).render();
  return { png: img.asPng(), width: img.width, height: img.height };
}

/** A Vega-Lite (or Vega) spec as a PNG, synchronously (inline data): `{ png, width, height }`. */
export function renderPng(spec: unknown, options: RenderOptions = {}): RenderedPng {
  const scale = checkScale("renderPng", options.scale ?? 2);
  return svgToPng(renderSvg(spec, options), scale);
}

/** A Vega-Lite (or Vega) spec as a PNG, for specs that load their data. */
export async function renderPngAsync(spec: unknown, options: RenderOptions = {}): Promise<RenderedPng> {
  const scale = checkScale("renderPngAsync", options.scale ?? 2);
  return svgToPng(await renderSvgAsync(spec, options), scale);
}
