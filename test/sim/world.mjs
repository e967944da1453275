// Simulator: one simulation's world on disk (source, target, mirror, private TMPDIR, fake clock and
// tripwire commands first on BACKUP_GEN_PATH), its profile drawn from the seed, the compiled script,
// and how to run it.
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeRng } from './prng.mjs';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const TZ = 'Europe/Berlin';
export const PREFIX = 'sim-';
const RUN_TIMEOUT_MS = 120_000;
/** Commands whose n-th call (counted over one run) can deliver a signal: dar writing, publishing, the mirror copy, prune. */
export const TRIPWIRED = ['dar', 'rsync', 'mv', 'sync', 'rm', 'sha512sum'];

const FAKE_DATE = `#!/bin/bash
# The simulator's clock: the real date, at SIM_NOW (a date -d string) when it is set.
if [[ -n \${SIM_NOW:-} ]]; then exec /usr/bin/date -d "\${SIM_NOW}" "$@"; fi
exec /usr/bin/date "$@"
`;

// Counts every call of the tripwired commands in one run (SIM_TRIP_FILE); at call SIM_TRIP_AT it
// sends SIM_TRIP_SIG, after SIM_TRIP_DELAY seconds, to the script (its pid is its process group)
// or to its whole process group, then runs the real command.
const TRIPWIRE = `#!/bin/bash
name=\${0##*/}
if [[ -n \${SIM_TRIP_FILE:-} ]]; then
  exec {lockfd}>>"\${SIM_TRIP_FILE}.lock"
  flock "\${lockfd}"
  n=0
  [[ -s \${SIM_TRIP_FILE} ]] && n=$(<"\${SIM_TRIP_FILE}")
  n=$((n + 1))
  printf '%d\\n' "\${n}" >"\${SIM_TRIP_FILE}"
  printf '%d %s\\n' "\${n}" "\${name}" >>"\${SIM_TRIP_FILE}.log"
  exec {lockfd}>&-
  if ((n == SIM_TRIP_AT)); then
    read -r -a stat </proc/$$/stat
    group=\${stat[4]}
    victim=\${group}
    [[ \${SIM_TRIP_SCOPE} == group ]] && victim=-\${group}
    ( sleep "\${SIM_TRIP_DELAY:-0}"; /usr/bin/kill -s "\${SIM_TRIP_SIG}" -- "\${victim}" ) 9>&- &
  fi
fi
exec "/usr/bin/\${name}" "$@"
`;

/** The profile's variable part, drawn from the seed alone. */
export function drawProfile(seed) {
  const rng = makeRng((seed ^ 0x5bd1e995) >>> 0);
  const retention = rng.weighted([[2, null], [2, { keep_days: rng.int(1, 6) }], [1, { keep_months: rng.int(1, 2) }]]);
  return {
    full_every: rng.pick(['month', '3 runs', '2 runs', '2 days', 'week']),
    slice_size: rng.pick(['0', '6k', '12k']),
    mirror: rng.chance(0.8),
    retention,
    prune_after_backup: retention !== null && rng.chance(0.5),
  };
}

function profileText(world, profile) {
  const lines = ['[backup]', 'source_type = directory', `source_root = ${world.src}`, `target = ${world.target}`,
    `archive_prefix = ${PREFIX}`, `full_every = ${profile.full_every}`, '', '[dar]', `slice_size = ${profile.slice_size}`, ''];
  if (profile.mirror) lines.push('[rsync]', 'enabled = yes', `target_dir = ${world.mirror}`, '');
  if (profile.retention) {
    lines.push('[retention]');
    for (const [key, value] of Object.entries(profile.retention)) lines.push(`${key} = ${value}`);
    lines.push(`prune_after_backup = ${profile.prune_after_backup ? 'yes' : 'no'}`, '');
  }
  return lines.join('\n');
}

export function createWorld(seed, { base } = {}) {
  const root = mkdtempSync(join(base ?? tmpdir(), `bg-sim-${seed}-`));
  const world = {
    seed, root, src: join(root, 'src'), target: join(root, 'target'), mirror: join(root, 'mirror'),
    tmp: join(root, 'tmp'), bin: join(root, 'bin'), out: join(root, 'out'), restores: join(root, 'restores'),
    script: join(root, 'backup.sh'), runs: 0, profile: drawProfile(seed),
  };
  for (const dir of [world.src, world.target, world.mirror, world.tmp, world.bin, world.out, world.restores]) mkdirSync(dir);
  writeFileSync(join(world.bin, 'date'), FAKE_DATE, { mode: 0o755 });
  for (const name of TRIPWIRED) writeFileSync(join(world.bin, name), TRIPWIRE, { mode: 0o755 });
  const profilePath = join(root, 'sim.ini');
  writeFileSync(profilePath, profileText(world, world.profile));
  execFileSync(process.execPath, [join(REPO, 'dist', 'cli.js'), profilePath, '-o', world.script], { stdio: ['ignore', 'ignore', 'inherit'] });
  chmodSync(world.src, 0o755);
  return world;
}

export function destroyWorld(world) {
  rmSync(world.root, { recursive: true, force: true });
}

function environment(world, now, trip) {
  const env = {
    PATH: '/usr/bin:/bin', HOME: world.root, LANG: 'C.UTF-8', TZ, TMPDIR: world.tmp, SIM_NOW: `@${now}`,
    BACKUP_GEN_PATH: `${world.bin}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
  };
  if (trip) {
    Object.assign(env, { SIM_TRIP_FILE: trip.file, SIM_TRIP_AT: String(trip.at), SIM_TRIP_SIG: trip.sig,
      SIM_TRIP_SCOPE: trip.scope, SIM_TRIP_DELAY: String(trip.delay ?? 0) });
  }
  return env;
}

function groupMembers(pgid) {
  const members = [];
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') members.push(pid);
    } catch { /* gone */ }
  }
  return members;
}

async function groupGone(pgid, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (groupMembers(pgid).length > 0 && Date.now() < deadline) await sleep(50);
}

/**
 * Runs the script with args at clock `now` (epoch seconds), in a process group of its own, its
 * output in files. trip: {at, sig, scope, delay} to send a signal at the at-th tripwired call.
 * Resolves {code, signal, stdout, stderr, hung, calls}.
 */
export function runScript(world, args, now, trip = null) {
  const n = ++world.runs;
  const outPath = join(world.out, `${n}.out`);
  const errPath = join(world.out, `${n}.err`);
  const tripFile = trip ? join(world.out, `${n}.trip`) : null;
  const out = openSync(outPath, 'w');
  const err = openSync(errPath, 'w');
  const child = spawn(world.script, args, {
    cwd: world.root, detached: true, stdio: ['ignore', out, err],
    env: environment(world, now, trip && { ...trip, file: tripFile }),
  });
  closeSync(out);
  closeSync(err);
  return new Promise((resolve) => {
    let hung = false;
    const timer = setTimeout(() => {
      hung = true;
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
    }, RUN_TIMEOUT_MS);
    child.on('exit', async (code, signal) => {
      // The run is over when every process of its group is: after a SIGKILL of the script alone,
      // a child it started (a commit step, dar, rsync) may still finish what it was doing.
      await groupGone(child.pid, RUN_TIMEOUT_MS);
      clearTimeout(timer);
      const read = (p) => { try { return readFileSync(p, 'latin1'); } catch { return ''; } };
      const calls = tripFile ? Number(read(tripFile).trim() || 0) : 0;
      resolve({ n, args, code, signal, hung, calls, stdout: read(outPath), stderr: read(errPath) });
    });
  });
}
