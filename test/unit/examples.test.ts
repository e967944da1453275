// Golden tests through the real CLI: every examples/X.ini compiles to the committed examples/X.sh
// (`vitest -u` regenerates them; read the diff). Every generated script, examples and fixtures,
// real and noop variants, passes bash -n and shellcheck, and comes out the same bytes wherever,
// whenever and in whatever locale it is compiled.

import { copyFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bashSyntaxErrors,
  ensureBuilt,
  EXAMPLES_DIRECTORY,
  FIXTURE_PROFILES_DIRECTORY,
  makeTempDirectory,
  mapLimit,
  PARALLELISM,
  REPO_ROOT,
  runCliAsync,
  shellcheckAsync,
  type CliRun,
} from './fixtures/support.js';

const EXAMPLES = readdirSync(EXAMPLES_DIRECTORY).filter((f) => f.endsWith('.ini')).sort();
const FIXTURES = readdirSync(FIXTURE_PROFILES_DIRECTORY).filter((f) => f.endsWith('.ini')).sort();
/** Profiles whose values hold a literal $, ` or a \ before a closing quote: the emitter marks those lines for shellcheck. */
const LITERAL_PROFILES = ['fixtures/hooks-together.ini', 'fixtures/literal-dollar.ini', 'fixtures/nasty.ini'];
/** What the emitter writes before such a line; the reason after the second "#" is part of the contract. */
const DIRECTIVE = /^ *# shellcheck disable=(SC2016|SC1003|SC2016,SC1003) # single-quoted on purpose: /;

interface Generated {
  /** "examples/X.ini" or "fixtures/X.ini", plus " --noop" for the noop variant. */
  name: string;
  profile: string;
  noop: boolean;
  run?: CliRun;
  file?: string;
}

const generated: Generated[] = [
  ...EXAMPLES.map((f) => ({ name: `examples/${f}`, profile: join(EXAMPLES_DIRECTORY, f) })),
  ...FIXTURES.map((f) => ({ name: `fixtures/${f}`, profile: join(FIXTURE_PROFILES_DIRECTORY, f) })),
].flatMap((p) => [
  { ...p, noop: false },
  { ...p, name: `${p.name} --noop`, noop: true },
]);

let scratch: string;
const shellcheckOutput = new Map<string, { style: string; warning: string }>();
let syntaxErrors: Map<string, string>;

beforeAll(async () => {
  ensureBuilt();
  scratch = makeTempDirectory();
  await mapLimit(generated, PARALLELISM * 2, async (g) => {
    g.run = await runCliAsync([...(g.noop ? ['--noop'] : []), relative(REPO_ROOT, g.profile)]);
  });
  generated.forEach((g) => {
    // Named after the profile so that shellcheck's findings say which script they are about.
    g.file = join(scratch, `${g.name.replace(/[^A-Za-z0-9.-]+/g, '_')}.sh`);
    writeFileSync(g.file, g.run?.stdout ?? '');
  });
  syntaxErrors = bashSyntaxErrors(new Map(generated.map((g) => [g.name, g.run?.stdout ?? ''])));
  const outputs = await mapLimit(generated, PARALLELISM, (g) => shellcheckAsync(g.file as string));
  generated.forEach((g, i) => {
    const style = outputs[i] as string;
    // gcc format: "FILE:LINE:COL: error|warning|note: message [SCnnnn]"; info and style are notes.
    const warning = style.split('\n').filter((l) => /: (?:error|warning): /.test(l)).join('\n');
    shellcheckOutput.set(g.name, { style, warning });
  });
}, 180_000);

afterAll(() => {
  if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
});

describe('golden files: examples/X.ini compiles to the committed examples/X.sh', () => {
  it('there is at least the original example', () => {
    expect(EXAMPLES).toContain('host-precise.ini');
  });

  it.each(EXAMPLES)('%s', async (file) => {
    const run = generated.find((g) => g.name === `examples/${file}`)?.run as CliRun;
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    await expect(run.stdout).toMatchFileSnapshot(join('..', '..', 'examples', file.replace(/\.ini$/, '.sh')));
  });
});

describe('every generated script', () => {
  it.each(generated.map((g) => [g.name]))('%s: compiles (exit 0, nothing on stderr)', (name) => {
    const run = generated.find((g) => g.name === name)?.run as CliRun;
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    expect(run.stdout).toMatch(/^#!\/usr\/bin\/env bash\n/);
    expect(run.stdout).toMatch(/\nmain "\$@"\n$/);
  });

  it.each(generated.map((g) => [g.name]))('%s: bash -n', (name) => {
    expect(syntaxErrors.get(name)).toBeUndefined();
  });

  it.each(generated.map((g) => [g.name]))('%s: no shellcheck warning or error', (name) => {
    expect(shellcheckOutput.get(name)?.warning).toBe('');
  });

  it.each(generated.map((g) => [g.name]))('%s: shellcheck clean at every severity', (name) => {
    expect(shellcheckOutput.get(name)?.style).toBe('');
  });

  // A value holding "$" or "`" (or a "\\" before its closing quote) is single-quoted on purpose;
  // shellcheck would note that it does not expand (SC2016) or looks like an escape (SC1003). The
  // emitter says so on the line before each such statement, never in a blanket directive.
  it.each(generated.filter((g) => LITERAL_PROFILES.some((p) => g.name.startsWith(p))).map((g) => [g.name]))('%s: a directive with its reason right before each line that single-quotes a literal $, ` or \\, and nowhere else', (name) => {
    const lines = (generated.find((g) => g.name === name)?.run?.stdout ?? '').split('\n');
    const directives = lines.flatMap((line, i) => (/^ *# shellcheck /.test(line) ? [i] : []));
    expect(directives.length).toBeGreaterThan(3);
    for (const i of directives) {
      expect(lines[i]).toMatch(DIRECTIVE);
      const next = lines[i + 1] as string;
      expect(next.startsWith(' '.repeat((lines[i] as string).search(/#/))), 'same indentation as its statement').toBe(true);
      expect(next).toMatch(/^ *(?:(?:readonly|local) |[A-Z_]+\[[A-Za-z0-9_-]+\]=)/);
      expect(next).toMatch(/'[^']*[$`]|\\'/);
    }
  });

  it.each(generated.filter((g) => g.noop).map((g) => [g.name]))('%s: is the noop variant and cannot be switched off', (name) => {
    const script = generated.find((g) => g.name === name)?.run?.stdout ?? '';
    expect(script).toContain('readonly NOOP_VARIANT=1\n');
    expect(script).toContain('# THE NOOP VARIANT');
  });
});

describe('deterministic bytes', () => {
  const profiles = [...EXAMPLES.map((f) => join(EXAMPLES_DIRECTORY, f)), join(FIXTURE_PROFILES_DIRECTORY, 'nasty.ini')];
  const reference = (profile: string) => generated.find((g) => g.profile === profile && !g.noop)?.run?.stdout as string;

  it.each(profiles.map((p) => [relative(REPO_ROOT, p), p]))('%s: same bytes twice, from another directory, in any time zone and locale', async (_name, profile) => {
    const elsewhere = makeTempDirectory();
    try {
      const copy = join(elsewhere, basename(profile));
      copyFileSync(profile, copy);
      const env = (extra: Record<string, string>) => ({ ...process.env, ...extra });
      const runs = await Promise.all([
        // the reference run used the path relative to the repository, from the repository
        runCliAsync([relative(REPO_ROOT, profile)]),
        runCliAsync([profile], { cwd: elsewhere }),
        runCliAsync([copy], { cwd: dirname(REPO_ROOT), env: env({ TZ: 'Pacific/Kiritimati', LANG: 'C', LC_ALL: 'C' }) }),
        runCliAsync([basename(profile)], { cwd: elsewhere, env: env({ TZ: 'America/St_Johns', LANG: 'de_DE.UTF-8', LC_ALL: 'de_DE.UTF-8', LANGUAGE: 'de' }) }),
      ]);
      for (const run of runs) {
        expect(run.status).toBe(0);
        expect(run.stdout).toBe(reference(profile));
      }
      const script = reference(profile);
      for (const machinePath of [REPO_ROOT, elsewhere, FIXTURE_PROFILES_DIRECTORY].filter((p) => p.length > 1)) {
        expect(script.includes(machinePath), `script contains the build machine's ${machinePath}`).toBe(false);
      }
      // "/tmp" appears on purpose, as the run-time default of ${TMPDIR:-/tmp}; the temporary
      // directory this test compiled from does not.
      expect(script).not.toMatch(/backup-gen-test-/);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  }, 60_000);
});
