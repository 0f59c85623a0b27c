import { mediaTypeText } from '../../../src/codec/wsp/index.ts';
import type { Json, JsonObject } from '../../../src/util/json.ts';
import { PeerConfigError } from '../../peer.ts';
import { MMS_MEDIA_TYPE, mediaType } from '../../wap-gateway/http-util.ts';
import { accepts } from '../device-profile.ts';
import type { InboxEntry } from '../inbox-entry.ts';
import { headerText } from '../mms-pdus.ts';
import { sendAck } from './acknowledge.ts';
import type { HandsetLink, HttpResult } from './handset-link.ts';
import { entryFor } from './inbox.ts';
import { sendNotifyResp } from './notifyresp.ts';

/**
 * Retrieval (OMA-TS-MMS_CTR §6.3): GET of the X-Mms-Content-Location -> m-retrieve-conf, on a
 * notification (immediate) or on demand (the `retrieve` action, deferred).
 */

/**
 * What the handset does on an m-notification-ind, by its retrieval mode (CTR §6.3): immediate
 * retrieval then m-notifyresp-ind Retrieved, Deferred, or Rejected (also for a message larger than
 * its profile accepts).
 */
export async function onNotification(h: HandsetLink, entry: InboxEntry): Promise<void> {
  // no PDP context (no GPRS roaming, APN barred, detached): neither a GET nor an m-notifyresp-ind
  // can reach the MMSC; the notification stays in the inbox
  if (!h.dataPath()) return;
  const mode = h.retrievalMode;
  const tooBig = entry.size !== undefined && entry.size > h.profile.maxMessageSize;
  if (mode === 'reject' || tooBig) {
    if (tooBig) h.event('message-too-large', { size: entry.size ?? 0, max: h.profile.maxMessageSize });
    entry.state = 'rejected';
    await sendNotifyResp(h, entry, 'Rejected');
    return;
  }
  if (mode === 'deferred') {
    entry.state = 'deferred';
    await sendNotifyResp(h, entry, 'Deferred');
    return;
  }
  const r = await retrieve(h, entry);
  if (r.status === 200 && entry.state === 'retrieved') await sendNotifyResp(h, entry, 'Retrieved');
}

/** GET of the content location; decodes m-retrieve-conf into the inbox entry. */
export async function retrieve(h: HandsetLink, entry: InboxEntry): Promise<HttpResult> {
  if (!entry.contentLocation)
    throw new PeerConfigError(h.name, `inbox entry ${entry.index} has no content location`);
  let r: HttpResult;
  try {
    r = await h.request('GET', entry.contentLocation);
  } catch (e) {
    entry.state = 'retrieval-failed';
    throw e;
  }
  if (r.status !== 200) {
    entry.state = 'retrieval-failed';
    h.event('retrieval-failed', { status: r.status, contentLocation: entry.contentLocation });
    return r;
  }
  const pdu = mediaType(r.contentType) === MMS_MEDIA_TYPE ? h.observe(r.body, 'in', 'mmsc') : undefined;
  if (pdu?.type !== 'm-retrieve-conf') {
    entry.state = 'retrieval-failed';
    h.event('retrieval-failed', {
      status: r.status,
      contentType: r.contentType,
      reason: 'not an m-retrieve-conf',
    });
    return r;
  }
  // MMS 1.1+ may answer a failed retrieval with an m-retrieve-conf whose X-Mms-Retrieve-Status is
  // an error (OMA-TS-MMS_ENC-V1_3 X-Mms-Retrieve-Status) instead of an HTTP error: a failure too.
  const retrieveStatus = headerText(pdu, 'X-Mms-Retrieve-Status');
  if (retrieveStatus?.startsWith('Error')) {
    entry.state = 'retrieval-failed';
    h.event('retrieval-failed', {
      status: r.status,
      retrieveStatus,
      contentLocation: entry.contentLocation,
    });
    return r;
  }
  entry.state = 'retrieved';
  entry.retrieved = {
    status: r.status,
    messageId: headerText(pdu, 'Message-ID'),
    from: headerText(pdu, 'From'),
    subject: headerText(pdu, 'Subject'),
    contentType: headerText(pdu, 'Content-Type'),
    parts: pdu.parts?.length ?? 0,
    size: r.body.length,
    unsupported: (pdu.parts ?? [])
      .map((p) => mediaTypeText(p.contentType))
      .filter((t) => !accepts(h.profile, t)),
  };
  if (entry.retrieved.unsupported.length) {
    h.event('content-not-accepted', { index: entry.index, mediaTypes: entry.retrieved.unsupported });
  }
  return r;
}

/** The `retrieve` action: GET of an inbox entry, then its m-notifyresp-ind or m-acknowledge-ind. */
export async function retrieveAction(h: HandsetLink, p: JsonObject): Promise<Json> {
  const entry = entryFor(h, p);
  const r = await retrieve(h, entry);
  // Deferred retrieval ends with m-acknowledge-ind (OMA-TS-MMS_CTR §6.3.2); after an
  // immediate one the handset answers m-notifyresp-ind Retrieved (§6.3.1).
  let ack: Json = null;
  if (r.status === 200 && entry.state === 'retrieved' && p.ack !== false) {
    if (entry.notifyStatus === undefined && p.ack !== 'acknowledge')
      ack = await sendNotifyResp(h, entry, 'Retrieved');
    else ack = await sendAck(h, entry);
  }
  return {
    index: entry.index,
    state: entry.state,
    ...(entry.retrieved ?? { status: r.status }),
    ack,
  } as JsonObject;
}
