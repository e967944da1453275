// The benchmark's pure report parts (bench/): median and spread, ratio formatting, quantities,
// the scale SVG and the README splice.

import { describe, expect, it } from 'vitest';
import { BEGIN_MARKER, END_MARKER, spliceBetweenMarkers } from '../../bench/readme.js';
import { contestTargets, summarize, targetMet } from '../../bench/report.js';
import type { Sample } from '../../bench/rounds.js';
import { rotated } from '../../bench/rounds.js';
import { memoryLimit, type ScalePoint } from '../../bench/scale.js';
import { formatBytes, formatRatio, formatSeconds, formatSpread, parseQuantity, ratio, spreadOf } from '../../bench/stats.js';
import { renderPanelsSvg } from '../../bench/svg.js';

describe('spreadOf', () => {
  it.each([
    [[3], 3, 3, 3],
    [[5, 1, 3], 3, 1, 5],
    [[4, 1, 3, 2], 2.5, 1, 4],
    [[2, 2, 9], 2, 2, 9],
  ])('%j: median %d, min %d, max %d', (values, median, min, max) => {
    expect(spreadOf(values)).toEqual({ median, min, max, count: values.length });
  });

  it('has no spread for no values', () => {
    expect(spreadOf([])).toBeUndefined();
  });
});

describe('ratio and formatRatio', () => {
  it.each([
    [34, 9.7, '3.51×'],
    [1, 1, '1.00×'],
    [25, 2, '13×'],
    [1, 50, '0.020×'],
    [1, 0, 'n/a'],
    [undefined, 2, 'n/a'],
  ])('%s / %s is %s', (numerator, denominator, text) => {
    expect(formatRatio(ratio(numerator, denominator))).toBe(text);
  });
});

describe('formatting', () => {
  it.each([
    [12.345, '12.3 s'],
    [0.4123, '0.41 s'],
    [0.01234, '0.012 s'],
  ])('%d seconds is %s', (seconds, text) => {
    expect(formatSeconds(seconds)).toBe(text);
  });

  it.each([
    [512, '512 B'],
    [1536, '1.5 KiB'],
    [340 * 2 ** 20, '340 MiB'],
    [1.5 * 2 ** 30, '1.5 GiB'],
  ])('%d bytes is %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });

  it('shows the range only when the rounds differ', () => {
    expect(formatSpread(spreadOf([1, 2, 3]), formatSeconds)).toBe('2.00 s (1.00 s-3.00 s)');
    expect(formatSpread(spreadOf([2]), formatSeconds)).toBe('2.00 s');
    expect(formatSpread(spreadOf([2.001, 2.002]), formatSeconds)).toBe('2.00 s');
  });

  it.each([
    ['1G', 1024, 2 ** 30],
    ['200M', 1024, 200 * 2 ** 20],
    ['20MiB', 1024, 20 * 2 ** 20],
    ['10k', 1000, 10_000],
    ['1M', 1000, 1_000_000],
    ['1.5k', 1000, 1500],
  ])('%s (base %d) is %d', (text, base, value) => {
    expect(parseQuantity(text, base as 1000 | 1024)).toBe(value);
  });

  it('refuses what is not a quantity', () => {
    expect(() => parseQuantity('lots', 1024)).toThrow(/not a quantity/);
  });
});

describe('rotated', () => {
  it('starts each round at the next contender', () => {
    expect([0, 1, 2, 3].map((round) => rotated(['a', 'b', 'c'], round).join(''))).toEqual(['abc', 'bca', 'cab', 'abc']);
  });
});

describe('summarize and contestTargets', () => {
  const sample = (contender: string, phase: Sample['phase'], wallSeconds: number, writtenBytes?: number): Sample => ({ contender, phase, round: 0, wallSeconds, cpuSeconds: wallSeconds, maxRssKiB: 1000, ...(writtenBytes === undefined ? {} : { writtenBytes }) });

  it('takes the median of the rounds and the ratios of the issue', () => {
    const samples = [sample('backup-gen default', 'full', 2, 100), sample('backup-gen default', 'full', 4, 100), sample('backup-gen default', 'full', 3, 100), sample('dar original', 'full', 30, 100), sample('backup-gen default', 'inc', 0.3)];
    const summary = summarize(samples);
    expect(summary['backup-gen default']?.full?.wallSeconds).toEqual({ median: 3, min: 2, max: 4, count: 3 });
    const targets = contestTargets(summary);
    const speedUp = targets.find((t) => t.what.startsWith('FULL speed-up'));
    expect(speedUp?.value).toBe(10);
    expect(targetMet(speedUp!)).toBe(true);
    expect(targets.find((t) => t.what === 'INC time / FULL time')?.value).toBeCloseTo(0.1);
    expect(targetMet(targets.find((t) => t.what === 'FULL time / restic')!)).toBeUndefined();
  });
});

/** Checks that every tag is closed in order: enough to catch a broken template. */
function wellFormedErrors(xml: string): string[] {
  const stack: string[] = [];
  const errors: string[] = [];
  for (const match of xml.replace(/<\?xml[^>]*\?>/, '').matchAll(/<(\/?)([A-Za-z][\w:-]*)([^>]*?)(\/?)>/g)) {
    const [, closing, name, , selfClosing] = match;
    if (selfClosing === '/') continue;
    if (closing === '/') {
      if (stack.pop() !== name) errors.push(`unexpected </${name}>`);
    } else stack.push(name as string);
  }
  return errors.concat(stack.map((name) => `unclosed <${name}>`));
}

describe('renderPanelsSvg', () => {
  const panels = [
    { title: 'Time', yLabel: 's', series: [{ name: 'dar FULL', points: [{ x: 10_000, y: 1.5 }, { x: 100_000, y: 14 }] }, { name: 'restic & co <FULL>', points: [{ x: 10_000, y: 2 }] }] },
    { title: 'Peak memory', yLabel: 'MiB', series: [{ name: 'dar FULL', points: [{ x: 10_000, y: 20 }, { x: 100_000, y: 150 }] }] },
  ];
  const svg = renderPanelsSvg(panels);

  it('is well-formed, with the names escaped', () => {
    expect(svg.startsWith('<?xml')).toBe(true);
    expect(wellFormedErrors(svg)).toEqual([]);
    expect(svg).toContain('restic &amp; co &lt;FULL&gt;');
  });

  it('has one circle per point it was given, with its values', () => {
    const circles = [...svg.matchAll(/<circle [^>]*data-series="([^"]*)" data-x="([^"]*)" data-y="([^"]*)"/g)].map((m) => `${m[1]} ${m[2]} ${m[3]}`);
    expect(circles).toEqual(['dar FULL 10000 1.5', 'dar FULL 100000 14', 'restic &amp; co &lt;FULL&gt; 10000 2', 'dar FULL 10000 20', 'dar FULL 100000 150']);
  });
});

describe('memoryLimit', () => {
  const point = (files: number, kib: number): ScalePoint => ({ tool: 'dar', phase: 'full', files, timing: { wallSeconds: 1, cpuSeconds: 1, maxRssKiB: kib } });

  it('extrapolates from the two largest counts', () => {
    const limit = memoryLimit([point(1000, 10_000), point(10_000, 20_000), point(100_000, 110_000)], 2 ** 30);
    expect(limit?.kibPerFile).toBeCloseTo(1);
    expect(limit?.files).toBe(100_000 + (2 ** 20 - 110_000));
  });

  it('says nothing from one count', () => {
    expect(memoryLimit([point(1000, 10_000)], 2 ** 30)).toBeUndefined();
  });
});

describe('spliceBetweenMarkers', () => {
  it('replaces only what is between the markers', () => {
    const readme = `# Title\n\n## Speed\n\nintro\n${BEGIN_MARKER}\nold table\n${END_MARKER}\n\n## Development\nrest\n`;
    expect(spliceBetweenMarkers(readme, '| new |')).toBe(`# Title\n\n## Speed\n\nintro\n${BEGIN_MARKER}\n| new |\n${END_MARKER}\n\n## Development\nrest\n`);
  });

  it('gives the same text when spliced twice', () => {
    const readme = `a\n${BEGIN_MARKER}\n${END_MARKER}\nb\n`;
    const once = spliceBetweenMarkers(readme, 'x');
    expect(spliceBetweenMarkers(once, 'x')).toBe(once);
  });

  it('refuses a README without the markers', () => {
    expect(() => spliceBetweenMarkers('# no markers\n', 'x')).toThrow(/no <!-- BEGIN BENCH TABLE -->/);
  });
});
