// Seeded randomness for the benchmark: a small PRNG for choices and AES-CTR for bulk bytes.
// Both are pure functions of the seed, so the same seed gives the same corpus on any machine.

import { createCipheriv, createHash } from 'node:crypto';

/** mulberry32: tiny and fast; good enough to pick sizes, names and files (not for bytes in bulk). */
export class SeededRandom {
  private state: number;

  constructor(seed: string | number) {
    this.state = typeof seed === 'number' ? seed >>> 0 : createHash('sha256').update(seed).digest().readUInt32LE(0);
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [low, high]. */
  int(low: number, high: number): number {
    return low + Math.floor(this.next() * (high - low + 1));
  }

  /** An integer spread evenly on a log scale between low and high: file sizes look like that. */
  logInt(low: number, high: number): number {
    return Math.round(Math.exp(Math.log(low) + this.next() * (Math.log(high) - Math.log(low))));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** Skewed towards the front of the list, as words in real text are (a rough Zipf). */
  pickSkewed<T>(items: readonly T[]): T {
    const r = this.next();
    return items[Math.floor(r * r * r * items.length)] as T;
  }
}

/**
 * Incompressible bytes: the AES-256-CTR keystream of a key derived from the seed. Several hundred
 * MB/s in Node, where a JavaScript PRNG would be the corpus's bottleneck.
 */
export function randomBytesFromSeed(seed: string, length: number): Buffer {
  const key = createHash('sha256').update(`key:${seed}`).digest();
  const iv = createHash('sha256').update(`iv:${seed}`).digest().subarray(0, 16);
  const cipher = createCipheriv('aes-256-ctr', key, iv);
  return Buffer.concat([cipher.update(Buffer.alloc(length)), cipher.final()]);
}
