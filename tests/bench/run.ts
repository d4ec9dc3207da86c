/**
 * `npm run bench`: every benchmark of the project in one run, so that ratios compare like with like.
 * Each bench file exports a `run…Bench()` that prints its own table and returns its figures; this
 * runner prints a closing summary. Nothing here asserts a time.
 *
 *   npm run bench                 # all
 *   npm run bench -- mlp conv     # some: mlp, conv, render, tf, lessons, grade
 */
import * as path from "node:path";

type Bench = { name: string; file: string; fn: string };
const benches: Bench[] = [
  { name: "mlp", file: "./mlp.bench", fn: "runMlpBench" },
  { name: "conv", file: "./conv.bench", fn: "runConvBench" },
  { name: "render", file: "./render.bench", fn: "runRenderBench" },
  { name: "tf", file: "./tf.bench", fn: "runTfBench" },
  { name: "lessons", file: "./lessons.bench", fn: "runLessonsBench" },
  { name: "grade", file: "./grade.bench", fn: "runGradeBench" },
];

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((w) => !benches.some((b) => b.name === w));
  if (unknown.length > 0) throw new Error(`bench: unknown benchmark ${unknown.join(", ")}; known: ${benches.map((b) => b.name).join(", ")}`);
  const summary: Record<string, Record<string, number>> = {};
  for (const b of benches) {
    if (wanted.length > 0 && !wanted.includes(b.name)) continue;
    console.log(`\n=== ${b.name} (${path.join("tests/bench", b.file)}.ts) ===`);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(b.file) as Record<string, () => Promise<Record<string, number>>>;
    summary[b.name] = await mod[b.fn]();
  }
  console.log("\n=== summary ===");
  for (const [name, figures] of Object.entries(summary)) {
    for (const [k, v] of Object.entries(figures)) console.log(`${name.padEnd(8)} ${k.padEnd(48)} ${Number.isInteger(v) ? v : v.toFixed(3)}`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
