// Simulator: a seeded PRNG (mulberry32) and the few draws the generator needs. Same seed, same draws.

/** Spreads nearby seeds (1, 2, 3...) apart: mulberry32's first draws of them are alike. */
function mix(seed) {
  let h = (seed ^ 0xdeadbeef) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export function makeRng(seed) {
  let state = mix(seed >>> 0);
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const rng = {
    next,
    /** An integer in [low, high], both included. */
    int: (low, high) => low + Math.floor(next() * (high - low + 1)),
    chance: (p) => next() < p,
    pick: (items) => items[Math.floor(next() * items.length)],
    /** pairs: [[weight, value], ...] */
    weighted: (pairs) => {
      const total = pairs.reduce((sum, [w]) => sum + w, 0);
      let roll = next() * total;
      for (const [w, value] of pairs) {
        if ((roll -= w) < 0) return value;
      }
      return pairs[pairs.length - 1][1];
    },
    seed32: () => Math.floor(next() * 4294967296) >>> 0,
    bytes: (n) => Buffer.from(Array.from({ length: n }, () => Math.floor(next() * 256))),
  };
  return rng;
}
