/**
 * Chart rendering speed: for a few typical charts, the median time of vega-lite's compile, of the
 * synchronous SVG (view.run + headless SVG string), of the async SVG (view.toSVG) and of the PNG
 * (resvg, scale 2), and the sync / async ratio. Prints a table; asserts nothing.
 *
 *   node --import tsx tests/bench/render.bench.ts
 */
import { compileVegaLite, renderSvg, renderSvgAsync, svgToPng } from "../../kernel-helpers/render";
import * as charts from "../../src/charts";
import { Tensor } from "../../src/tensor";
import { Value, graphOf } from "../../src/autograd";

const RUNS = 5;
const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function specs(): Record<string, unknown> {
  const rows = Array.from({ length: 20 }, (_, i) => ({ epoch: i + 1, loss: 2 / (i + 1), val_loss: 2.2 / (i + 1), accuracy: 1 - 1 / (i + 2), val_accuracy: 1 - 1.2 / (i + 2) }));
  const a = new Value(2, "a"), b = new Value(-3, "b"), c = new Value(10, "c");
  const L = a.mul(b).add(c).tanh();
  L.backward();
  return {
    "history 20 epochs": charts.historyChart(rows),
    "heatmap 28×28": charts.heatmap(Tensor.rand([28, 28], 1)),
    "imageGrid 64 × 28×28": charts.imageGrid(Tensor.rand([64, 28, 28, 1], 2)),
    "lossSurface 40×40 + path": charts.lossSurface((x, y) => x * x + 4 * y * y, { x: [-3, 3], y: [-2, 2], path: [[-2.5, 1.5], [-1.5, 0.5], [-0.8, 0.1]] }),
    "graphChart tanh(a·b + c)": charts.graphChart(graphOf(L)),
  };
}

/** Run the benchmark, print a table, return the figures (ms and ratios). */
export async function runRenderBench(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  console.log(`${"chart".padEnd(28)} ${"compile".padStart(8)} ${"svg sync".padStart(9)} ${"svg async".padStart(10)} ${"png x2".padStart(8)} ${"sync/async".padStart(11)}   (median ms of ${RUNS})`);
  for (const [name, spec] of Object.entries(specs())) {
    const t = { compile: [] as number[], sync: [] as number[], async: [] as number[], png: [] as number[] };
    for (let r = 0; r < RUNS; r++) {
      let t0 = process.hrtime.bigint();
      compileVegaLite(spec);
      t.compile.push(ms(t0));
      t0 = process.hrtime.bigint();
      const svg = renderSvg(spec);
      t.sync.push(ms(t0));
      t0 = process.hrtime.bigint();
      await renderSvgAsync(spec);
      t.async.push(ms(t0));
      t0 = process.hrtime.bigint();
      svgToPng(svg, 2);
      t.png.push(ms(t0));
    }
    const [c, s, a, p] = [t.compile, t.sync, t.async, t.png].map(median);
    console.log(`${name.padEnd(28)} ${c.toFixed(1).padStart(8)} ${s.toFixed(1).padStart(9)} ${a.toFixed(1).padStart(10)} ${p.toFixed(1).padStart(8)} ${(s / a).toFixed(2).padStart(11)}`);
    Object.assign(out, { [`${name} svg sync ms`]: s, [`${name} png ms`]: p, [`${name} sync/async`]: s / a });
  }
  return out;
}

if (require.main === module) runRenderBench().catch((e) => { console.error(e); process.exit(1); });
