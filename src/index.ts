/**
 * dl-lessons: the library's public face, as the table of contents of the course.
 *
 *   import { Tensor, denseForward, conv2dTrace, Network, train, loadDigits, lineChart } from "dl-lessons";
 *   import { lectureCnn, fitDigits } from "dl-lessons/tf";     // chapters 10–11: TensorFlow.js
 *   import { show, liveTraining } from "dl-lessons/kernel";    // in a notebook cell
 *
 * An explicit list, not `export *`: what is here is what lessons and users call; the helpers the
 * modules share (argument checks, trace positions, shape formatting) stay inside. Pure TypeScript:
 * nothing here knows about Jupyter, and nothing here loads TensorFlow.js (see ./tf for that side).
 */

// ---- Foundations: numbers, randomness, errors ------------------------------------------------
export { InputError } from "./errors";
export { Random, rng } from "./random";
export { Tensor, tensor } from "./tensor";
export type { NestedArray } from "./tensor";

// ---- Chapter 2: neurons and activation functions ---------------------------------------------
export {
  sigmoid, sigmoidPrime, tanh, tanhPrime, relu, reluPrime, softmax,
  sigmoidForward, sigmoidBackward, tanhForward, tanhBackward, reluForward, reluBackward, softmaxForward, softmaxBackward,
  Sigmoid, Tanh, ReLU, Softmax,
} from "./layers/activations";
export type { ActivationFn, ActivationCache, ElementwiseFn, ActivationOptions, ActivationLayer } from "./layers/activations";

// ---- Chapter 3: fully connected layers and networks ------------------------------------------
export { denseForward, denseBackward, initWeights, Dense } from "./layers/dense";
export type { DenseCache, DenseInit, DenseOptions } from "./layers/dense";
export { flattenForward, flattenBackward, Flatten } from "./layers/flatten";
export type { FlattenCache } from "./layers/flatten";
export type { Layer, Param, ForwardOptions } from "./layers/layer";
export { Network, predictedClasses } from "./network";
export type { NetworkOptions, LossName, Targets, SummaryRow, NamedParam, LossResult, LossAndGrad } from "./network";

// ---- Chapter 4: loss and gradient descent ----------------------------------------------------
export { oneHot, softmaxCrossEntropy, mseLoss } from "./layers/losses";
export type { SoftmaxCrossEntropyResult, MseResult } from "./layers/losses";
export { SGD, Adam } from "./optim";
export type { Optimizer, SGDOptions, AdamOptions, WeightDecay } from "./optim";
export { train, evaluate, confusionMatrix, DivergenceError } from "./train";
export { interruptSignal } from "./host";
export type {
  LabeledData, History, HistoryRow, StopReason, TrainOptions, TrainProgress, TrainCallback, EndCallback, EarlyStoppingOptions,
} from "./train";

// ---- Chapter 5: backpropagation, checked two ways --------------------------------------------
export { numericalGradient, numericalGradientWithUpstream, relativeError, gradCheck, gradCheckModel } from "./gradcheck";
export type { GradCheckResult, GradCheckOptions, Checkable, ModelGradCheckOptions, ModelGradCheckResult } from "./gradcheck";
export { Value, value, graphOf } from "./autograd";
export type { Operand, GraphNode, GraphEdge, GraphOptions } from "./autograd";

// ---- Chapters 6–7: convolution -----------------------------------------------------------------
export {
  convOutputSize, zeroPad, conv2dNaive, conv2dBackwardNaive, im2col, col2im, conv2dIm2col, conv2dBackwardIm2col,
  conv2dForward, conv2dBackward, conv2dTrace, Conv2D,
} from "./layers/conv";
export type { Conv2DOptions, ConvImpl, ConvCache, ConvGrads, ConvPosition, ConvTraceOptions, Conv2DLayerOptions } from "./layers/conv";
export { sizeFormula } from "./layers/windows";
export type { Rounding, WindowAxis, SizeFormula } from "./layers/windows";

// ---- Chapter 8: max pooling and flatten --------------------------------------------------------
export { poolOutputSize, maxPoolForward, maxPoolBackward, maxPoolTrace, MaxPool2D } from "./layers/pool";
export type { MaxPoolOptions, MaxPoolCache, PoolPosition, MaxPoolTraceOptions, MaxPool2DLayerOptions } from "./layers/pool";

// ---- Chapter 12: regularization ------------------------------------------------------------------
export { dropoutForward, dropoutBackward, Dropout } from "./layers/dropout";
export type { DropoutOptions, DropoutCache } from "./layers/dropout";

// ---- Traces: what each step computed, as plain data (dl-lessons/kernel's show() draws them) ----
export { isTrace, TRACE_KINDS } from "./trace";
export type {
  Trace, LayerTrace, DenseTrace, ActivationTrace, ConvTrace, ConvWindow, PoolTrace, PoolWindow, FlattenTrace, DropoutTrace,
  LossTrace, ForwardTrace, BackwardTrace, BackwardStep, ChainFactor,
} from "./trace";

// ---- Data sets: MNIST digits, Fashion-MNIST, X-or-O images, 2-D toy sets -------------------------
export {
  batches, loadDigits, resizeArea, DIGIT_CLASSES, loadFashionMnist, FASHION_CLASSES, FASHION_DIR, MissingDataError, DataFileError,
  xoImages, xoFilters, matchScore, xorData, circlesData, spiralData, twoBlobs,
} from "./data";
export type {
  Dataset, Splits, BatchOptions, Batch, DigitOptions, FashionOptions, XoDataset, XoFilters, ToyOptions, CirclesOptions, BlobsOptions,
} from "./data";

// ---- Vega-Lite chart builders (pure: they return specs) -----------------------------------------
export {
  VEGA_LITE_SCHEMA, isVegaLiteSpec, lineChart, historyChart, functionPlot, heatmap, confusionChart, imageGrid, barChart,
  lossSurface, graphChart, graphLayout, networkDiagram,
} from "./charts";
export type {
  VegaLiteSpec, FrameLike, LineChartOptions, LineSeries, LinePoint, HistoryLike, HistoryChartOptions, HistoryPoint,
  FunctionPlotOptions, HeatmapOptions, HeatmapCell, ConfusionMatrixOptions, ConfusionCell, ImageGridOptions, ImagePixel,
  BarChartOptions, BarSeries, Bar, ReferenceLine, LossSurfaceOptions, ParamPoint, SurfaceCell, PathPoint,
  GraphChartInput, GraphChartNode, GraphChartEdge, GraphChartOptions, GraphChartDatum, LaidOutNode,
  NetworkDiagramInput, NetworkDiagramOptions, DiagramNeuron, DiagramEdge,
} from "./charts";
export { sliderChart, slidersChart, nestedSets, neuronNotes, decisionBoundary, type Slider, type SliderChartOptions, type NestedSet, type NeuronNotesOptions, type DecisionBoundaryOptions } from "./charts";
