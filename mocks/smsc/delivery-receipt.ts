import type { MessageStateRow } from '../../src/codec/smpp/index.ts';

/**
 * The delivery receipt text of SMPP 3.4 Appendix B (the de-facto format every SMSC copies):
 * `id:IIIIIIIIII sub:SSS dlvrd:DDD submit date:YYMMDDhhmm done date:YYMMDDhhmm stat:DDDDDDD err:E text: ...`
 */
export interface ReceiptInput {
  messageId: string;
  submitted: Date;
  done: Date;
  state: MessageStateRow;
  /** Network error code, printed as 3 digits. */
  err?: number;
  /** The first octets of the original message (Appendix B: the first 20 characters). */
  text?: Uint8Array;
  /** Number of messages submitted / delivered (Appendix B sub/dlvrd, 3 digits). */
  sub?: number;
  dlvrd?: number;
}

/** YYMMDDhhmm in UTC. */
export function receiptDate(d: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getUTCFullYear() % 100)}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}${two(d.getUTCHours())}${two(d.getUTCMinutes())}`;
}

/** The receipt text; binary octets outside printable ASCII show as '.'. */
export function formatReceipt(r: ReceiptInput): string {
  const three = (n: number) => String(n).padStart(3, '0');
  const delivered = r.dlvrd ?? (r.state.name === 'DELIVERED' ? 1 : 0);
  const text = Array.from((r.text ?? new Uint8Array()).subarray(0, 20), (b) =>
    b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.',
  ).join('');
  return (
    `id:${r.messageId} sub:${three(r.sub ?? 1)} dlvrd:${three(delivered)} ` +
    `submit date:${receiptDate(r.submitted)} done date:${receiptDate(r.done)} ` +
    `stat:${r.state.stat} err:${three(r.err ?? 0)} text:${text}`
  );
}

const RECEIPT_RE =
  /^id:(\S+) sub:(\d{3}) dlvrd:(\d{3}) submit date:(\d{10}) done date:(\d{10}) stat:(\w{7}) err:(\d{3}) text:(.*)$/s;

/** Parses a receipt text (for tests and for suites matching receipts); undefined when not one. */
export function parseReceipt(text: string):
  | {
      id: string;
      sub: number;
      dlvrd: number;
      submitDate: string;
      doneDate: string;
      stat: string;
      err: number;
      text: string;
    }
  | undefined {
  const m = RECEIPT_RE.exec(text);
  if (!m) return undefined;
  return {
    id: m[1],
    sub: Number(m[2]),
    dlvrd: Number(m[3]),
    submitDate: m[4],
    doneDate: m[5],
    stat: m[6],
    err: Number(m[7]),
    text: m[8],
  };
}
