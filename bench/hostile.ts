import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { HOSTILE_CASES } from '../test/support/hostile-cases.js';
import { HostileTrial, type TrialRow } from '../test/support/hostile-trial.js';

/**
 * `npm run bench:hostile`: CamLoop (its own process), one good browserless phone (640x480 VP8,
 * 30 fps, edges) measured alone, then each hostile case beside it on a call of its own: garbage
 * payloads, impossible picture sizes, cut frames, 10x the rate, size changes, 4K, keyframe-request
 * and NACK storms. Per case: the good phone's fps during it, the hostile call's own fps before,
 * during and after it sends good video again (and how long until its first frame back), the
 * server's RSS, and what the server logged besides INFO lines.
 */
const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '6' },
    cases: { type: 'string', default: '' },
  },
});
const aloneMs = 3000;
const timing = { beforeMs: 2000, duringMs: Number(values.seconds) * 1000, recoveryLimitMs: 10_000, afterMs: 3000 };
const wanted = values.cases ? values.cases.split(',').map((s) => s.trim().toLowerCase()) : [];
const cases = HOSTILE_CASES.filter((c) => !wanted.length || wanted.some((w) => c.name.toLowerCase().includes(w)));

const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
const loadAtStart = load();
const trial = await HostileTrial.start(5000);
process.stderr.write(`good phone alone: ${trial.aloneFps.toFixed(1)} fps\n`);
const rows: TrialRow[] = [];
try {
  for (const kase of cases) {
    const row = await trial.run(kase, timing, aloneMs);
    rows.push(row);
    process.stderr.write(`${line(row)}\n`);
  }
} finally {
  await trial.close();
}

function line(row: TrialRow): string {
  const { good, hostile: h, rssMb } = row;
  const got = h.receivedPerSecond;
  const sent = `${h.sentPerSecond.frames.toFixed(0)} fps, ${h.sentPerSecond.packets.toFixed(0)} pkt/s, ${((h.sentPerSecond.bytes * 8) / 1e6).toFixed(1)} Mbps; got ${got.packets.toFixed(0)} pkt/s (${got.repeated.toFixed(0)} again), ${got.keyframes.toFixed(1)} keyframes/s`;
  const back = h.error ? `error: ${h.error}` : `${h.fps.before.toFixed(1)} / ${h.fps.during.toFixed(1)} / ${h.fps.after.toFixed(1)}`;
  const recovery =
    h.recoveryMs === undefined ? (h.error ? '-' : `none in ${timing.recoveryLimitMs / 1000} s`) : `${(h.recoveryMs / 1000).toFixed(2)} s`;
  const log = row.logLines.length
    ? `${row.logLines.length}: ${distinct(row.logLines)
        .slice(0, 2)
        .map(([text, n]) => `${n}x ${text.slice(0, 90)}`)
        .join('; ')}`
    : '-';
  const st = row.session?.stats;
  const server = st
    ? `in ${st.framesIn} out ${st.framesOut} dropped ${st.dropped} skipped ${st.skipped}; ${st.width}x${st.height} -> ${st.sentWidth}x${st.sentHeight}${st.scaledFor ? ` (${st.scaledFor})` : ''}; decode ${st.timings.decodeMs.toFixed(0)} ms${row.session!.errors.length ? `; ${row.session!.errors.length} errors` : ''}`
    : '-';
  const notes = [
    row.lingered ? 'session lingered' : '',
    row.settledMs === undefined
      ? 'not calm 90 s later'
      : row.settledMs > 1500
        ? `calm ${(row.settledMs / 1000).toFixed(0)} s later (good phone at half its fps, RSS back)`
        : '',
    row.serving ? '' : 'NOT SERVING',
    h.connectFailures.length ? `connected at try ${h.connectFailures.length + 1}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  return `| ${row.case} | ${good.alone.toFixed(1)} | ${good.fps.toFixed(1)} (${good.ratio.toFixed(2)}x) | ${good.worstSecond} | ${back} | ${recovery} | ${sent} | ${server} | ${rssMb.before.toFixed(0)} -> ${rssMb.after.toFixed(0)} | ${log.replaceAll('|', '/')} ${notes} |`;
}

/** Log lines with their counts, addresses and numbers blurred so that repeats group together. */
function distinct(lines: string[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const l of lines) {
    const key = l
      .replace(/^\S+Z /, '')
      .replace(/0x[0-9a-f]+/g, '0x…')
      .replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, '<id>');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1]);
}

const header = [
  `Machine load average (1/5/15 min) at the start: ${loadAtStart}; at the end: ${load()} (${cpus().length} cores, shared).`,
  `Good phone alone at the start: ${trial.aloneFps.toFixed(1)} fps (5 s), and again for ${aloneMs / 1000} s before each case. Each case ${timing.duringMs / 1000} s; the hostile call's fps before / during / after (after: over ${timing.afterMs / 1000} s from its first frame made from good video again).`,
  '',
  `| case | good phone fps alone, just before | good phone fps during (x alone) | good phone worst second | hostile fps before / during / after | hostile: first frame after good video resumes | hostile sent during; what it got back | hostile session, the server's stats at its end | server RSS MB | server log besides INFO (lines: most frequent) |`,
  '|---|---|---|---|---|---|---|---|---|---|',
];
const first = rows[0]?.rssMb.before ?? NaN;
const last = rows.at(-1)?.rssMb.after ?? NaN;
const footer = [
  ``,
  `Server RSS: ${first.toFixed(0)} MB before the first case, ${last.toFixed(0)} MB after the last (${(last - first).toFixed(0)} MB).`,
  '',
  'Server log lines besides INFO, all cases:',
  ...distinct(rows.flatMap((r) => r.logLines)).map(([text, n]) => `    ${n}x ${text.slice(0, 200)}`),
];
process.stdout.write(`${[...header, ...rows.map(line), ...footer].join('\n')}\n`);
process.exit(0);
