/**
 * One seeded random generator behind all randomness of the library, so that every lesson
 * and every test gives the same numbers on every run.
 *
 * The generator is mulberry32 (32-bit state, fast, good enough for teaching and tests);
 * normal numbers come from the Box–Muller transform.
 */
import { checkCount } from "./checks";
import { checkInt, checkNumber, InputError, describe } from "./errors";

export class Random {
  private state: number;
  private spare: number | null = null;

  /** A generator started from `seed` (any integer). */
  constructor(readonly seed: number = 42) {
    if (typeof seed !== "number" || !Number.isInteger(seed)) throw new InputError("Random", "seed", "an integer", describe(seed));
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform in [low, high). */
  uniform(low = 0, high = 1): number {
    checkNumber("Random.uniform", "low", low);
    checkNumber("Random.uniform", "high", high);
    if (!(high > low)) throw new InputError("Random.uniform", "high", `a number > low (${low})`, String(high));
    return low + (high - low) * this.next();
  }

  /** Normal with the given mean and standard deviation (Box–Muller). */
  normal(mean = 0, std = 1): number {
    checkNumber("Random.normal", "mean", mean);
    checkNumber("Random.normal", "std", std);
    if (std < 0) throw new InputError("Random.normal", "std", "a number >= 0", String(std));
    if (this.spare !== null) {
      const z = this.spare;
      this.spare = null;
      return mean + std * z;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return mean + std * r * Math.cos(2 * Math.PI * v);
  }

  /** An integer in [0, n). */
  int(n: number): number {
    checkInt("Random.int", "n", n);
    return Math.floor(this.next() * n);
  }

  /** A random permutation of 0..n-1 (Fisher–Yates). */
  permutation(n: number): number[] {
    checkCount("Random.permutation", "n", n, 0);
    const p = Array.from({ length: n }, (_, i) => i);
    return this.shuffle(p);
  }

  /** Shuffle an array in place (Fisher–Yates) and return it. */
  shuffle<T>(items: T[]): T[] {
    if (!Array.isArray(items)) throw new InputError("Random.shuffle", "items", "an array", describe(items));
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const t = items[i];
      items[i] = items[j];
      items[j] = t;
    }
    return items;
  }

  /** A new generator seeded from this one: independent streams for independent parts. */
  fork(): Random {
    return new Random(Math.floor(this.next() * 2 ** 31));
  }
}

/** A generator from a seed, or the generator itself when one is given. */
export function rng(seedOrRandom: number | Random = 42): Random {
  return seedOrRandom instanceof Random ? seedOrRandom : new Random(seedOrRandom);
}
