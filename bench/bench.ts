// The benchmark of issue 10 (`npm run bench`): corpus, contest, overhead, compile time, scale;
// a table on stdout, the figures as JSON, and with --update-readme the README's table.

import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSettings, type Settings } from './args.js';
import { CONTENDERS, type Contender } from './contenders.js';
import { planCorpus } from './corpus-plan.js';
import { writeCorpus } from './corpus-write.js';
import { hasCommand, installMissing } from './install.js';
import { contestRows, contestTargets, CONTEST_HEADER, markdownTable, summarize, targetRows, TARGET_HEADER, textTable } from './report.js';
import { runRounds } from './rounds.js';
import { measureCompileTimes, type CompileTime } from './compile-time.js';
import { measureOverhead, type OverheadResult } from './overhead.js';
import { spliceBetweenMarkers } from './readme.js';
import { run, shellQuote } from './shell.js';
import { formatCount, renderPanelsSvg } from './svg.js';
import { measureScale, memoryLimit, type ScalePoint } from './scale.js';
import { formatBytes, formatSeconds, formatSpread } from './stats.js';
import { describeMachine, machineLine } from './machine.js';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

/** The pristine corpus: generated from the seed, or a copy of the user's directory (never changed). */
function preparePristine(settings: Settings): string {
  const pristine = join(settings.work, 'pristine');
  if (settings.corpus !== undefined) {
    log(`copying ${settings.corpus} into ${pristine} (the 1 % change is made on copies only)`);
    run(`rm -rf ${shellQuote(pristine)} && cp -a --sparse=always ${shellQuote(resolve(settings.corpus))} ${shellQuote(pristine)}`, { logFile: join(settings.work, 'corpus.log') });
    return pristine;
  }
  const entries = planCorpus(settings.seed, settings.sizeBytes);
  log(`writing the corpus: ${entries.length} entries, about ${(settings.sizeBytes / 2 ** 20).toFixed(0)} MiB, seed ${settings.seed}`);
  run(`rm -rf ${shellQuote(pristine)}`, { logFile: join(settings.work, 'corpus.log') });
  writeCorpus(pristine, entries);
  return pristine;
}

function availableContenders(): Contender[] {
  const missing = installMissing(log);
  return CONTENDERS.filter((contender) => {
    const absent = contender.requires.filter((command) => missing.includes(command) || !hasCommand(command));
    if (absent.length > 0) log(`SKIPPED ${contender.name}: ${absent.join(', ')} not installed`);
    return absent.length === 0;
  });
}

/** 24 GiB: the machines of this project, and the figure the issue asks about. */
const MEMORY_OF_INTEREST = 24 * 2 ** 30;

function scaleSvg(points: readonly ScalePoint[]): string {
  const series = (value: (point: ScalePoint) => number) =>
    (['dar', 'restic'] as const).flatMap((tool) =>
      (['full', 'inc'] as const).map((phase) => ({
        name: `${tool} ${phase.toUpperCase()}`,
        points: points.filter((p) => p.tool === tool && p.phase === phase).map((p) => ({ x: p.files, y: value(p) })),
      })),
    ).filter((s) => s.points.length > 0);
  return renderPanelsSvg([
    { title: 'Time', yLabel: 'wall seconds', series: series((p) => p.timing.wallSeconds) },
    { title: 'Peak memory', yLabel: 'MiB', series: series((p) => p.timing.maxRssKiB / 1024) },
  ]);
}

interface Extras {
  overhead: OverheadResult;
  compile: CompileTime[];
  scale: { darOptions: string[]; points: ScalePoint[] };
  limit: ReturnType<typeof memoryLimit>;
}

function extrasTables(extras: Extras): { overhead: string[][]; compile: string[][]; scale: string[][]; limitLine: string } {
  const overhead = (['full', 'inc'] as const).map((phase) => {
    const o = extras.overhead[phase];
    return [phase.toUpperCase(), formatSeconds(o.scriptSeconds), `${formatSeconds(o.toolSeconds)} (${o.toolRuns} runs)`, formatSeconds(o.overheadSeconds), o.overheadSeconds < 0.5 ? 'met (< 0.5 s)' : 'not met (< 0.5 s)'];
  });
  const compile = extras.compile.map((c) => [c.profile, formatSpread(c.wallSeconds, formatSeconds), c.profile.startsWith('node -e') ? '' : c.wallSeconds.median < 0.3 ? 'met (< 0.3 s)' : 'not met (< 0.3 s)']);
  const scale = extras.scale.points.map((p) => [formatCount(p.files), p.tool, p.phase.toUpperCase(), formatSeconds(p.timing.wallSeconds), `${(p.timing.maxRssKiB / 1024).toFixed(0)} MiB`]);
  const limitLine = extras.limit === undefined
    ? 'dar memory per file: not enough scale points to say'
    : `dar's peak memory grows by ${extras.limit.kibPerFile.toFixed(2)} KiB per file: a 24 GiB machine runs out at about ${formatCount(extras.limit.files)} files`;
  return { overhead, compile, scale, limitLine };
}

const OVERHEAD_HEADER = ['run', 'script wall', 'inside dar/rsync/sync', 'overhead', 'target'];
const COMPILE_HEADER = ['profile', 'cold compile wall (median, min-max)', 'target'];
const SCALE_HEADER = ['files', 'tool', 'run', 'wall', 'peak memory'];

function main(): number {
  const settings = parseSettings(process.argv.slice(2), REPO_ROOT, mkdtempSync(join(tmpdir(), 'backup-gen-bench.')));
  mkdirSync(settings.work, { recursive: true });
  log(`work directory ${settings.work}`);
  const contenders = availableContenders();
  const pristine = preparePristine(settings);
  const cli = join(REPO_ROOT, 'dist', 'cli.js');
  if (!existsSync(cli)) throw new Error(`${cli} is missing: npm run build first (npm run bench does)`);
  const contest = runRounds({ pristine, work: settings.work, runs: settings.runs, seed: settings.seed, cli, contenders, log });
  const summary = summarize(contest.samples);
  const targets = contestTargets(summary);
  log('the script\'s own overhead (dar, rsync and sync behind timing wrappers)');
  const overhead = measureOverhead({ pristine, work: settings.work, cli, seed: settings.seed });
  log(`compile time (${settings.compileRuns} cold runs each)`);
  const compile = measureCompileTimes({ cli, examples: join(REPO_ROOT, 'examples'), work: settings.work, runs: settings.compileRuns });
  log(`scale: ${settings.scale.map(formatCount).join(', ')} files`);
  const scale = measureScale({ counts: settings.scale, work: settings.work, seed: settings.seed, cli, restic: contenders.some((c) => c.name === 'restic'), log });
  const limit = memoryLimit(scale.points, MEMORY_OF_INTEREST);
  const tables = extrasTables({ overhead, compile, scale, limit });
  const machine = describeMachine();
  process.stdout.write(`\n${textTable(CONTEST_HEADER, contestRows(summary))}\n\n${textTable(TARGET_HEADER, targetRows(targets))}\n`);
  process.stdout.write(`\n${textTable(OVERHEAD_HEADER, tables.overhead)}\n\n${textTable(COMPILE_HEADER, tables.compile)}\n\n${textTable(SCALE_HEADER, tables.scale)}\n${tables.limitLine}\n\n${machineLine(machine)}\n`);
  const resultsDirectory = dirname(settings.json);
  mkdirSync(resultsDirectory, { recursive: true });
  const svgPath = join(resultsDirectory, 'scale.svg');
  writeFileSync(svgPath, scaleSvg(scale.points));
  writeFileSync(settings.json, `${JSON.stringify({ machine, settings, files: contest.files, summary, targets, overhead, compile, scale, memoryLimit24GiB: limit, samples: contest.samples, failures: contest.failures }, null, 2)}\n`);
  log(`figures written to ${settings.json}, the scale curve to ${svgPath}`);
  if (settings.updateReadme) {
    const readme = join(REPO_ROOT, 'README.md');
    const markdown = [
      `Measured on ${machineLine(machine)}; corpus ${settings.corpus === undefined ? `generated, ${formatBytes(settings.sizeBytes)}, seed ${settings.seed}` : 'a given directory'}, ${contest.files} files; ${settings.runs} rounds, median (min-max).`,
      '',
      markdownTable(CONTEST_HEADER, contestRows(summary)),
      '',
      markdownTable(TARGET_HEADER, targetRows(targets)),
      '',
      markdownTable(OVERHEAD_HEADER, tables.overhead),
      '',
      markdownTable(COMPILE_HEADER, tables.compile),
      '',
      markdownTable(SCALE_HEADER, tables.scale),
      '',
      `${tables.limitLine}.`,
      '',
      '![Time and peak memory of a FULL and an INC against the number of files, dar and restic](bench/results/scale.svg)',
    ].join('\n');
    writeFileSync(readme, spliceBetweenMarkers(readFileSync(readme, 'utf8'), markdown));
    log(`README.md: the table between the bench markers updated`);
  }
  for (const failure of contest.failures) process.stderr.write(`bench: FAILED: ${failure}\n`);
  return contest.failures.length > 0 ? 1 : 0;
}

try {
  process.exitCode = main();
} catch (error) {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
