// Build step (npm run build, after tsc): compiles every template in templates/ with Handlebars'
// precompiler into dist/emit/templates.precompiled.cjs, keyed by the sha256 of its source. A cold
// `backup-gen profile.ini` then evaluates them instead of parsing and compiling ~6,000 lines of
// templates at every run; a template edited after the build is still compiled from its source.
import Handlebars from 'handlebars';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileOptions, loadTemplates, PRECOMPILED_FILE_NAME, templateHash } from '../emit/render.js';

const here = dirname(fileURLToPath(import.meta.url));
const templates = loadTemplates(join(here, '..', '..', 'templates'));
const sources = [templates.script, ...Object.values(templates.partials)];
const entries = [...new Set(sources)].map((text) => `  ${JSON.stringify(templateHash(text))}: ${Handlebars.precompile(text, compileOptions())},`);
const text = [
  '// Written by npm run build (src/build/precompile-templates.ts) from templates/: do not edit.',
  `// Handlebars ${Handlebars.VERSION}; each template by the sha256 of its source.`,
  'module.exports = {',
  ...entries,
  '};',
  '',
].join('\n');
writeFileSync(join(here, '..', 'emit', PRECOMPILED_FILE_NAME), text);
