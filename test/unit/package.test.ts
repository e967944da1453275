// package.json against the code: users install `dependencies`, so each one must be something the
// product (src/) imports; what only the tests use belongs in devDependencies.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './fixtures/support.js';

interface PackageJson {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}
interface PackageLock {
  packages: Record<string, { dependencies?: Record<string, string>; devDependencies?: Record<string, string>; dev?: boolean }>;
}

const readJson = <T>(file: string): T => JSON.parse(readFileSync(join(REPO_ROOT, file), 'utf8')) as T;
const manifest = readJson<PackageJson>('package.json');
const lock = readJson<PackageLock>('package-lock.json');

/** The packages src/ imports ("handlebars" for 'handlebars', "@scope/x" for '@scope/x/y'). */
function importedBySource(): Set<string> {
  const directory = join(REPO_ROOT, 'src');
  const files = readdirSync(directory, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  const names = files.flatMap((f) => [...readFileSync(join(directory, f), 'utf8').matchAll(/\bfrom '([^'.][^']*)'/g)].map((m) => m[1] as string));
  return new Set(names.filter((n) => !n.startsWith('node:')).map((n) => n.split('/').slice(0, n.startsWith('@') ? 2 : 1).join('/')));
}

describe('package.json', () => {
  it.each(Object.keys(manifest.dependencies ?? {}).map((name) => [name]))('dependency %s is imported by src/', (name) => {
    expect(importedBySource().has(name)).toBe(true);
  });

  // ini is a cross-check in test/unit/parse.test.ts only: the product's parser is our own.
  it.each([['ini'], ['@types/ini']])('%s is a devDependency, in package.json and in package-lock.json', (name) => {
    expect(manifest.dependencies?.[name]).toBeUndefined();
    expect(manifest.devDependencies?.[name]).toBeDefined();
    const root = lock.packages[''];
    expect({ dependency: root?.dependencies?.[name], devDependency: root?.devDependencies?.[name] }).toEqual({ dependency: undefined, devDependency: manifest.devDependencies?.[name] });
    expect(lock.packages[`node_modules/${name}`]?.dev).toBe(true);
  });
});
