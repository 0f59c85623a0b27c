import type http from 'node:http';
import { decodeMms, getHeaders, type MmsPdu, type MmsValue } from '../../../codec/mms/index.ts';
import type { MmscConfig } from '../../config.ts';
import { deviates } from '../../deviations.ts';
import { flowTrace } from '../../flow-trace.ts';
import { TOKEN_PATTERN } from '../../ids.ts';
import { compareVersions, lowerVersion } from '../../mmsc-core.ts';
import type { StoredMessage } from '../../store/message-store.ts';
import { type Mm1Answer, type Mm1Context, pduAnswer, plainAnswer } from '../mm1-handler.ts';
import { isSendersCopy } from '../mmbox.ts';
import { makePdu, retrieveConf } from '../pdus.ts';
import { subscriberFromHeaders } from '../sender-identity.ts';

/**
 * GET of a content location (OMA-TS-MMS_CTR §6.3 retrieval; ENC 1.3 §6.3 m-retrieve-conf): the MM
 * of a notified recipient, or an MMBox copy of its owner; 404 for unknown, expired, cancelled or
 * rejected messages, 403 for anyone else.
 */
export async function retrieveConfAnswer(
  ctx: Mm1Context,
  headers: http.IncomingHttpHeaders,
  token: string,
): Promise<Mm1Answer> {
  const { core } = ctx;
  if (!TOKEN_PATTERN.test(token)) return notServed(ctx, headers, 'no such message');
  const found = core.store.byToken(token);
  if (!found) return retrieveStored(ctx, headers, token);
  const { message, index } = found;
  flowTrace?.mark(message.id, 'retrieveRecv');
  const rcpt = message.recipients[index];
  if (message.state !== 'active' || rcpt.status === 'expired')
    return notServed(ctx, headers, 'message expired or cancelled');
  // After m-notifyresp-ind Rejected the originator may already hold a Rejected delivery
  // report (OMA-TS-MMS_CTR, Notification): the copy is withdrawn, not served afterwards.
  const { config } = core;
  if (rcpt.status === 'rejected' && !deviates(config, 'serve-rejected'))
    return notServed(ctx, headers, 'message rejected by the recipient');
  const subscriber = subscriberFromHeaders(headers, config.msisdnHeaders);
  // Only the identified recipient is served (OMA-TS-MMS_CTR: the MMSC authenticates the
  // retrieving subscriber); with no usable subscriber header there is nobody to serve.
  if (!subscriber && config.requireMsisdnHeader && !deviates(config, 'serve-foreign-location'))
    return plainAnswer(403, 'subscriber not identified');
  if (subscriber && rcpt.msisdn && subscriber !== rcpt.msisdn && !deviates(config, 'serve-foreign-location'))
    return plainAnswer(403, 'not your message');
  const known = core.clientVersions.get(rcpt.msisdn ?? '') ?? rcpt.clientVersion ?? config.mmsVersion;
  // Version negotiation: answer with the lower of the client's version and ours.
  const v = lowerVersion(known, config.mmsVersion);
  const submitted = decodeMms(await core.store.readPdu(message.id));
  const pdu = retrieveConf(submitted, {
    transactionId: rcpt.notifyTransactionId,
    version: v,
    messageId: message.id,
    from: message.hideSender ? '' : message.sender,
    receivedAt: message.receivedAt,
  });
  if (message.hideSender) pdu.headers = pdu.headers.filter((h) => h.name !== 'From');
  deviateRetrieveConf(config, pdu, submitted, message);
  flowTrace?.mark(message.id, 'retrieveSent');
  return pduAnswer(pdu);
}

/**
 * A content location that serves nothing: HTTP 404 (a failed retrieval may be answered by an HTTP
 * error or, MMS 1.1+, by an m-retrieve-conf with an error X-Mms-Retrieve-Status, OMA-TS-MMS_ENC-V1_3
 * §7.3.50). Deviation `retrieve-status-in-mms10`: that m-retrieve-conf in the client's version even
 * when it is 1.0, whose PDUs have no X-Mms-Retrieve-Status (§7.3.34).
 */
function notServed(ctx: Mm1Context, headers: http.IncomingHttpHeaders, text: string): Mm1Answer {
  const { config, clientVersions } = ctx.core;
  if (!deviates(config, 'retrieve-status-in-mms10')) return plainAnswer(404, text);
  const subscriber = subscriberFromHeaders(headers, config.msisdnHeaders);
  const v = lowerVersion(clientVersions.get(subscriber ?? '') ?? config.mmsVersion, config.mmsVersion);
  return pduAnswer(
    makePdu('m-retrieve-conf', undefined, v, [
      ['Date', Math.floor(ctx.core.clock.now() / 1000)],
      ['X-Mms-Retrieve-Status', 'Error-permanent-message-not-found'],
      ['Content-Type', { mediaType: 'text/plain', params: [] }],
    ]),
  );
}

/** The deviations of m-retrieve-conf (src/mmsc/deviations.ts), applied to the conforming PDU. */
function deviateRetrieveConf(
  config: MmscConfig,
  pdu: MmsPdu,
  submitted: MmsPdu,
  message: StoredMessage,
): void {
  const drop = (name: string) => {
    pdu.headers = pdu.headers.filter((h) => h.name !== name);
  };
  if (deviates(config, 'omit-date')) drop('Date');
  if (deviates(config, 'retrieve-no-message-id')) drop('Message-ID');
  if (deviates(config, 'retrieve-no-content-type')) drop('Content-Type');
  const insert = (name: string, value: MmsValue) => {
    const at = pdu.headers.findIndex((h) => h.name === 'Content-Type');
    pdu.headers.splice(at < 0 ? pdu.headers.length : at, 0, { name, value });
  };
  if (deviates(config, 'disclose-bcc')) for (const bcc of getHeaders(submitted, 'Bcc')) insert('Bcc', bcc);
  if (deviates(config, 'ignore-sender-visibility') && message.hideSender) insert('From', message.sender);
}

/** GET of an MMBox copy's location: m-retrieve-conf with its MM-State and MM-Flags (ENC 1.3 M-Retrieve.conf). */
async function retrieveStored(
  ctx: Mm1Context,
  headers: http.IncomingHttpHeaders,
  token: string,
): Promise<Mm1Answer> {
  const { core } = ctx;
  const found = core.store.byMboxToken(token);
  if (!found) return notServed(ctx, headers, 'no such message');
  const { message, entry } = found;
  const subscriber = subscriberFromHeaders(headers, core.config.msisdnHeaders);
  if (subscriber !== entry.owner) return plainAnswer(403, 'not your MMBox');
  const known = core.clientVersions.get(entry.owner) ?? core.config.mmsVersion;
  const v = lowerVersion(known, core.config.mmsVersion);
  const own = isSendersCopy(message, entry);
  const submitted = decodeMms(await core.store.readPdu(message.id));
  const pdu = retrieveConf(submitted, {
    version: v,
    messageId: message.id,
    from: message.hideSender && !own ? '' : message.sender,
    receivedAt: message.receivedAt,
  });
  if (message.hideSender && !own) pdu.headers = pdu.headers.filter((h) => h.name !== 'From');
  if (compareVersions(v, '1.2') >= 0) {
    pdu.headers = pdu.headers.filter((h) => h.name !== 'X-Mms-MM-State' && h.name !== 'X-Mms-MM-Flags');
    const at = pdu.headers.findIndex((h) => h.name === 'Content-Type');
    const extra = ctx.mmbox.retrieveFields(entry).map(([name, value]) => ({ name, value }));
    pdu.headers.splice(at < 0 ? pdu.headers.length : at, 0, ...extra);
  }
  return pduAnswer(pdu);
}
