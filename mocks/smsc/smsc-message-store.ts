import type { MessageStateRow } from '../../src/codec/smpp/index.ts';
import { messageState } from '../../src/codec/smpp/index.ts';

/** One accepted short message (a segment of a concatenated one is a message of its own, as in SMSCs). */
export interface SmscMessage {
  id: string;
  /** system_id of the ESME that submitted it (receipts go back to a receiver of the same system_id). */
  systemId: string;
  command: string;
  source: string;
  sourceTon: number;
  sourceNpi: number;
  destinations: string[];
  registeredDelivery: number;
  dataCoding: number;
  /** The user data as submitted (first octets end up in the receipt text). */
  userData: Uint8Array;
  submitted: Date;
  state: MessageStateRow;
  done?: Date;
  err: number;
}

/**
 * Messages the SMSC accepted, by message_id. Ids are 10 decimal digits (the receipt's
 * `id:IIIIIIIIII`), allocated in order so runs are reproducible.
 */
export class SmscMessageStore {
  private readonly byId = new Map<string, SmscMessage>();
  private next = 1;

  add(m: Omit<SmscMessage, 'id' | 'state' | 'err'>): SmscMessage {
    const id = String(this.next++).padStart(10, '0');
    const msg: SmscMessage = { ...m, id, state: messageState('ENROUTE')!, err: 0 };
    this.byId.set(id, msg);
    return msg;
  }

  get(id: string): SmscMessage | undefined {
    return this.byId.get(id);
  }

  /** Moves a message to a final state (idempotent for final states). */
  finish(msg: SmscMessage, state: MessageStateRow, err = 0, at = new Date()): void {
    msg.state = state;
    msg.err = err;
    msg.done = at;
  }

  all(): SmscMessage[] {
    return [...this.byId.values()];
  }

  get size(): number {
    return this.byId.size;
  }

  countByState(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const m of this.byId.values()) out[m.state.name] = (out[m.state.name] ?? 0) + 1;
    return out;
  }
}

/** SMPP absolute time `YYMMDDhhmmsstnnp` (SMPP 3.4 §7.1.1) in UTC, as in query_sm_resp final_date. */
export function smppTime(d: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getUTCFullYear() % 100)}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}${two(d.getUTCHours())}${two(d.getUTCMinutes())}${two(d.getUTCSeconds())}000+`;
}
