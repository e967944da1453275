#!/usr/bin/env node
// The CLI: the only module that does I/O. Reads the profile and templates, runs the pure pipeline,
// prints diagnostics, writes the script. Exit 0 success, 1 invalid profile, 2 usage error.
import { Command, CommanderError } from 'commander';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileProfile, type CompileResult } from './compile.js';
import { formatDiagnostic, hasErrors } from './diagnostics.js';
import { loadTemplates } from './emit/render.js';
import { renderExampleProfile } from './profile/reference.js';
import { VERSION } from './version.js';

const TEMPLATES_DIRECTORY = join(dirname(fileURLToPath(import.meta.url)), '..', 'templates');

class UsageError extends Error {}

function readProfile(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new UsageError(`cannot read profile ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

/** Prints every diagnostic; returns the exit code for an invalid profile, or undefined. */
function report(path: string, result: CompileResult): number | undefined {
  for (const d of result.diagnostics) process.stderr.write(`${formatDiagnostic(path, d)}\n`);
  if (!hasErrors(result.diagnostics)) return undefined;
  const count = result.diagnostics.filter((d) => d.severity === 'error').length;
  process.stderr.write(`${path}: ${count} error${count === 1 ? '' : 's'}; no script written\n`);
  return 1;
}

/** Written beside the destination, then renamed: a reader never sees half a file. mode: before the umask. */
function writeAtomically(path: string, text: string, mode: number): void {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    const fd = openSync(temporary, 'w', mode);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new UsageError(`cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

function compileCommand(path: string, options: { output?: string; noop?: boolean }): number {
  const result = compileProfile(readProfile(path), { profileName: basename(path), templates: loadTemplates(TEMPLATES_DIRECTORY), noopVariant: options.noop === true });
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

function checkCommand(path: string): number {
  const failed = report(path, compileProfile(readProfile(path), { profileName: basename(path) }));
  if (failed !== undefined) return failed;
  process.stderr.write(`${path}: ok\n`);
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
    .addHelpText('after', '\nExit codes: 0 success, 1 invalid profile, 2 usage error.')
    .action((profile: string | undefined, options: { output?: string; noop?: boolean }) => {
      if (profile === undefined) throw new UsageError('missing profile; try backup-gen --help');
      setExitCode(compileCommand(profile, options));
    });
  program.command('check').allowExcessArguments(false).description('validate a profile only').argument('<profile>').action((p: string) => setExitCode(checkCommand(p)));
  program.command('plan').allowExcessArguments(false).description('print the resolved plan (every default filled in) as JSON').argument('<profile>').action((p: string) => setExitCode(planCommand(p)));
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
