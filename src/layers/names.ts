/**
 * Default layer names: the first Dense made in a process is "dense_1", the next "dense_2",
 * and likewise for every layer type, as in Keras. A name given by the caller is kept.
 */
import { InputError, describe } from "../errors";

const counters = new Map<string, number>();

/** The caller's `name` if given (a non-empty string), else the next free `${prefix}_${k}`. */
export function layerName(fn: string, prefix: string, name?: unknown): string {
  if (name !== undefined) {
    if (typeof name !== "string" || name.length === 0) throw new InputError(fn, "name", "a non-empty string", describe(name));
    return name;
  }
  const k = (counters.get(prefix) ?? 0) + 1;
  counters.set(prefix, k);
  return `${prefix}_${k}`;
}
