/**
 * What notebooks import as "dl-lessons/kernel": showing things in a cell, live training output,
 * the kernelspec, lecture checks. The library itself ("dl-lessons", src/) knows nothing of Jupyter.
 */
export { show, showOutput, describeSpec } from "./show";
export type { ShowOptions, ShowOutput, ShowView } from "./show";
export { liveTraining } from "./live";
export type { LiveTraining, LiveTrainingOptions, LiveRow, LiveState } from "./live";
export { displayBundle, DisplayHandle, inKernel, newDisplayId, setDisplayWriter } from "./display";
export type { MimeBundle, DisplayContent, WriteDisplayData } from "./display";
export { installKernel, uninstallKernel, installNotebookImports, jupyterEnv, kernelSpec, kernelDir, KERNEL_NAME, KERNEL_DISPLAY_NAME } from "./kernel";
export type { KernelSpec, KernelLocation, InstallResult } from "./kernel";
export { checkLecture, LectureMismatchError } from "./check";
export { traceToText } from "./views";
export type { TraceTextOptions } from "./views";
export type { LectureCheck } from "./check";
