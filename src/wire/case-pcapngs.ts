import { type BuildPcapngOptions, buildPcapng } from './build-pcapng.ts';
import type { Observation, Timeline } from './timeline.ts';

/**
 * One capture per test case: the bytes recorded while the case was current, framed on their
 * connections. A connection used by a case keeps its open/end/close records even when they
 * fall in another case (an SMPP bind kept across cases still shows its handshake and FIN), so
 * every file is a well-formed TCP conversation. Keyed by case id, in order of appearance.
 */
export function buildCasePcapngs(
  source: Timeline | readonly Observation[],
  opts: Omit<BuildPcapngOptions, 'title'> = {},
): Map<string, Uint8Array> {
  const observations = Array.isArray(source)
    ? (source as readonly Observation[])
    : (source as Timeline).all();
  const originEpochMs =
    opts.originEpochMs ?? (Array.isArray(source) ? 0 : (source as Timeline).originEpochMs);
  const connsOfCase = new Map<string, Set<string>>();
  for (const o of observations) {
    if (o.case === undefined || (o.kind !== 'bytes' && o.kind !== 'conn') || o.conn === undefined) continue;
    let s = connsOfCase.get(o.case);
    if (!s) {
      s = new Set();
      connsOfCase.set(o.case, s);
    }
    s.add(o.conn);
  }
  const out = new Map<string, Uint8Array>();
  for (const [caseId, conns] of connsOfCase) {
    const selected = observations.filter(
      (o) =>
        o.conn !== undefined &&
        conns.has(o.conn) &&
        ((o.kind === 'bytes' && o.case === caseId) || o.kind === 'conn'),
    );
    out.set(caseId, buildPcapng(selected, { ...opts, originEpochMs, title: `mmscert case ${caseId}` }));
  }
  return out;
}
