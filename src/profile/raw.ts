// Stage 1 output type: the profile text read into sections and entries, each with its line.
// Nothing here knows what keys mean; see validate.ts for that.

export interface RawEntry {
  /** Key as written, lower-cased (ConfigParser keys are case-insensitive). */
  key: string;
  /** Value as ConfigParser.get() returned it without interpolation: inline comment cut, continuation lines joined with "\n"; `%%` stays two characters. */
  value: string;
  /** Line of the `key = value` line (1-based). */
  line: number;
  /** Copied from [DEFAULT] into this section (defaults.ts); its line is the line in [DEFAULT]. */
  inherited?: true;
}

export interface RawSection {
  /** Section name exactly as written between "[" and the first "]", white space included (as ConfigParser read it). */
  name: string;
  line: number;
  entries: RawEntry[];
}

export interface RawProfile {
  sections: RawSection[];
}
