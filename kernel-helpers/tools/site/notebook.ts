/** The notebook format (nbformat 4), only what the site reads, and what one page's rendering shares. */

export type MultilineString = string | string[];

export interface NbOutput {
  output_type: "stream" | "display_data" | "execute_result" | "error" | "update_display_data";
  name?: string;
  text?: MultilineString;
  data?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
  traceback?: string[];
}

export interface NbCell {
  cell_type: "markdown" | "code" | "raw";
  source: MultilineString;
  outputs?: NbOutput[];
  execution_count?: number | null;
  attachments?: Record<string, Record<string, string>>;
  metadata?: Record<string, unknown>;
}

export interface Notebook {
  cells: NbCell[];
  metadata?: {
    language_info?: { name?: string };
    kernelspec?: { language?: string; display_name?: string };
    /** the index's one-line summary of the lesson; default: the first sentence after the title */
    summary?: string;
    /** written by the notebook runner (execute.py) */
    dl_lessons?: { source?: string; executed_at?: string; seconds?: number; ok?: boolean };
    [k: string]: unknown;
  };
}

export const joinText = (s: unknown): string => (Array.isArray(s) ? s.filter((x) => typeof x === "string").join("") : typeof s === "string" ? s : "");

/** What rendering one page needs to know and reports back. */
export interface PageContext {
  /** "01-x.ipynb, cell 3": where a problem is */
  where: string;
  /** problems that make the site wrong: no site is written (error outputs, math that does not render) */
  problems: string[];
  /** untrusted content refused or cleaned: the site is written and these are listed */
  refused: string[];
  math: number;
  attachments: Record<string, Record<string, string>>;
  /** the one folder relative images may come from (never taken from the notebook itself) */
  imageDir: string;
  files: Map<string, string | Buffer>;
  imagePrefix: string;
  images: number;
  headings: { depth: number; id: string; html: string }[];
  usedIds: Set<string>;
}
