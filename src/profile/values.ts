// Value kinds of the profile: each turns a raw string into a typed value or says what was wrong.
// zod carries the checks; every kind has its own diagnostic code so errors are easy to look up.
import { z } from 'zod';
import { splitWords } from './words.js';

export interface ValueKind<T> {
  /** Diagnostic code used when a value of this kind is rejected. */
  code: string;
  /** What a valid value looks like, for messages and the reference. */
  expected: string;
  schema: z.ZodType<T, z.ZodTypeDef, string>;
}

function kind<T>(code: string, expected: string, schema: z.ZodType<T, z.ZodTypeDef, string>): ValueKind<T> {
  return { code, expected, schema };
}

const singleLine = z.string().refine((v) => !v.includes('\n'), 'must fit on one line (no continuation lines)');

// Characters lvm(8) allows in VG and LV names.
const LVM_NAME_CHARS = /^[A-Za-z0-9+_.-]+$/;
// lvm(8) and lvm2's lvm-string.c: LV names may not contain these reserved suffixes nor start with
// "snapshot" or "pvmove".
const LV_RESERVED = ['_cdata', '_cmeta', '_corig', '_cpool', '_cvol', '_imeta', '_iorig', '_mlog', '_mimage', '_pmspare', '_rimage', '_rmeta', '_tdata', '_tmeta', '_vdata', '_vorigin', '_wcorig'];

function lvmNameProblem(v: string, isLv: boolean): string | undefined {
  if (v === '') return 'is empty';
  if (v.length > 127) return `is ${v.length} characters long; LVM allows at most 127`;
  if (!LVM_NAME_CHARS.test(v)) return 'may contain only A-Z a-z 0-9 + _ . - (lvm(8))';
  if (v.startsWith('-')) return 'may not start with "-"';
  if (v === '.' || v === '..') return `may not be "${v}"`;
  if (isLv && /^(snapshot|pvmove)/.test(v)) return 'may not start with "snapshot" or "pvmove" (reserved by LVM)';
  const reserved = isLv ? LV_RESERVED.find((s) => v.includes(s)) : undefined;
  if (reserved !== undefined) return `may not contain "${reserved}" (reserved by LVM)`;
  return undefined;
}

function lvmName(isLv: boolean) {
  return z.string().superRefine((v, ctx) => {
    const problem = lvmNameProblem(v, isLv);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  });
}

export const vgName = kind('BG021', 'an LVM volume group name', lvmName(false));
export const lvName = kind('BG021', 'an LVM logical volume name', lvmName(true));

export type SnapshotSize = { option: '--size' | '--extents'; value: string };
// lvcreate -L: a number with an optional unit; bBsSkKmMgGtTpPeE (default unit: MiB).
const ABSOLUTE_SIZE = /^(?:\d+|\d*\.\d+)[bBsSkKmMgGtTpPeE]?$/;
const PERCENT_SIZE = /^(\d+)%(ORIGIN|VG|FREE|PVS)$/;
export const snapshotSize = kind<SnapshotSize>(
  'BG022',
  'an lvcreate size such as 2G, 512M, 1.5T, or a percentage such as 20%ORIGIN, 10%VG, 50%FREE',
  z.string().transform((v, ctx) => {
    const percent = PERCENT_SIZE.exec(v);
    if (percent !== null) {
      const n = Number(percent[1]);
      if (n >= 1 && n <= 100) return { option: '--extents' as const, value: v };
      ctx.addIssue({ code: 'custom', message: `percentage must be 1 to 100, found ${n}` });
      return z.NEVER;
    }
    if (ABSOLUTE_SIZE.test(v) && Number.parseFloat(v) > 0) return { option: '--size' as const, value: v };
    ctx.addIssue({ code: 'custom', message: 'is not a size lvcreate accepts' });
    return z.NEVER;
  }),
);

export const absolutePath = kind('BG020', 'an absolute path', singleLine.refine((v) => v.startsWith('/'), 'must be an absolute path (start with "/")'));

/** [rsync] target_dir: a local directory, or a directory on another host reached by rsync over ssh. */
export interface MirrorDestination {
  /** As written: what rsync is given. */
  text: string;
  remote?: { user?: string; host: string; path: string };
}
const REMOTE_SPEC = /^(?:([^@/]*)@)?(\[[^\]]*\]|[^:/[\]]*)(:+)(.*)$/s;
const HOST_NAME = /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?$/;
const IPV6_IN_BRACKETS = /^\[[0-9A-Fa-f:.]+\]$/;
const USER_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
// The remote shell reads the path (rsync before 3.2.4 does not protect it): shlex.quote's safe set.
const REMOTE_PATH = /^\/[A-Za-z0-9_@%+=:,./-]*$/;

function remoteDestination(v: string): MirrorDestination | string {
  if (/^rsync:\/\//i.test(v)) return 'rsync daemon destinations (rsync://, host::module) are not supported; use host:/path (rsync over ssh)';
  const m = REMOTE_SPEC.exec(v);
  if (m === null) return 'must be an absolute path (start with "/"), or host:/path or user@host:/path for a mirror on another host';
  const [, user, host = '', colons = '', path = ''] = m;
  if (colons.length > 1) return 'rsync daemon destinations (rsync://, host::module) are not supported; use host:/path (rsync over ssh)';
  if (!HOST_NAME.test(host) && !IPV6_IN_BRACKETS.test(host)) return `host ${JSON.stringify(host)} is not a host name, an IPv4 address or an IPv6 address in [brackets]`;
  if (user !== undefined && !USER_NAME.test(user)) return `user ${JSON.stringify(user)} is not a user name (letters, digits, _ . -, not starting with . or -)`;
  if (!path.startsWith('/')) return `the path after "${host}:" must be absolute (start with "/")`;
  if (!REMOTE_PATH.test(path)) return 'the remote path may contain only letters, digits and _ @ % + = : , . / - (the remote shell reads it)';
  return { text: v, remote: { user, host, path } };
}

export const mirrorDestination = kind<MirrorDestination>(
  'BG020',
  'an absolute path, or host:/path or user@host:/path (rsync over ssh)',
  singleLine.transform((v, ctx) => {
    if (v.startsWith('/')) return { text: v };
    const destination = remoteDestination(v);
    if (typeof destination !== 'string') return destination;
    ctx.addIssue({ code: 'custom', message: destination });
    return z.NEVER;
  }),
);

// zod's own enum message repeats the raw value, newlines and all: the diagnostic already shows it quoted.
function oneOf<T extends [string, ...string[]]>(values: T) {
  return z.enum(values, { errorMap: () => ({ message: 'is not one of these' }) });
}

export const sourceType = kind('BG024', '"lvm" or "directory"', oneOf(['lvm', 'directory']));

export type SnapshotMode = 'one at a time' | 'together';
export const snapshotMode = kind<SnapshotMode>(
  'BG024',
  '"one at a time" or "together"',
  z.string().transform((v, ctx) => {
    const words = v.toLowerCase().trim().split(/\s+/).join(' ');
    if (words === 'one at a time' || words === 'together') return words;
    ctx.addIssue({ code: 'custom', message: 'is not one of these' });
    return z.NEVER;
  }),
);

// [backup] parallel: "auto" (0: the script counts the host's CPUs when it runs) or a number of sources.
export const parallelSources = kind<number>(
  'BG025',
  '"auto" or a whole number, 1 to 64',
  z.string().transform((v, ctx) => {
    const word = v.trim().toLowerCase();
    if (word === 'auto') return 0;
    if (/^\d+$/.test(word) && Number(word) >= 1 && Number(word) <= 64) return Number(word);
    ctx.addIssue({ code: 'custom', message: 'is not "auto" or a whole number from 1 to 64' });
    return z.NEVER;
  }),
);

// A hook: run with bash -c, so any shell command line; its context reaches it as BACKUP_GEN_*
// environment variables, never pasted into it.
export const hookCommand = kind('BG030', 'a shell command line (run with bash -c)', z.string().refine((v) => v.trim() !== '', 'is empty'));

export const boolean = kind(
  'BG023',
  'a boolean: 1, yes, true, on, 0, no, false or off',
  z.string().transform((v, ctx) => {
    const lower = v.toLowerCase();
    if (['1', 'yes', 'true', 'on'].includes(lower)) return true;
    if (['0', 'no', 'false', 'off'].includes(lower)) return false;
    ctx.addIssue({ code: 'custom', message: 'is not a boolean' });
    return z.NEVER;
  }),
);

// Archive names end up in backup_deps as "child:parent" lines and as file names, so no ":" or "/";
// and dar reads an existing archive's base name as a regular expression (-A, -x, -t), so none of
// the characters that would change its meaning there.
const DAR_REGEX_SPECIAL = /[()[\]{}\\$*?+|^]/;
export const archivePrefix = kind(
  'BG027',
  'a file-name prefix without "/", ":", white space or ( ) [ ] { } \\ $ * ? + | ^, not starting with "." or "-"',
  singleLine.refine((v) => v !== '' && !/[/:\s]/.test(v) && !DAR_REGEX_SPECIAL.test(v) && !/^[.-]/.test(v), 'is not a usable file-name prefix'),
);

export const mountOptions = kind(
  'BG028',
  'comma-separated mount options, e.g. noatime,nodev (the snapshot is always mounted ro)',
  z.string().transform((v, ctx) => {
    const options = v.split(',').map((o) => o.trim()).filter((o) => o !== '');
    for (const option of options) {
      if (!/^[A-Za-z0-9_.=-]+$/.test(option)) ctx.addIssue({ code: 'custom', message: `option ${JSON.stringify(option)} has characters mount options never use` });
      else if (['rw', 'remount', 'bind', 'rbind', 'move'].includes(option)) ctx.addIssue({ code: 'custom', message: `option "${option}" is not allowed: the snapshot is mounted read-only, once` });
    }
    return options;
  }),
);

export const compression = kind('BG024', 'one of none, gzip, bzip2, xz, zstd, lz4, lzo', oneOf(['none', 'gzip', 'bzip2', 'xz', 'zstd', 'lz4', 'lzo']));

function integer(min: number, max: number) {
  return z.string().regex(/^\d+$/, 'must be a whole number').transform(Number).refine((n) => n >= min && n <= max, `must be from ${min} to ${max}`);
}
export const compressionLevel = kind('BG025', 'a whole number, 1 to 9 (zstd: 1 to 22)', integer(1, 22));
export const seconds = kind('BG025', 'a whole number of seconds, 0 to 86400', integer(0, 86400));
// A bound on a wait: 0 would mean "no bound" to rsync --timeout, so it is not offered.
export const timeoutSeconds = kind('BG025', 'a whole number of seconds, 1 to 86400', integer(1, 86400));
// A share of a thin pool's data or metadata space: 100 would mean "when it is already full".
export const poolPercent = kind('BG025', 'a whole percentage, 1 to 99', integer(1, 99));
export const port = kind('BG025', 'a TCP port, 1 to 65535', integer(1, 65535));
// Retention: how many monthly sets or days to keep.
export const keepCount = kind('BG025', 'a whole number, 1 to 100000', integer(1, 100000));
// A free-space reserve: a number with a binary unit, as lvcreate writes sizes (10G, 512M, 1.5T).
export const reserveSize = kind('BG025', 'a size with a unit: K, M, G or T (binary: 10G is 10 GiB)', z.string().regex(/^\d+(\.\d+)?[KMGTkmgt]$/, 'is not a size such as 10G or 512M'));
// [monitoring] ping_url: a healthchecks-style ping URL. /start and /fail are appended to it, and
// ?rid= (the run's id) after that: so no query or fragment of its own.
export const pingUrl = kind(
  'BG060',
  'an http:// or https:// URL without white space, query (?) or fragment (#), such as https://hc-ping.com/UUID',
  z.string().superRefine((v, ctx) => {
    const problem = pingUrlProblem(v);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  }),
);

function pingUrlProblem(v: string): string | undefined {
  if (!/^https?:\/\/[^/\s]/i.test(v)) return 'must start with http:// or https:// and a host';
  if (/[\s\p{Cc}]/u.test(v)) return 'may not contain white space or control characters';
  if (/[?#]/.test(v)) return 'may not contain "?" or "#": /start, /fail and ?rid= are added to it';
  return undefined;
}
export const byteCount = kind('BG025', 'a whole number of bytes', integer(0, Number.MAX_SAFE_INTEGER));

// dar -s: a number with an optional k, M, G, T, P, E, Z or Y suffix; 0 means one single slice.
export const sliceSize = kind('BG025', 'a dar slice size: bytes with an optional k, M, G, T, P suffix (0: no slicing)', z.string().regex(/^\d+[kMGTPEZY]?$/, 'is not a size dar -s accepts'));

export type FullPolicy = { every: 'month' | 'week' } | { every: 'runs' | 'days'; count: number };
export const fullEvery = kind<FullPolicy>(
  'BG024',
  '"month", "week", "N runs" (N 1-1000) or "N days" (N 1-31)',
  z.string().transform((v, ctx) => {
    const lower = v.toLowerCase().trim();
    if (lower === 'month' || lower === 'week') return { every: lower };
    const m = /^(\d+)\s+(runs?|days?)$/.exec(lower);
    const count = m === null ? 0 : Number(m[1]);
    const unit = m?.[2]?.startsWith('run') ? 'runs' : 'days';
    if (m !== null && count >= 1 && count <= (unit === 'runs' ? 1000 : 31)) return { every: unit, count };
    ctx.addIssue({ code: 'custom', message: 'is not a full-backup policy' });
    return z.NEVER;
  }),
);

export function parseValue<T>(valueKind: ValueKind<T>, raw: string): { ok: true; value: T } | { ok: false; message: string } {
  const result = valueKind.schema.safeParse(raw);
  if (result.success) return { ok: true, value: result.data };
  const reasons = result.error.issues.map((i) => i.message).join('; ');
  return { ok: false, message: `expected ${valueKind.expected}, found ${JSON.stringify(raw)}: ${reasons}` };
}

function wordList(code: string, expected: string, wordProblem: (w: string) => string | undefined): ValueKind<string[]> {
  return kind(
    code,
    expected,
    z.string().transform((v, ctx) => {
      const split = splitWords(v);
      if (!split.ok) {
        ctx.addIssue({ code: 'custom', message: split.message });
        return z.NEVER;
      }
      for (const word of split.words) {
        const problem = wordProblem(word);
        if (problem !== undefined) ctx.addIssue({ code: 'custom', message: `${JSON.stringify(word)} ${problem}` });
      }
      return split.words;
    }),
  );
}

function relativePathProblem(w: string): string | undefined {
  if (w === '') return 'is empty';
  if (w.startsWith('/')) return 'must be relative to the backed-up root (no leading "/")';
  if (w.split('/').includes('..')) return 'may not contain ".."';
  if (w.includes('\n')) return 'may not contain a newline';
  return undefined;
}

function absolutePathProblem(w: string): string | undefined {
  if (!w.startsWith('/')) return 'must be an absolute path (start with "/")';
  if (w === '/' || /^\/+$/.test(w)) return 'may not be "/"';
  if (w.split('/').includes('..')) return 'may not contain ".."';
  if (w.includes('\n')) return 'may not contain a newline';
  return undefined;
}

export const relativePaths = wordList('BG026', 'space-separated paths relative to the backed-up root (shell-style quoting)', relativePathProblem);
export const absolutePaths = wordList('BG026', 'space-separated absolute paths (shell-style quoting)', absolutePathProblem);
// [encryption] recipients: what gpg and dar -K gnupg: take to name a key, and nothing a comma-separated
// dar argument or a DCF file could read otherwise: a fingerprint, a long key id, or an e-mail address.
const RECIPIENT = /^(?:(?:0x)?[0-9A-Fa-f]{40}|(?:0x)?[0-9A-Fa-f]{16}|[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z0-9-]+)$/;
export const gnupgRecipients = kind<string[]>(
  'BG052',
  'space-separated GnuPG key fingerprints (40 hex digits), long key ids (16) or e-mail addresses',
  z.string().transform((v, ctx) => {
    const words = v.split(/\s+/).filter((w) => w !== '');
    if (words.length === 0) ctx.addIssue({ code: 'custom', message: 'names no recipient' });
    for (const word of words) {
      if (!RECIPIENT.test(word)) ctx.addIssue({ code: 'custom', message: `${JSON.stringify(word)} is not a fingerprint, a long key id or an e-mail address (short key ids collide, and user-id fragments match more than one key)` });
    }
    return [...new Set(words)];
  }),
);
export const cipher = kind('BG024', 'one of aes256, twofish256, serpent256, camellia256', oneOf(['aes256', 'twofish256', 'serpent256', 'camellia256']));

export const masks = wordList('BG026', 'space-separated dar file-name masks such as *.gz (shell-style quoting)', (w) =>
  w === '' ? 'is empty' : w.includes('\n') ? 'may not contain a newline' : undefined,
);
