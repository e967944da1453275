// The pipeline: profile text → parse → validate → normalize → plan → emit. Pure: the caller reads the
// profile and the templates and writes the result. Throws only on bugs, never on a user's mistake.
import { createHash } from 'node:crypto';
import { byLine, hasErrors, type Diagnostic } from './diagnostics.js';
import { renderScript, type Templates } from './emit/render.js';
import { buildPlan } from './plan/build.js';
import type { Plan } from './plan/plan.js';
import { decodeProfile } from './profile/decode.js';
import { normalizeProfile } from './profile/normalize.js';
import { parseProfileText } from './profile/parse.js';
import { validateSections } from './profile/validate.js';
import { VERSION } from './version.js';

export interface CompileResult {
  /** Undefined when the profile has errors. */
  plan?: Plan;
  /** Undefined when the profile has errors, or when no templates were given. */
  script?: string;
  diagnostics: Diagnostic[];
}

export interface CompileOptions {
  /** Name shown in diagnostics and the script header: the profile's base name, never a full path. */
  profileName: string;
  /** Omit to stop after planning (check, plan). */
  templates?: Templates;
  /** Emit the noop variant: the script only prints the commands it would run. */
  noopVariant?: boolean;
}

/** The sha256 (hex) of the profile's bytes exactly as read: text is hashed as its UTF-8 bytes. */
export function profileSha256(input: string | Uint8Array): string {
  return createHash('sha256').update(typeof input === 'string' ? Buffer.from(input, 'utf8') : input).digest('hex');
}

/** The profile as bytes (from a file: checked to be UTF-8) or as text. */
export function compileProfile(input: string | Uint8Array, options: CompileOptions): CompileResult {
  const decoded = typeof input === 'string' ? { text: input, diagnostics: [] } : decodeProfile(input);
  const parsed = parseProfileText(decoded.text);
  const validated = validateSections(parsed.profile);
  const normalized = normalizeProfile(validated.sections);
  const diagnostics = [...decoded.diagnostics, ...parsed.diagnostics, ...validated.diagnostics, ...normalized.diagnostics].sort(byLine);
  if (hasErrors(diagnostics) || normalized.profile === undefined) return { diagnostics };
  const plan = buildPlan(normalized.profile, options.profileName, VERSION, profileSha256(input));
  const script = options.templates === undefined ? undefined : renderScript(plan, options.templates, options.noopVariant === true);
  return { plan, script, diagnostics };
}
