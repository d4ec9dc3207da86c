/**
 * dl-lessons: the library's public face, in the order of the course.
 *
 *   import { Tensor, denseForward, conv2dTrace, Network, train, loadDigits, lineChart } from "dl-lessons";
 *
 * Pure TypeScript: nothing here knows about Jupyter (see kernel-helpers/ for show() and friends).
 */

// Foundations: numbers, randomness, errors
export * from "./errors";
export * from "./random";
export * from "./tensor";

// Chapters 2–3, 7–8, 12: the step-by-step layers (forward, backward, Layer classes) and their traces
export * from "./layers";
export * from "./trace";

// Chapter 5: backpropagation checked two ways — numerical gradients and scalar autograd
export * from "./gradcheck";
export * from "./autograd";

// Chapters 3–4, 12: networks, optimizers and the training loop
export * from "./network";
export * from "./optim";
export * from "./train";

// Data sets: MNIST digits, Fashion-MNIST, X-or-O images, 2-D toy sets
export * from "./data";

// Vega-Lite v5 chart builders (pure: they return specs; kernel-helpers/show draws them)
export * from "./charts";

// Chapters 10–11: the TensorFlow.js side (best backend, Keras-style models, training, what a CNN learned)
export * from "./tf";
