#!/usr/bin/env node
// The CLI: the only module that does I/O. Reads the profile and templates, runs the pure pipeline,
// prints diagnostics, writes the script (or the systemd units), compares a deployed script.
// Exit 0 success, 1 invalid profile, 2 usage error, 3 a deployed script differs (check --script).
import { Command, CommanderError } from 'commander';
import { closeSync, fchmodSync, fsyncSync, lstatSync, openSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { explainDifference, readScriptHeader } from './audit.js';
import { compileProfile, type CompileResult } from './compile.js';
import { formatDiagnostic, hasErrors } from './diagnostics.js';
import { unifiedDiff } from './diff.js';
import { loadTemplates } from './emit/render.js';
import { renderExampleProfile } from './profile/reference.js';
import { DEFAULT_ON_CALENDAR, renderUnits } from './units.js';
import { VERSION } from './version.js';

const TEMPLATES_DIRECTORY = join(dirname(fileURLToPath(import.meta.url)), '..', 'templates');
// npm run build's precompiled templates (src/build/precompile-templates.ts), beside the emit stage.
const PRECOMPILED_DIRECTORY = join(dirname(fileURLToPath(import.meta.url)), 'emit');

class UsageError extends Error {}

/** check --script: the deployed script is not what the profile compiles to. */
const EXIT_DIFFERS = 3;

function readInput(what: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new UsageError(`cannot read ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

function readProfile(path: string): Uint8Array {
  return readInput('profile', path);
}

/** Prints every diagnostic; returns the exit code for an invalid profile, or undefined. */
function report(path: string, result: CompileResult): number | undefined {
  for (const d of result.diagnostics) process.stderr.write(`${formatDiagnostic(path, d)}\n`);
  if (!hasErrors(result.diagnostics)) return undefined;
  const count = result.diagnostics.filter((d) => d.severity === 'error').length;
  process.stderr.write(`${path}: ${count} error${count === 1 ? '' : 's'}; no script written\n`);
  return 1;
}

interface OutputFile {
  path: string;
  text: string;
  /** Before the umask, unless exactMode. */
  mode: number;
  exactMode?: boolean;
}

/** What kind of file a destination that is not a regular file is, for the error. */
function kindOfFile(path: string): string {
  const stats = statSync(path);
  if (stats.isDirectory()) return 'a directory';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isFIFO()) return 'a pipe';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * Where a destination's bytes really go. A rename replaces whatever name it lands on, so -o
 * /dev/null as root would put a script where the device was, and -o LINK would replace a symbolic
 * link with a file: a destination that exists must be a regular file, and a link is followed to it
 * (as cp does). A name that does not exist yet is written as given.
 */
function resolveDestination(path: string): string {
  let exists = true;
  try {
    lstatSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') throw new UsageError(`cannot write ${path}: ${code ?? String(error)}`);
    exists = false;
  }
  if (!exists) return path;
  let target: string;
  try {
    target = realpathSync(path);
  } catch (error) {
    // A dangling link: its target is what would be written, so name it.
    throw new UsageError(`cannot write ${path}: it is a symbolic link to a file that does not exist (${(error as NodeJS.ErrnoException).code ?? String(error)}); nothing written`);
  }
  if (!statSync(target).isFile()) {
    throw new UsageError(`cannot write ${path}: it is ${kindOfFile(target)}, not a regular file; nothing written (without -o the output goes to stdout)`);
  }
  return target;
}

/**
 * Each file is written beside its destination, then all are renamed into place: a reader never
 * sees half a file, and a failure before the renames leaves every destination as it was.
 */
function writeFilesAtomically(requested: readonly OutputFile[]): void {
  // Every destination is checked before the first byte is written, so a bad one writes nothing.
  const files = requested.map((file) => ({ ...file, path: resolveDestination(file.path) }));
  const temporaries: string[] = [];
  let current = files[0]?.path ?? '';
  try {
    for (const file of files) {
      current = file.path;
      const temporary = join(dirname(file.path), `.${basename(file.path)}.${process.pid}.tmp`);
      const fd = openSync(temporary, 'w', file.mode);
      temporaries.push(temporary);
      try {
        if (file.exactMode === true) fchmodSync(fd, file.mode);
        writeSync(fd, file.text);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    }
    files.forEach((file, i) => {
      current = file.path;
      renameSync(temporaries[i] as string, file.path);
    });
  } catch (error) {
    for (const temporary of temporaries) rmSync(temporary, { force: true });
    throw new UsageError(`cannot write ${current}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

function writeAtomically(path: string, text: string, mode: number): void {
  writeFilesAtomically([{ path, text, mode }]);
}

function compileCommand(path: string, options: { output?: string; noop?: boolean }): number {
  const result = compileProfile(readProfile(path), { profileName: basename(path), templates: loadTemplates(TEMPLATES_DIRECTORY, PRECOMPILED_DIRECTORY), noopVariant: options.noop === true });
  const failed = report(path, result);
  if (failed !== undefined || result.script === undefined) return failed ?? 1;
  if (options.output === undefined) process.stdout.write(result.script);
  else writeAtomically(options.output, result.script, 0o700);
  return 0;
}

/** A profile is not a program: -o writes it like any text file (0666 before the umask). */
function initCommand(options: { output?: string }): number {
  const text = renderExampleProfile();
  if (options.output === undefined) process.stdout.write(text);
  else writeAtomically(options.output, text, 0o666);
  return 0;
}

function checkCommand(path: string, options: { script?: string }): number {
  if (options.script !== undefined) return checkDeployedCommand(path, options.script);
  const failed = report(path, compileProfile(readProfile(path), { profileName: basename(path) }));
  if (failed !== undefined) return failed;
  process.stderr.write(`${path}: ok\n`);
  return 0;
}

/**
 * check PROFILE --script DEPLOYED: compiles PROFILE as DEPLOYED was compiled (the noop variant when
 * its header says so) and compares the bytes. Differences: the diff on stdout, the likely causes on
 * stderr, exit 3.
 */
function checkDeployedCommand(path: string, scriptPath: string): number {
  const profile = readProfile(path);
  const deployed = readInput('deployed script', scriptPath);
  const header = readScriptHeader(deployed.toString('utf8'));
  const result = compileProfile(profile, { profileName: basename(path), templates: loadTemplates(TEMPLATES_DIRECTORY, PRECOMPILED_DIRECTORY), noopVariant: header.noopVariant });
  const failed = report(path, result);
  if (failed !== undefined || result.script === undefined || result.plan === undefined) return failed ?? 1;
  const variant = header.noopVariant ? 'the noop variant, as its header says' : 'the real script, not the noop variant';
  const compiled = `${path} compiled by backup-gen ${VERSION}${header.noopVariant ? ' --noop' : ''}`;
  if (Buffer.compare(deployed, Buffer.from(result.script, 'utf8')) === 0) {
    process.stderr.write(`${scriptPath}: identical to ${compiled} (${variant})\n`);
    return 0;
  }
  process.stdout.write(unifiedDiff(deployed.toString('utf8'), result.script, { from: scriptPath, to: compiled }));
  process.stderr.write(`${scriptPath}: differs from ${compiled} (${variant}); the diff is on stdout\n`);
  for (const reason of explainDifference(header, { profileName: basename(path), version: VERSION, profileSha256: result.plan.generator.profileSha256 })) {
    process.stderr.write(`${scriptPath}: likely cause: ${reason}\n`);
  }
  return EXIT_DIFFERS;
}

/** units PROFILE --dir DIR: the service and timer into DIR (0644, atomically), the crontab line on stdout. */
function unitsCommand(path: string, options: { dir: string; onCalendar?: string; script?: string }): number {
  const result = compileProfile(readProfile(path), { profileName: basename(path) });
  const failed = report(path, result);
  if (failed !== undefined || result.plan === undefined) return failed ?? 1;
  const rendered = renderUnits(result.plan, { onCalendar: options.onCalendar, scriptPath: options.script });
  if (!rendered.ok) throw new UsageError(rendered.problem);
  const { unitName, service, timer, crontab } = rendered.units;
  const files = [
    { path: join(options.dir, `${unitName}.service`), text: service, mode: 0o644, exactMode: true },
    { path: join(options.dir, `${unitName}.timer`), text: timer, mode: 0o644, exactMode: true },
  ];
  writeFilesAtomically(files);
  for (const file of files) process.stderr.write(`wrote ${file.path}\n`);
  process.stderr.write(`then: systemctl daemon-reload && systemctl enable --now ${unitName}.timer (or use the crontab line on stdout instead)\n`);
  process.stdout.write(crontab);
  return 0;
}

function planCommand(path: string): number {
  const result = compileProfile(readProfile(path), { profileName: basename(path) });
  const failed = report(path, result);
  if (failed !== undefined) return failed;
  process.stdout.write(`${JSON.stringify(result.plan, null, 2)}\n`);
  return 0;
}

function buildProgram(setExitCode: (code: number) => void): Command {
  const program = new Command('backup-gen')
    .description('Compile an INI backup profile into a standalone bash script (LVM snapshots, dar, rsync).')
    .version(VERSION)
    .exitOverride()
    // Options after a command name are that command's: `init -o FILE` is init's -o, not the
    // compile path's, and `check X -o FILE` is a usage error instead of an ignored option.
    .enablePositionalOptions()
    .allowExcessArguments(false)
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .argument('[profile]', 'the profile to compile')
    .option('-o, --output <file>', 'write the script to FILE (mode 0700, atomically) instead of stdout')
    .option('--noop', 'emit the noop variant: a script that only prints what it would run')
    .addHelpText('after', '\nExit codes: 0 success, 1 invalid profile, 2 usage error, 3 (check --script) the deployed script differs.')
    .action((profile: string | undefined, options: { output?: string; noop?: boolean }) => {
      if (profile === undefined) throw new UsageError('missing profile; try backup-gen --help');
      setExitCode(compileCommand(profile, options));
    });
  program
    .command('check')
    .allowExcessArguments(false)
    .description('validate a profile only; with --script, say whether a deployed script is exactly what the profile compiles to, and show the diff when not')
    .argument('<profile>')
    .option('--script <file>', 'the deployed script to compare (its header says whether it is the noop variant)')
    .action((p: string, options: { script?: string }) => setExitCode(checkCommand(p, options)));
  program.command('plan').allowExcessArguments(false).description('print the resolved plan (every default filled in) as JSON').argument('<profile>').action((p: string) => setExitCode(planCommand(p)));
  program
    .command('units')
    .allowExcessArguments(false)
    .description('write into DIR a systemd service and timer that run the deployed script; print the equivalent crontab line')
    .argument('<profile>')
    .requiredOption('--dir <dir>', 'where to write backup-gen-NAME.service and backup-gen-NAME.timer (mode 0644, atomically)')
    .option('--on-calendar <spec>', `when to run, as systemd OnCalendar= (default: ${DEFAULT_ON_CALENDAR})`)
    .option('--script <path>', 'the absolute path the script is deployed at (default: /usr/local/sbin/NAME.sh)')
    .action((p: string, options: { dir: string; onCalendar?: string; script?: string }) => setExitCode(unitsCommand(p, options)));
  program
    .command('init')
    .allowExcessArguments(false)
    .description('print a commented example profile')
    .option('-o, --output <file>', 'write the profile to FILE (atomically) instead of stdout')
    .action((options: { output?: string }) => setExitCode(initCommand(options)));
  return program;
}

function main(argv: string[]): number {
  let exitCode = 0;
  try {
    buildProgram((code) => (exitCode = code)).parse(argv);
  } catch (error) {
    if (error instanceof CommanderError) return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.exitCode === 0 ? 0 : 2;
    if (error instanceof UsageError) {
      process.stderr.write(`backup-gen: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  return exitCode;
}

process.exitCode = main(process.argv);
