import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeMm7, encodeMm7, type Mm7Message, mm7Address } from '../../codec/mm7/index.ts';
import { startReferenceMmsc } from '../index.ts';
import { createModule } from './index.ts';

/**
 * Idempotency across a restart on the same store: a SubmitReq repeated after the restart gets
 * the same MessageID; a ReplaceReq repeated after the restart (its remembered answer gone) is
 * answered 1000 again without replacing the replacement.
 */
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const config = (storeDir: string) => ({
  storeDir,
  fsync: false,
  vasps: [{ vaspId: 'OPEN2', shortCodes: ['54321'] }],
});

async function call(url: string, msg: Mm7Message): Promise<Mm7Message> {
  const { contentType, body } = encodeMm7(msg);
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: Buffer.from(body),
  });
  return decodeMm7(new Uint8Array(await r.arrayBuffer()), r.headers.get('content-type') ?? '');
}

const base = {
  version: 'REL-6-MM7-1-2',
  fields: { MM7Version: '6.5.0', SenderIdentification: { VASPID: 'OPEN2' } },
};
const submitReq = (tid: string): Mm7Message => ({
  type: 'SubmitReq',
  transactionId: tid,
  version: base.version,
  // Delivery an hour away: the recipient stays pending (no notification route in this test).
  fields: { ...base.fields, Recipients: { To: mm7Address('+15559800') }, EarliestDeliveryTime: 'PT1H' },
  content: { headers: [], contentType: 'text/plain', params: {}, body: Buffer.from('v1') },
});
const replaceReq = (tid: string, id: string): Mm7Message => ({
  type: 'ReplaceReq',
  transactionId: tid,
  version: base.version,
  fields: { ...base.fields, MessageID: id },
  content: { headers: [], contentType: 'text/plain', params: {}, body: Buffer.from('v2') },
});
const code = (m: Mm7Message) => (m.fields.Status as { StatusCode: string }).StatusCode;

describe('MM7 idempotency across a restart', () => {
  it('SubmitReq and ReplaceReq repeated after a restart', async () => {
    const storeDir = await mkdtemp(path.join(os.tmpdir(), 'mmscert-mm7-restart-'));
    dirs.push(storeDir);
    let mmsc = await startReferenceMmsc(config(storeDir), { modules: [createModule()] });
    let url = mmsc.endpoints.find((e) => e.iface === 'MM7')?.url ?? '';
    const sub = await call(url, submitReq('r-sub-1'));
    const id = String(sub.fields.MessageID);
    expect(code(await call(url, replaceReq('r-rep-1', id)))).toBe('1000');
    await mmsc.stop();

    mmsc = await startReferenceMmsc(config(storeDir), { modules: [createModule()] });
    url = mmsc.endpoints.find((e) => e.iface === 'MM7')?.url ?? '';
    try {
      const again = await call(url, submitReq('r-sub-1'));
      expect(code(again)).toBe('1000');
      expect(again.fields.MessageID).toBe(id);
      const rep = await call(url, replaceReq('r-rep-1', id));
      expect(code(rep)).toBe('1000');
      expect(rep.transactionId).toBe('r-rep-1');
      const all = [...mmsc.core.store.all()];
      expect(all).toHaveLength(2); // the original (cancelled) and one replacement
      const active = all.filter((m) => m.state === 'active');
      expect(active).toHaveLength(1);
      expect(active[0].originInfo).toMatchObject({ vaspMessageId: id, replaces: id });
      expect(active[0].originInfo?.replacedBy).toBeUndefined();
    } finally {
      await mmsc.stop();
    }
  }, 30_000);
});
