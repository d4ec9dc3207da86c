/**
 * Browser side of lab.test.ts, bundled by esbuild at test time: JupyterLab's own output rendering
 * (RenderMimeRegistry with the default renderers + the Vega 5 extension, OutputArea widgets) for
 * the outputs of one notebook. `window.renderOutputs(cells, trusted)` attaches one OutputArea per
 * code cell (the renderers finish asynchronously; the test waits on the DOM).
 */
import { OutputArea, OutputAreaModel } from "@jupyterlab/outputarea";
import { RenderMimeRegistry, standardRendererFactories } from "@jupyterlab/rendermime";
import vegaExtension from "@jupyterlab/vega5-extension";
import type * as nbformat from "@jupyterlab/nbformat";
import { Widget } from "@lumino/widgets";
import "@jupyterlab/rendermime/style/base.css";
import "@jupyterlab/outputarea/style/base.css";

// as JupyterLab registers a mime extension: its factory at the extension's own rank (57 for Vega)
const rendermime = new RenderMimeRegistry({ initialFactories: standardRendererFactories });
const vega = Array.isArray(vegaExtension) ? vegaExtension[0] : vegaExtension;
rendermime.addFactory(vega.rendererFactory, vega.rank);

interface CellOutputs {
  cell: number;
  outputs: nbformat.IOutput[];
}

function renderOutputs(cells: CellOutputs[], trusted: boolean): number {
  const root = document.getElementById("root") as HTMLElement;
  root.textContent = "";
  for (const { cell, outputs } of cells) {
    const model = new OutputAreaModel({ trusted });
    const area = new OutputArea({ model, rendermime });
    area.node.dataset.cell = String(cell);
    Widget.attach(area, root);
    for (const output of outputs) model.add(output);
  }
  return cells.length;
}

(window as unknown as { renderOutputs: typeof renderOutputs; rendermime: RenderMimeRegistry }).renderOutputs = renderOutputs;
(window as unknown as { rendermime: RenderMimeRegistry }).rendermime = rendermime;
