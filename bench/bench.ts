// The benchmark of issue 10 (`npm run bench`): corpus, contest, overhead, compile time, scale;
// a table on stdout, the figures as JSON, and with --update-readme the README's table.

import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSettings, type Settings } from './args.js';
import { CONTENDERS, type Contender } from './contenders.js';
import { planCorpus } from './corpus-plan.js';
import { writeCorpus } from './corpus-write.js';
import { hasCommand, installMissing } from './install.js';
import { describeMachine } from './machine.js';
import { contestRows, contestTargets, CONTEST_HEADER, summarize, targetRows, TARGET_HEADER, textTable } from './report.js';
import { runRounds } from './rounds.js';
import { run, shellQuote } from './shell.js';

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
  process.stdout.write(`\n${textTable(CONTEST_HEADER, contestRows(summary))}\n\n${textTable(TARGET_HEADER, targetRows(targets))}\n`);
  const machine = describeMachine();
  mkdirSync(dirname(settings.json), { recursive: true });
  writeFileSync(settings.json, `${JSON.stringify({ machine, settings, files: contest.files, summary, targets, samples: contest.samples, failures: contest.failures }, null, 2)}\n`);
  log(`figures written to ${settings.json}`);
  for (const failure of contest.failures) process.stderr.write(`bench: FAILED: ${failure}\n`);
  return contest.failures.length > 0 ? 1 : 0;
}

try {
  process.exitCode = main();
} catch (error) {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
