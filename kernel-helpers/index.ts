/**
 * What notebooks import as "dl-lessons/kernel": showing things in a cell, live training output,
 * lecture checks (the kernelspec and the notebook runner are command-line tools: kernel-helpers/tools/). The library itself ("dl-lessons", src/) knows nothing of Jupyter.
 */
export { show, showOutput, describeSpec } from "./show";
export type { ShowOptions, ShowOutput, ShowView } from "./show";
export { liveTraining } from "./live";
export type { LiveTraining, LiveTrainingOptions, LiveRow, LiveState } from "./live";
export { displayBundle, DisplayHandle, inKernel, newDisplayId, setDisplayWriter } from "./display";
export type { MimeBundle, DisplayContent, WriteDisplayData } from "./display";
export { checkLecture, LectureMismatchError } from "./check";
export { traceToText } from "./views";
export type { TraceTextOptions } from "./views";
export type { LectureCheck } from "./check";
