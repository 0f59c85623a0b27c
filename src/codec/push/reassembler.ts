import type { SmsUserData } from './sms-user-data.ts';

/**
 * Reassembles concatenated SMS (3GPP TS 23.040 §9.2.3.24.1): segments may arrive out of
 * order or twice; a message whose segments do not all arrive within the timeout is dropped
 * and reported as expired. The clock is injected so tests and peers control time.
 */
export interface ReassembledSms {
  key: string;
  payload: Uint8Array;
  ports?: { source: number; destination: number };
  /** The segments' user data in sequence order. */
  segments: SmsUserData[];
}

export interface ExpiredSms {
  key: string;
  received: number[];
  total: number;
}

export type AddResult =
  | { status: 'complete'; message: ReassembledSms }
  | { status: 'pending'; key: string; received: number; total: number }
  | { status: 'duplicate'; key: string };

interface Partial {
  total: number;
  firstAt: number;
  parts: Map<number, SmsUserData>;
  ports?: { source: number; destination: number };
}

export class SmsReassembler {
  private readonly partials = new Map<string, Partial>();

  constructor(private readonly timeoutMs = 60_000) {}

  /**
   * `origin` distinguishes senders (e.g. source_addr + destination_addr): references are only
   * unique per originator and recipient.
   */
  add(origin: string, ud: SmsUserData, now = Date.now()): AddResult {
    if (!ud.concat) {
      return {
        status: 'complete',
        message: { key: `${origin}|single`, payload: ud.payload, ports: ud.ports, segments: [ud] },
      };
    }
    const { ref, refBits, total, seq } = ud.concat;
    const key = `${origin}|${refBits}:${ref}:${total}`;
    let p = this.partials.get(key);
    if (!p) {
      p = { total, firstAt: now, parts: new Map(), ports: ud.ports };
      this.partials.set(key, p);
    }
    if (p.parts.has(seq)) return { status: 'duplicate', key };
    p.parts.set(seq, ud);
    if (p.parts.size < total) return { status: 'pending', key, received: p.parts.size, total };
    this.partials.delete(key);
    const segments: SmsUserData[] = [];
    let length = 0;
    for (let s = 1; s <= total; s++) {
      const part = p.parts.get(s)!;
      segments.push(part);
      length += part.payload.length;
    }
    const payload = new Uint8Array(length);
    let at = 0;
    for (const s of segments) {
      payload.set(s.payload, at);
      at += s.payload.length;
    }
    return { status: 'complete', message: { key, payload, ports: p.ports, segments } };
  }

  /** Drops and returns every partial message older than the timeout. */
  sweep(now = Date.now()): ExpiredSms[] {
    const out: ExpiredSms[] = [];
    for (const [key, p] of this.partials) {
      if (now - p.firstAt >= this.timeoutMs) {
        this.partials.delete(key);
        out.push({ key, total: p.total, received: [...p.parts.keys()].sort((a, b) => a - b) });
      }
    }
    return out;
  }

  get pending(): number {
    return this.partials.size;
  }
}
