/**
 * Text helpers shared by both rooms of kernel-helpers/ (what runs in a cell, and the command-line
 * tools): HTML escaping and terminal-code stripping.
 */

/** HTML-escape a string: & < > " ' become entities, so it is safe as text and in attribute values. */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string);
}

/** Remove ANSI colour and cursor codes. */
export function stripAnsi(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, "").replace(/\u001b\][^\u0007]*\u0007/g, "");
}
