// Stage 4, emit: Plan → script text. Builds a view model (the plan, plus flags the templates branch
// on) and renders the Handlebars templates. Values reach the script only through the helpers below.
import Handlebars from 'handlebars';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Plan } from '../plan/plan.js';
import { HOOK_NAMES } from '../profile/profile.js';
import { DEFAULT_HOOK_TIMEOUT } from '../profile/schema.js';
import { markLiteral, placeDirectives } from './directives.js';
import { commentText, quote } from './quote.js';

export interface Templates {
  script: string;
  partials: Record<string, string>;
  /**
   * Templates compiled at build time (npm run build), by the sha256 of their source: compiling
   * them at every run was 0.13 s of a cold compile. A template whose source has no entry here (it
   * changed since the build) is compiled from its source, so the script is the same either way.
   */
  precompiled?: PrecompiledTemplates;
}

/** sha256 of a template's source -> Handlebars.precompile's output, evaluated. */
export type PrecompiledTemplates = ReadonlyMap<string, TemplateSpecification>;
type TemplateSpecification = Parameters<typeof Handlebars.template>[0];

/** Where npm run build writes the precompiled templates (src/build/precompile-templates.ts). */
export const PRECOMPILED_FILE_NAME = 'templates.precompiled.cjs';

/** The one set of compile options, for the build's precompile and for compiling at run time. */
export function compileOptions(): CompileOptions {
  return { noEscape: true, strict: true, knownHelpersOnly: true, knownHelpers: knownHelpers() };
}
type CompileOptions = NonNullable<Parameters<typeof Handlebars.compile>[1]>;

export function templateHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * Reads templates/ (the CLI's one piece of start-up I/O for emitting), and the precompiled
 * templates beside this module when the build wrote them.
 */
export function loadTemplates(directory: string, precompiledDirectory?: string): Templates {
  const partialsDirectory = join(directory, 'partials');
  const partials: Record<string, string> = {};
  for (const file of readdirSync(partialsDirectory).sort()) {
    if (file.endsWith('.hbs')) partials[file.slice(0, -4)] = readFileSync(join(partialsDirectory, file), 'utf8');
  }
  const templates: Templates = { script: readFileSync(join(directory, 'script.hbs'), 'utf8'), partials };
  if (precompiledDirectory === undefined) return templates;
  const file = join(precompiledDirectory, PRECOMPILED_FILE_NAME);
  if (!existsSync(file)) return templates;
  const specifications = createRequire(import.meta.url)(file) as Record<string, TemplateSpecification>;
  return { ...templates, precompiled: new Map(Object.entries(specifications)) };
}

/**
 * The only helpers templates may use: each one quotes, or checks that nothing needs quoting. q and
 * qwords mark a word shellcheck would note, for placeDirectives.
 */
export const TEMPLATE_HELPERS = {
  q: (value: unknown) => markLiteral(quote(value === undefined || value === null ? '' : String(value))),
  qwords: (values: unknown) => ((values as string[] | undefined) ?? []).map((v) => markLiteral(quote(v))).join(' '),
  comment: (value: unknown) => commentText(String(value ?? '')),
  ident: (value: unknown) => {
    if (typeof value !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(value)) throw new Error(`bug: not a shell identifier: ${JSON.stringify(value)}`);
    return value;
  },
  int: (value: unknown) => {
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new Error(`bug: not an integer: ${JSON.stringify(value)}`);
    return String(value);
  },
} as const;

function viewModel(plan: Plan, noopVariant: boolean) {
  const policy = plan.fullPolicy;
  const scriptName = plan.profileName.replace(/\.ini$/i, '') + '.sh';
  const provenance = (key: string, fallback: string) => (plan.provenance[key] === undefined ? `${fallback} (default)` : plan.provenance[key]);
  return {
    ...plan,
    version: plan.generator.version,
    noopVariant,
    noopFlag: noopVariant ? 1 : 0,
    quotedProfileName: quote(plan.profileName),
    quotedScriptName: quote(scriptName),
    needsLvm: plan.sources.some((s) => s.kind === 'lvm'),
    needsRootFlag: plan.needsRoot ? 1 : 0,
    sourceNames: plan.sources.map((s) => s.name),
    pruneAfterBackupFlag: plan.retention.pruneAfterBackup ? 1 : 0,
    mirrorRemote: plan.mirror?.remote !== undefined,
    mirrorLocal: plan.mirror !== undefined && plan.mirror.remote === undefined,
    mirrorPrunable: plan.retention.mirrorKeepMonths > 0 || plan.retention.mirrorKeepDays > 0,
    compareWithSourceFlag: plan.compareWithSource ? 1 : 0,
    snapshotMode: plan.snapshots,
    snapshotsTogether: plan.snapshots === 'together',
    lvmSourceNames: plan.sources.filter((s) => s.kind === 'lvm').map((s) => s.name),
    hookGiven: Object.fromEntries(HOOK_NAMES.map((name) => [name, plan.hooks.some((h) => h.name === name)])),
    encrypted: plan.encryption !== undefined,
    encryptGnupg: plan.encryption?.mode === 'gnupg',
    encryptKeyFile: plan.encryption?.mode === 'key-file',
    fullEvery: 'count' in policy ? `${policy.count} ${policy.every}` : policy.every,
    fullEveryCount: 'count' in policy ? policy.count : 0,
    fullEveryMonth: policy.every === 'month',
    fullEveryWeek: policy.every === 'week',
    fullEveryRuns: policy.every === 'runs',
    fullEveryDays: policy.every === 'days',
    logFile: plan.logFile ?? '',
    provenance: {
      target: provenance('backup target', '[backup] target'),
      targetMustBeMounted: provenance('backup target_must_be_mounted', '[backup] target_must_be_mounted'),
      fullEvery: provenance('backup full_every', '[backup] full_every = month'),
      logFile: provenance('backup log_file', '[backup] log_file: none'),
      lockFile: provenance('backup lock_file', '[backup] lock_file'),
      lockWait: provenance('backup lock_wait', '[backup] lock_wait = 0'),
      targetReserve: provenance('backup target_reserve', '[backup] target_reserve: none'),
      keepMonths: provenance('retention keep_months', '[retention] keep_months: no limit'),
      keepDays: provenance('retention keep_days', '[retention] keep_days: no limit'),
      pruneAfterBackup: provenance('retention prune_after_backup', '[retention] prune_after_backup = false'),
      mirrorKeepMonths: provenance('retention mirror_keep_months', '[retention] mirror_keep_months: no limit'),
      mirrorKeepDays: provenance('retention mirror_keep_days', '[retention] mirror_keep_days: no limit'),
      compareWithSource: provenance('dar compare_with_source', '[dar] compare_with_source = false'),
      snapshots: provenance('backup snapshots', '[backup] snapshots = one at a time'),
      parallel: provenance('backup parallel', '[backup] parallel = auto'),
      hookTimeout: provenance('hooks timeout', `[hooks] timeout = ${DEFAULT_HOOK_TIMEOUT}`),
    },
    mirror: plan.mirror === undefined ? undefined : { ...plan.mirror, local: plan.mirror.remote === undefined, rsyncHost: remoteLogin(plan.mirror, true), sshHost: remoteLogin(plan.mirror, false), touchFile: plan.mirror.touchFile ?? '', evenIfBackupFailedFlag: plan.mirror.evenIfBackupFailed ? 1 : 0 },
    sources: plan.sources.map((s) => ({ ...s, extraMountOptions: s.snapshot?.mountOptions.join(',') ?? '' })),
  };
}

/** user@host of a remote mirror: as rsync's HOST:PATH spells it (an IPv6 address in brackets), or as ssh takes it. */
function remoteLogin(mirror: NonNullable<Plan['mirror']>, forRsync: boolean): string {
  if (mirror.remote === undefined) return '';
  const host = forRsync ? mirror.remote.host : mirror.remote.host.replace(/^\[(.*)\]$/, '$1');
  return mirror.remote.user === undefined ? host : `${mirror.remote.user}@${host}`;
}

/** noopVariant: a script that can only print what it would run (`backup-gen --noop`). */
export function renderScript(plan: Plan, templates: Templates, noopVariant = false): string {
  const handlebars = Handlebars.create();
  handlebars.registerHelper(TEMPLATE_HELPERS);
  const compiled = (text: string): Handlebars.TemplateDelegate => {
    const specification = templates.precompiled?.get(templateHash(text));
    return specification === undefined ? handlebars.compile(text, compileOptions()) : handlebars.template(specification);
  };
  for (const [name, text] of Object.entries(templates.partials)) {
    handlebars.registerPartial(name, compiled(text));
  }
  const template = compiled(templates.script);
  if (JSON.stringify(plan).includes('\\u0000')) throw new Error('bug: a NUL in the plan');
  return placeDirectives(template(viewModel(plan, noopVariant)));
}

function knownHelpers(): Record<string, boolean> {
  return Object.fromEntries(Object.keys(TEMPLATE_HELPERS).map((name) => [name, true]));
}
