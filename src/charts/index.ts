/**
 * Chart builders: pure functions from data to Vega-Lite v5 specs (data inlined), one file per
 * family. kernel-helpers/show.ts displays them; kernel-helpers/render.ts draws them in Node.
 */
export { VEGA_LITE_SCHEMA, isVegaLiteSpec } from "./spec";
export type { VegaLiteSpec, FrameLike } from "./spec";
export { lineChart, historyChart } from "./line";
export type { LineChartOptions, LineSeries, LinePoint, HistoryLike, HistoryChartOptions, HistoryPoint } from "./line";
export { functionPlot } from "./function";
export type { FunctionPlotOptions } from "./function";
export { heatmap, confusionChart } from "./heatmap";
export type { HeatmapOptions, HeatmapCell, ConfusionMatrixOptions, ConfusionCell } from "./heatmap";
export { imageGrid } from "./images";
export type { ImageGridOptions, ImagePixel } from "./images";
export { barChart } from "./bar";
export type { BarChartOptions, BarSeries, Bar, ReferenceLine } from "./bar";
export { lossSurface } from "./surface";
export type { LossSurfaceOptions, ParamPoint, SurfaceCell, PathPoint } from "./surface";
export { graphChart, graphLayout } from "./graph";
export type { GraphChartInput, GraphChartNode, GraphChartEdge, GraphChartOptions, GraphChartDatum, LaidOutNode } from "./graph";
export { networkDiagram } from "./diagram";
export type { NetworkDiagramInput, NetworkDiagramOptions, DiagramNeuron, DiagramEdge } from "./diagram";
export { sliderChart, slidersChart, MAX_FRAMES } from "./slider";
export type { Slider, SliderChartOptions } from "./slider";
export { nestedSets } from "./venn";
export type { NestedSet, NestedSetsOptions, NestedCircle } from "./venn";
export { neuronNotes } from "./notes";
export type { NeuronNotesOptions } from "./notes";
export { decisionBoundary } from "./boundary";
export type { DecisionBoundaryOptions, BoundaryCell } from "./boundary";
