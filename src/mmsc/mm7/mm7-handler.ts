import type { Mm7Message, Mm7MessageType, Mm7VersionId } from '../../codec/mm7/index.ts';
import type { MmscConfig, VaspConfig } from '../config.ts';
import { deviates } from '../deviations.ts';
import type { MmscCore } from '../mmsc-core.ts';
import type { StoredMessage } from '../store/message-store.ts';
import type { Reply } from './mm7-reply.ts';

/**
 * One MM7 request handler (a row of MM7_HANDLERS, mm7-handlers.ts): a request a VASP sends that
 * passed the endpoint's checks (envelope, version, mandatory elements, VASP identity), answered by
 * its response.
 */
export type Mm7Handler = (
  core: MmscCore,
  msg: Mm7Message,
  vasp: VaspConfig,
  version: Mm7VersionId,
) => Promise<Reply>;

export interface Mm7RequestRow {
  /** The response the request gets (TS 23.140 §8.7 operation pairs). */
  response: Mm7MessageType;
  handle: Mm7Handler;
  /**
   * How a repeated TransactionID of the same VASP is answered: `store` (the store's idempotency
   * key: the same MM, its first answer), or `cache` (the first answer, remembered by the module).
   */
  repeat: 'store' | 'cache';
}

/** 2007 Message format corrupt (status codes of Annex L), or the deviation's 4008. */
export function formatCorrupt(config: MmscConfig): number {
  return deviates(config, 'mm7-4008-for-2007') ? 4008 : 2007;
}

/** A reason the content is refused (allowedContentTypes), or undefined. */
export function refusedContent(config: MmscConfig, msg: Mm7Message): string | undefined {
  const allowed = config.allowedContentTypes;
  const ok = (t: string) =>
    allowed.some(
      (a) => a === '*' || a === '*/*' || a === t || (a.endsWith('/*') && t.startsWith(a.slice(0, -1))),
    );
  const c = msg.content;
  if (!c) return undefined;
  const leaves = c.parts ? c.parts : [c];
  for (const p of leaves) {
    if (p.parts) return `nested multipart ${p.contentType} is not accepted`;
    if (!ok(p.contentType)) return `content type not accepted: ${p.contentType}`;
  }
  return undefined;
}

/** The current message a VASP's MessageID names (following replacements), if it is that VASP's. */
export function vaspMessage(core: MmscCore, vaspId: string, id: string): StoredMessage | undefined {
  let m = core.store.get(id);
  for (let hops = 0; m?.originInfo?.replacedBy && hops < 100; hops++) {
    m = core.store.get(m.originInfo.replacedBy);
  }
  if (m?.origin !== 'mm7' || m.originInfo?.vaspId !== vaspId) return undefined;
  return m;
}

/** Why a message can no longer be cancelled or replaced (the details of 3001 Not Possible). */
export function stateOf(m: StoredMessage): string {
  if (m.state !== 'active') return m.state;
  return `already delivered (${m.recipients.map((r) => r.status).join(', ')})`;
}

export function isTrue(v: string | undefined): boolean {
  return v === 'true' || v === '1';
}
