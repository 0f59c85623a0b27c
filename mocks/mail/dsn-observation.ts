import { DecodeError } from '../../src/codec/codec-error.ts';
import { decodeDsn, dsnObservations, isDsnMail } from '../../src/codec/dsn/index.ts';
import type { Iface, NodeRole } from '../../src/wire/nodes.ts';
import type { Timeline } from '../../src/wire/timeline.ts';

/**
 * A delivery status notification reaching one of our SMTP peers (the MTA for MM3, the remote
 * MMSC for MM4): an MTA in front of the target accepted a mail our peer sent and refused it
 * afterwards, by a DSN to our envelope sender (RFC 5321 §6.1; RFC 3464). It is neither mail for
 * a mailbox nor an MM4 request: it goes onto the timeline as `message` type `dsn`, one per
 * per-recipient group (action, status, finalRecipient, originalEnvelopeId, the original's
 * Message-ID / X-Mms-Transaction-ID...), the bytes on the first. A mail that says it is a DSN
 * but breaks RFC 3464 is the event `dsn-undecodable` (with the codec's `offset N: field: reason`).
 *
 * Returns false for a mail that is no DSN (the caller handles it as before).
 */
export function publishDsn(
  who: { timeline?: Timeline; node: string; role: NodeRole; iface: Iface },
  m: { raw: Uint8Array; mailFrom: string; rcptTo: readonly string[] },
): boolean {
  if (!isDsnMail(m.raw)) return false;
  const envelope = { mailFrom: m.mailFrom, rcptTo: [...m.rcptTo] };
  const base = { node: who.node, role: who.role, iface: who.iface, direction: 'in' as const, peer: 'mmsc' };
  let records: ReturnType<typeof dsnObservations>;
  try {
    records = dsnObservations(decodeDsn(m.raw));
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    who.timeline?.publish({
      kind: 'event',
      name: 'dsn-undecodable',
      ...base,
      direction: 'local',
      detail: { error: e.toLine(), envelope, size: m.raw.byteLength },
    });
    return true;
  }
  records.forEach((fields, i) => {
    who.timeline?.publish({
      kind: 'message',
      type: 'dsn',
      ...base,
      fields: { ...fields, envelope },
      ...(i === 0 ? { raw: m.raw } : {}),
    });
  });
  return true;
}
