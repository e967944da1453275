// Stage 4, templates: the only ways a value enters the script are the quoting helpers, and never
// inside double quotes, a heredoc or a comment that is not a comment line.

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TEMPLATE_HELPERS } from '../../src/emit/render.js';
import { TEMPLATES_DIRECTORY } from './fixtures/support.js';

const PATH = String.raw`(?:this|@?[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)`;
const ALLOWED_MUSTACHES: RegExp[] = [
  new RegExp(String.raw`^(?:q|qwords|comment|ident|int) ${PATH}$`),
  new RegExp(String.raw`^#(?:if|each) ${PATH}$`),
  /^(?:else|\/if|\/each)$/,
  /^> [a-z][a-z0-9-]*$/,
];

/** Every problem in one template's text, as "LINE: problem". */
function templateProblems(text: string): string[] {
  const problems: string[] = [];
  const lines = text.split('\n');
  const lineOf = (index: number) => text.slice(0, index).split('\n').length;
  // Template notes may span lines; blank them out (keeping line breaks) before anything else.
  const withoutNotes = text.replace(/\{\{!--[\s\S]*?--\}\}/g, (note) => note.replace(/[^\n]/g, ' '));
  for (const match of withoutNotes.matchAll(/\{\{\{?([\s\S]*?)\}?\}\}/g)) {
    const line = lineOf(match.index);
    if (match[0].startsWith('{{{')) problems.push(`${line}: triple-stash ${match[0]} (inserts a value unquoted)`);
    else if (!ALLOWED_MUSTACHES.some((re) => re.test(match[1] as string))) problems.push(`${line}: ${match[0]} is not a quoting helper, block helper, partial or {{!-- --}} note`);
  }
  const unclosed = withoutNotes.replace(/\{\{[\s\S]*?\}\}/g, '').indexOf('{{');
  if (unclosed >= 0) problems.push(`${lineOf(unclosed)}: unclosed "{{"`);
  let heredoc: string | undefined;
  lines.forEach((line, i) => {
    const n = i + 1;
    if (heredoc !== undefined) {
      if (/\{\{\s*(?:q|qwords)\s/.test(line)) problems.push(`${n}: quoting helper inside a heredoc (<<${heredoc})`);
      if (line.replace(/^\t+/, '') === heredoc) heredoc = undefined;
      return;
    }
    for (const quoted of line.matchAll(/\{\{(?:q|qwords) [^}]*\}\}/g)) {
      const before = line.slice(0, quoted.index);
      const after = line.slice(quoted.index + quoted[0].length);
      if (before.includes('"') && after.includes('"')) problems.push(`${n}: ${quoted[0]} inside a double-quoted string`);
      if (/['"\\]$/.test(before) || /^['"]/.test(after)) problems.push(`${n}: ${quoted[0]} glued to a quote or backslash`);
    }
    if (/\{\{comment /.test(line) && !/^\s*#/.test(line)) problems.push(`${n}: {{comment}} outside a "#" comment line`);
    heredoc = /(?<!<)<<-?\s*(['"]?)([A-Za-z_][A-Za-z0-9_]*)\1/.exec(line)?.[2];
  });
  return problems;
}

function templateFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? templateFiles(join(directory, entry.name)) : [join(directory, entry.name)]))
    .sort();
}

describe('every file in templates/', () => {
  const files = templateFiles(TEMPLATES_DIRECTORY);

  it('there are templates to check', () => {
    expect(files.map((f) => relative(TEMPLATES_DIRECTORY, f))).toContain('script.hbs');
    expect(files.length).toBeGreaterThan(5);
  });

  it.each(files.map((f) => [relative(TEMPLATES_DIRECTORY, f), f]))('%s inserts values only through the quoting helpers', (_name, file) => {
    expect(templateProblems(readFileSync(file, 'utf8'))).toEqual([]);
  });

  it('the helpers the check allows are exactly the ones render.ts registers', () => {
    expect(Object.keys(TEMPLATE_HELPERS).sort()).toEqual(['comment', 'ident', 'int', 'q', 'qwords']);
  });
});

describe('the check itself catches each way around the helpers', () => {
  it.each([
    ['bare value', 'x={{target}}', '1: {{target}} is not a quoting helper'],
    ['triple-stash', 'x={{{target}}}', '1: triple-stash {{{target}}}'],
    ['unknown helper', 'x={{lookup a b}}', '1: {{lookup a b}} is not a quoting helper'],
    ['helper with two arguments', 'x={{q a b}}', '1: {{q a b}} is not'],
    ['whitespace control', 'x={{~q a}}', '1: {{~q a}} is not'],
    ['short comment', '{{! note}}', '1: {{! note}} is not'],
    ['#unless', '{{#unless a}}\n{{/unless}}', '1: {{#unless a}} is not'],
    ['#with', '{{#with a}}{{/with}}', '1: {{#with a}} is not'],
    ['sub-expression', '{{q (concat a b)}}', 'is not'],
    ['@index', 'n={{@index}}', '1: {{@index}} is not'],
    ['unclosed mustache', 'a\nx={{q a', '2: unclosed "{{"'],
    ['q inside double quotes', 'echo "root: {{q root}}"', '1: {{q root}} inside a double-quoted string'],
    ['qwords inside double quotes', 'x=("{{qwords a}}")', '1: {{qwords a}} inside a double-quoted string'],
    ['q glued to a single quote', "x='{{q a}}'", "1: {{q a}} glued to a quote or backslash"],
    ['q in a heredoc', 'cat <<EOF\nroot={{q root}}\nEOF', '2: quoting helper inside a heredoc (<<EOF)'],
    ['q in a quoted-delimiter heredoc', "cat <<-'END'\n\t{{q root}}\n\tEND", '2: quoting helper inside a heredoc (<<END)'],
    ['comment helper in code', 'echo {{comment name}}', '1: {{comment}} outside a "#" comment line'],
    ['comment helper after code', 'x=1 # {{comment name}}', '1: {{comment}} outside'],
  ])('%s', (_name, template, problem) => {
    expect(templateProblems(template).join('\n')).toContain(problem);
  });

  it.each([
    ['helpers', 'readonly A={{q a}} B={{qwords b.c}}\nf_{{ident name}}() {\n  x={{int n}}\n}'],
    ['comment lines', '# {{comment provenance.target}}\n  # source {{comment name}}: {{comment root}}'],
    ['blocks and partials', '{{#if mirror}}\n{{> mirror}}\n{{else}}\n{{/if}}\n{{#each sources}}\n{{> source-lvm}}\n{{/each}}'],
    ['notes over several lines', '{{!-- a note with {{q x}} and "quotes" \n over two lines --}}\nx={{q a}}'],
    ['here-strings are not heredocs', 'read -r x <<<"${y}"\nz={{q a}}'],
    ['a heredoc that ends', 'cat <<EOF\nplain\nEOF\nz={{q a}}'],
    ['"this" in a block', '{{#each list}}\n# {{comment this}}\n{{/each}}'],
  ])('accepts %s', (_name, template) => {
    expect(templateProblems(template)).toEqual([]);
  });
});
