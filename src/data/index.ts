/**
 * Data sets of the course: real handwritten digits (chapters 3 and 10), Fashion-MNIST,
 * the X-or-O images of chapter 9 and small 2-D toy sets for tiny networks and charts;
 * plus `batches`, the mini-batch iterator the training loop uses.
 *
 * Every set is a `Dataset`: inputs `x` (images NHWC [N, H, W, C], or points [N, 2]), one
 * integer label per example and the class names.
 */
export type { Dataset, Splits, BatchOptions, Batch } from "./types";
export { batches } from "./batches";
export { loadDigits, resizeArea, DIGIT_CLASSES } from "./mnist";
export type { DigitOptions } from "./mnist";
export { loadFashionMnist, FASHION_CLASSES, FASHION_DIR, MissingDataError, DataFileError } from "./fashion";
export type { FashionOptions } from "./fashion";
export { xoImages, xoFilters, matchScore } from "./xo";
export type { XoDataset, XoFilters } from "./xo";
export { xorData, circlesData, spiralData, twoBlobs } from "./toy";
export type { ToyOptions, CirclesOptions, BlobsOptions } from "./toy";
