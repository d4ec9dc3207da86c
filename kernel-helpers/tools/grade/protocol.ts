/**
 * Names shared by the grader (trusted) and the harness (sandboxed), kept apart from both so that the
 * harness loads nothing heavy.
 */

/** The global (a Symbol.for key) the harness sets to learn which task cell's top-level code is loading. */
export const CELL_MARK = "dl-lessons.grade.loading-cell";
