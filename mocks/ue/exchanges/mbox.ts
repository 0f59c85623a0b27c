import type { Json, JsonObject } from '../../../src/util/json.ts';
import { headerText, type MboxOptions, mboxReq } from '../mms-pdus.ts';
import { confResult, type HandsetLink } from './handset-link.ts';

/**
 * MMBox request (store, view, upload, delete). The m-mbox-descr parts of an m-mbox-view-conf are
 * decoded and published as MM1 messages of this handset, so cases can check each listed copy.
 */
export async function mboxAction(h: HandsetLink, p: JsonObject): Promise<Json> {
  const transactionId = h.nextTid();
  const bytes = mboxReq({ ...(p as unknown as MboxOptions), transactionId, version: h.version }, h.name);
  const r = await h.post(bytes);
  const out: JsonObject = { transactionId, ...confResult(r) };
  const pdu = r.pdu;
  if (!pdu) return out;
  const storeStatus = headerText(pdu, 'X-Mms-Store-Status');
  if (storeStatus !== undefined) out.storeStatus = storeStatus;
  const count = headerText(pdu, 'X-Mms-Message-Count');
  if (count !== undefined) out.messageCount = Number(count);
  if (pdu.type === 'm-mbox-view-conf') {
    const entries: JsonObject[] = [];
    for (const part of pdu.parts ?? []) {
      const descr = h.observe(part.data, 'in', 'mmsc');
      if (!descr) continue;
      const e: JsonObject = {};
      for (const [key, header] of [
        ['contentLocation', 'X-Mms-Content-Location'],
        ['messageId', 'Message-ID'],
        ['state', 'X-Mms-MM-State'],
        ['subject', 'Subject'],
      ] as const) {
        const v = headerText(descr, header);
        if (v !== undefined) e[key] = v;
      }
      entries.push(e);
    }
    out.entries = entries;
  }
  return out;
}
