// Simulator: shrinking a failing step list (delta debugging, bounded in time): the shortest list
// found that still violates the same invariant.
import { simulate } from './runner.mjs';

/** steps: [[index, descriptor], ...] that violate `invariant` for `seed`. */
export async function shrink(seed, steps, invariant, { seconds = 300, log = console.log } = {}) {
  const deadline = Date.now() + seconds * 1000;
  let tries = 0;
  const fails = async (candidate) => {
    tries++;
    const { violations } = await simulate(seed, candidate, { all: true });
    return violations.find((v) => v.invariant === invariant) ?? null;
  };
  let best = steps;
  // First without the steps that only look (restore, verify, audit), but the failing one.
  const lookers = new Set(['restore', 'verify', 'audit']);
  const lean = steps.filter(([, step], i) => i === steps.length - 1 || !lookers.has(step.op));
  const leanViolation = lean.length < steps.length ? await fails(lean) : null;
  if (leanViolation) best = lean.filter(([index]) => index <= leanViolation.index);
  let chunks = 2;
  while (best.length >= 2 && Date.now() < deadline) {
    const size = Math.ceil(best.length / chunks);
    let reduced = false;
    for (let start = 0; start < best.length && Date.now() < deadline; start += size) {
      const candidate = [...best.slice(0, start), ...best.slice(start + size)];
      const violation = candidate.length > 0 ? await fails(candidate) : null;
      if (violation) {
        // Everything after the failing step is not needed.
        best = candidate.filter(([index]) => index <= violation.index);
        chunks = Math.max(chunks - 1, 2);
        reduced = true;
        log(`  shrink: ${best.length} steps still fail (${tries} tries)`);
        break;
      }
    }
    if (!reduced) {
      if (size === 1) break;
      chunks = Math.min(chunks * 2, best.length);
    }
  }
  return { steps: best, tries, complete: Date.now() < deadline };
}
