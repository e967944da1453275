// Report stage: samples -> medians and spreads per contender and phase, the targets' ratios, and
// the text forms (the table on stdout, markdown for the README). Pure.

import { BASELINE } from './contenders.js';
import type { Phase, Sample } from './rounds.js';
import { formatBytes, formatRatio, formatSeconds, formatSpread, ratio, spreadOf, type Spread } from './stats.js';

export interface Figure {
  wallSeconds: Spread;
  cpuSeconds: Spread;
  maxRssKiB: Spread;
  writtenBytes?: Spread;
}

export type Summary = Record<string, Partial<Record<Phase, Figure>>>;

export const PHASES: readonly Phase[] = ['full', 'inc', 'restore'];

export function summarize(samples: readonly Sample[]): Summary {
  const summary: Summary = {};
  for (const sample of samples) summary[sample.contender] ??= {};
  for (const [contender, phases] of Object.entries(summary)) {
    for (const phase of PHASES) {
      const mine = samples.filter((s) => s.contender === contender && s.phase === phase);
      if (mine.length === 0) continue;
      const written = mine.flatMap((s) => (s.writtenBytes === undefined ? [] : [s.writtenBytes]));
      phases[phase] = {
        wallSeconds: spreadOf(mine.map((s) => s.wallSeconds)) as Spread,
        cpuSeconds: spreadOf(mine.map((s) => s.cpuSeconds)) as Spread,
        maxRssKiB: spreadOf(mine.map((s) => s.maxRssKiB)) as Spread,
        ...(written.length > 0 ? { writtenBytes: spreadOf(written) as Spread } : {}),
      };
    }
  }
  return summary;
}

export interface Target {
  what: string;
  value: number | undefined;
  /** The target, and whether a lower value is better. */
  limit: number;
  lowerIsBetter: boolean;
  unit: 'ratio' | 'seconds';
}

export function targetMet(target: Target): boolean | undefined {
  if (target.value === undefined) return undefined;
  return target.lowerIsBetter ? target.value <= target.limit : target.value >= target.limit;
}

const median = (summary: Summary, contender: string, phase: Phase, figure: keyof Figure): number | undefined => summary[contender]?.[phase]?.[figure]?.median;

/** The targets that a run of the contest measures (overhead and compile come separately). */
export function contestTargets(summary: Summary): Target[] {
  const m = (contender: string, phase: Phase, figure: keyof Figure) => median(summary, contender, phase, figure);
  return [
    { what: 'FULL speed-up over dar original', value: ratio(m('dar original', 'full', 'wallSeconds'), m(BASELINE, 'full', 'wallSeconds')), limit: 5, lowerIsBetter: false, unit: 'ratio' },
    { what: 'FULL archive size / dar original', value: ratio(m(BASELINE, 'full', 'writtenBytes'), m('dar original', 'full', 'writtenBytes')), limit: 1.05, lowerIsBetter: true, unit: 'ratio' },
    { what: 'FULL time / restic', value: ratio(m(BASELINE, 'full', 'wallSeconds'), m('restic', 'full', 'wallSeconds')), limit: 1, lowerIsBetter: true, unit: 'ratio' },
    { what: 'FULL peak memory / restic', value: ratio(m(BASELINE, 'full', 'maxRssKiB'), m('restic', 'full', 'maxRssKiB')), limit: 1, lowerIsBetter: true, unit: 'ratio' },
    { what: 'INC time / FULL time', value: ratio(m(BASELINE, 'inc', 'wallSeconds'), m(BASELINE, 'full', 'wallSeconds')), limit: 0.15, lowerIsBetter: true, unit: 'ratio' },
    { what: "INC time / restic's second run", value: ratio(m(BASELINE, 'inc', 'wallSeconds'), m('restic', 'inc', 'wallSeconds')), limit: 1, lowerIsBetter: true, unit: 'ratio' },
  ];
}

function formatTargetValue(target: Target): string {
  return target.value === undefined ? 'n/a' : target.unit === 'ratio' ? formatRatio(target.value) : formatSeconds(target.value);
}

function verdict(target: Target): string {
  const met = targetMet(target);
  return met === undefined ? 'not measured' : met ? 'met' : 'not met';
}

/** Rows of the contest table: one per contender and phase. */
export function contestRows(summary: Summary): string[][] {
  const rows: string[][] = [];
  for (const [contender, phases] of Object.entries(summary)) {
    for (const phase of PHASES) {
      const figure = phases[phase];
      if (figure === undefined) continue;
      const baseline = summary[BASELINE]?.[phase];
      rows.push([
        contender,
        phase.toUpperCase(),
        formatSpread(figure.wallSeconds, formatSeconds),
        formatSpread(figure.cpuSeconds, formatSeconds),
        formatSpread(figure.maxRssKiB, (kib) => formatBytes(kib * 1024)),
        figure.writtenBytes === undefined ? '' : formatBytes(figure.writtenBytes.median),
        formatRatio(ratio(figure.wallSeconds.median, baseline?.wallSeconds.median)),
        figure.writtenBytes === undefined ? '' : formatRatio(ratio(figure.writtenBytes.median, baseline?.writtenBytes?.median)),
      ]);
    }
  }
  return rows;
}

export const CONTEST_HEADER = ['contender', 'run', 'wall (median, min-max)', 'CPU', 'peak memory', 'written', 'wall / backup-gen', 'size / backup-gen'];

export function targetRows(targets: readonly Target[]): string[][] {
  return targets.map((target) => [target.what, formatTargetValue(target), `${target.lowerIsBetter ? '≤' : '≥'} ${target.unit === 'ratio' ? formatRatio(target.limit) : formatSeconds(target.limit)}`, verdict(target)]);
}

export const TARGET_HEADER = ['target', 'measured', 'goal', ''];

/** A plain-text table, columns padded, for stdout. */
export function textTable(header: readonly string[], rows: readonly string[][]): string {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

export function markdownTable(header: readonly string[], rows: readonly string[][]): string {
  const line = (cells: readonly string[]) => `| ${cells.map((cell) => cell.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
