/**
 * Console output of a test, captured: runs f with console.log collected, returns its result and
 * what it printed (so deliberate verdict lines are asserted, not left in the test output).
 */
export function quiet<T>(f: () => T): { result: T; printed: string } {
  const log = console.log;
  const lines: string[] = [];
  console.log = (...a: unknown[]) => void lines.push(a.map(String).join(" "));
  try {
    return { result: f(), printed: lines.join("\n") };
  } finally {
    console.log = log;
  }
}
