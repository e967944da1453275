// The benchmark's command line -> its settings, quick mode's smaller defaults filled in.

import { parseArgs } from 'node:util';
import { parseQuantity } from './stats.js';

export interface Settings {
  sizeBytes: number;
  corpus?: string;
  runs: number;
  work: string;
  scale: number[];
  quick: boolean;
  json: string;
  updateReadme: boolean;
  seed: string;
  compileRuns: number;
}

export const USAGE = 'usage: npm run bench -- [--size 1G] [--corpus DIR] [--runs 3] [--work DIR] [--scale 10k,100k,1M] [--quick] [--json FILE] [--update-readme] [--seed WORD]';

export function parseSettings(argv: readonly string[], repoRoot: string, defaultWork: string): Settings {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      size: { type: 'string' },
      corpus: { type: 'string' },
      runs: { type: 'string' },
      work: { type: 'string' },
      scale: { type: 'string' },
      quick: { type: 'boolean', default: false },
      json: { type: 'string' },
      'update-readme': { type: 'boolean', default: false },
      seed: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help === true) throw new Error(USAGE);
  const quick = values.quick === true;
  const work = values.work ?? defaultWork;
  const runs = Number(values.runs ?? (quick ? 1 : 3));
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs: expected a whole number ≥ 1, found ${JSON.stringify(values.runs)}`);
  return {
    sizeBytes: parseQuantity(values.size ?? (quick ? '20M' : '1G'), 1024),
    ...(values.corpus === undefined ? {} : { corpus: values.corpus }),
    runs,
    work,
    scale: (values.scale ?? (quick ? '1k,5k' : '10k,100k,1M')).split(',').filter((part) => part !== '').map((part) => parseQuantity(part, 1000)),
    quick,
    // Quick mode checks that the benchmark works; its figures stay in the work directory.
    json: values.json ?? (quick ? `${work}/latest.json` : `${repoRoot}/bench/results/latest.json`),
    updateReadme: values['update-readme'] === true,
    seed: values.seed ?? 'backup-gen-bench-1',
    compileRuns: quick ? 3 : 10,
  };
}
