// npm run build precompiles the templates (src/build/precompile-templates.ts) so that a cold
// `backup-gen profile.ini` does not parse and compile them at every run. The script must be the
// same byte for byte either way, and a template edited after the build must still take effect.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileProfile } from '../../src/compile.js';
import { loadTemplates, templateHash, type Templates } from '../../src/emit/render.js';
import { ensureBuilt, REPO_ROOT, TEMPLATES_DIRECTORY } from './fixtures/support.js';

const PRECOMPILED_DIRECTORY = join(REPO_ROOT, 'dist', 'emit');
const PROFILE = readFileSync(join(REPO_ROOT, 'examples', 'root-and-home.ini'));

function render(templates: Templates, noopVariant = false): string {
  const result = compileProfile(PROFILE, { profileName: 'root-and-home.ini', templates, noopVariant });
  if (result.script === undefined) throw new Error('root-and-home.ini did not compile');
  return result.script;
}

describe('precompiled templates', () => {
  let loaded: Templates;
  beforeAll(() => {
    ensureBuilt();
    loaded = loadTemplates(TEMPLATES_DIRECTORY, PRECOMPILED_DIRECTORY);
  });

  it('the build precompiled every template as it is now', () => {
    const sources = [loaded.script, ...Object.values(loaded.partials)];
    const missing = sources.filter((text) => loaded.precompiled?.get(templateHash(text)) === undefined);
    expect(loaded.precompiled?.size).toBeGreaterThan(20);
    expect(missing).toEqual([]);
  });

  it('give the same script, byte for byte, as compiling the templates at run time (real and noop variants)', () => {
    const fromSources: Templates = { script: loaded.script, partials: loaded.partials };
    expect(render(loaded)).toBe(render(fromSources));
    expect(render(loaded, true)).toBe(render(fromSources, true));
    expect(render(loaded)).toBe(readFileSync(join(REPO_ROOT, 'examples', 'root-and-home.sh'), 'utf8'));
  });

  it('a template edited after the build is compiled from its source, so the edit shows', () => {
    const edited = `${loaded.partials.teardown}# edited after the build\n`;
    const script = render({ ...loaded, partials: { ...loaded.partials, teardown: edited } });
    expect(script).toContain('# edited after the build\n');
    expect(render(loaded)).not.toContain('# edited after the build');
  });

  it('without a build (no precompiled file) the templates are compiled from their sources', () => {
    const bare = loadTemplates(TEMPLATES_DIRECTORY, join(REPO_ROOT, 'no-such-directory'));
    expect(bare.precompiled).toBeUndefined();
    expect(render(bare)).toBe(render(loaded));
  });
});
