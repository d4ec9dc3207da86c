/**
 * The executed lessons the client tests read: build/executed/*.ipynb as tests/notebooks/lessons.test.ts
 * leaves them (it runs first in `npm test`); any lesson without a fresh executed copy is executed here.
 */
import * as path from "node:path";
import { installKernel, installNotebookImports } from "../../kernel-helpers/tools/kernel";
import { buildDist } from "../../kernel-helpers/tools/lessons";
import { EXECUTED_DIR, executeNotebooks, freshExecutedCopy, listLessons } from "../../kernel-helpers/tools/run";

export interface ExecutedLesson {
  name: string;
  source: string;
  executed: string;
}

export async function executedLessons(): Promise<ExecutedLesson[]> {
  const lessons = listLessons();
  if (lessons.length === 0) throw new Error("notebooks/ holds no lesson");
  const stale = lessons.filter((nb) => freshExecutedCopy(nb) === null);
  if (stale.length > 0) {
    buildDist();
    installKernel();
    installNotebookImports();
    await executeNotebooks(stale, { outDir: EXECUTED_DIR, parallel: 2, timeoutSec: 900 });
  }
  return lessons.map((nb) => ({ name: path.basename(nb, ".ipynb"), source: nb, executed: path.join(EXECUTED_DIR, path.basename(nb)) }));
}
