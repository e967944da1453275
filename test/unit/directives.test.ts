// Stage 4: the shellcheck directive the emitter puts before a line that single-quotes a literal
// $, ` or \ from the profile (src/emit/directives.ts).
import { describe, expect, it } from 'vitest';
import { markLiteral, placeDirectives } from '../../src/emit/directives.js';
import { quote } from '../../src/emit/quote.js';

const SC2016 = '# shellcheck disable=SC2016 # single-quoted on purpose: a $ or ` from the profile is literal, not an expansion';
const BOTH = '# shellcheck disable=SC2016,SC1003 # single-quoted on purpose: a $ or ` from the profile is literal, not an expansion; a \\ from the profile before a closing quote is literal, not an escape';

const render = (template: (q: (v: string) => string) => string) => placeDirectives(template((v) => markLiteral(quote(v))));

describe('placeDirectives', () => {
  it.each([
    ['no directive for a value shellcheck has nothing to say about', (q: (v: string) => string) => `a=${q('x y')}\nb=${q('/srv')}`, "a='x y'\nb=/srv"],
    ['a $ value: SC2016 on the line before, at its indentation', (q: (v: string) => string) => `f() {\n  local -r a=${q('$HOME')}\n}`, `f() {\n  ${SC2016}\n  local -r a='$HOME'\n}`],
    ['one directive for several values on a line, with every code they need', (q: (v: string) => string) => `x=(${q('`id`')} ${q('a\\')})`, `${BOTH}\nx=('\`id\`' 'a\\')`],
    ['a value over two lines: the directive goes before the line where it starts', (q: (v: string) => string) => `a=${q('$x\ny')}`, `${SC2016}\na='$x\ny'`],
  ])('%s', (_name, template, expected) => {
    expect(render(template)).toBe(expected);
  });

  it('refuses a marked value on a continuation line (a comment there would end the command)', () => {
    expect(() => render((q) => `cmd \\\n  ${q('$x')}`)).toThrow(/bug: a quoted value on a continuation line/);
  });
});
