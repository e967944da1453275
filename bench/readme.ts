// The README's Speed section: the markdown written between its markers, and the splice that
// replaces only what is between them. Pure.

export const BEGIN_MARKER = '<!-- BEGIN BENCH TABLE -->';
export const END_MARKER = '<!-- END BENCH TABLE -->';

/** readme with the text between the markers replaced by `content`; everything else kept as it was. */
export function spliceBetweenMarkers(readme: string, content: string): string {
  const begin = readme.indexOf(BEGIN_MARKER);
  const end = readme.indexOf(END_MARKER);
  if (begin < 0 || end < 0 || end < begin) throw new Error(`the README has no ${BEGIN_MARKER} ... ${END_MARKER} pair`);
  const body = content.endsWith('\n') ? content : `${content}\n`;
  return `${readme.slice(0, begin + BEGIN_MARKER.length)}\n${body}${readme.slice(end)}`;
}
