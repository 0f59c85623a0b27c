import { MM_STATE } from '../../codec/mms/enums.ts';
import {
  decodeMms,
  encodeMms,
  getHeader,
  getHeaders,
  type MmsFlag,
  type MmsPart,
  type MmsPdu,
  type MmsValue,
  mmsHeaderByName,
} from '../../codec/mms/index.ts';
import { mediaName } from '../../codec/wsp/index.ts';
import { tokenOfLocation } from '../ids.ts';
import { compareVersions, type MmscCore } from '../mmsc-core.ts';
import type { MboxEntry, MboxState, StoredMessage } from '../store/message-store.ts';
import { makePdu, mediaTypeOf, textOf } from './pdus.ts';

/**
 * The MMBox (OMA-TS-MMS_CTR 1.3 "MMBox"; the MMBox PDUs of OMA-TS-MMS_ENC 1.3): each subscriber's
 * network store of messages. A copy is an entry (owner, unguessable content-location token,
 * X-Mms-MM-State, X-Mms-MM-Flags) on a stored message, so the sender's Sent copy and a recipient's
 * stored copy share the submitted PDU; an upload becomes a message of its own without recipients.
 * Every change is committed to the durable store before it is answered.
 */

/** The X-Mms-MM-State tokens, from the codec's table of the field's values. */
const STATES: ReadonlySet<string> = new Set(Object.values(MM_STATE));
const MMS_CT = 'application/vnd.wap.mms-message';

/** X-Mms-Store-Status tokens (ENC 1.3, X-Mms-Store-Status field). */
type StoreStatus =
  | 'Success'
  | 'Error-transient-failure'
  | 'Error-permanent-service-denied'
  | 'Error-permanent-message-format-corrupt'
  | 'Error-permanent-message-not-found'
  | 'Error-permanent-mmbox-full';

export interface StoreOutcome {
  status: StoreStatus;
  text?: string;
  location?: string;
}

/** Fields that describe a stored copy in m-mbox-descr when the request names no X-Mms-Attributes. */
const DEFAULT_ATTRIBUTES = [
  'Date',
  'From',
  'To',
  'Cc',
  'Subject',
  'X-Mms-Message-Class',
  'X-Mms-Priority',
  'X-Mms-Message-Size',
  'X-Mms-MM-State',
  'X-Mms-MM-Flags',
];

/** Asked-for attributes that are not content fields of a copy (or are always in m-mbox-descr). */
const NOT_ATTRIBUTES = new Set([
  'X-Mms-Message-Type',
  'X-Mms-Transaction-Id',
  'X-Mms-MMS-Version',
  'Message-ID',
  'X-Mms-Content-Location',
  'Content-Type',
]);

export class Mmbox {
  constructor(
    private readonly core: MmscCore,
    private readonly locationOf: (token: string) => string,
  ) {}

  get enabled(): boolean {
    return this.core.config.mmbox.enabled;
  }

  private usage(owner: string): { messages: number; bytes: number } {
    let bytes = 0;
    const all = this.core.store.mboxOf(owner);
    for (const { message } of all) bytes += message.size;
    return { messages: all.length, bytes };
  }

  private full(owner: string, size: number): string | undefined {
    const { quotaMessages, quotaBytes } = this.core.config.mmbox;
    const u = this.usage(owner);
    if (u.messages + 1 > quotaMessages) return `MMBox holds ${u.messages} messages (quota ${quotaMessages})`;
    if (u.bytes + size > quotaBytes) return `MMBox would hold ${u.bytes + size} octets (quota ${quotaBytes})`;
    return undefined;
  }

  /**
   * Adds `owner`'s copy of a stored message (X-Mms-Store: Yes on m-send-req / m-forward-req, or
   * m-mbox-store-req). An owner holds one copy of a message: asking again updates it (idempotent).
   */
  async addCopy(
    message: StoredMessage,
    owner: string,
    state: MboxState,
    flags: readonly MmsFlag[],
  ): Promise<StoreOutcome> {
    if (!this.enabled) return { status: 'Error-permanent-service-denied', text: 'MMBox not offered' };
    const existing = message.mbox?.find((e) => e.owner === owner);
    if (!existing) {
      const why = this.full(owner, message.size);
      if (why) return { status: 'Error-permanent-mmbox-full', text: why };
    }
    const updated = await this.core.store.update(message.id, (m) => {
      m.mbox ??= [];
      const e = m.mbox.find((x) => x.owner === owner);
      if (e) {
        e.state = state;
        e.flags = applyFlags(e.flags, flags);
      } else
        m.mbox.push({
          owner,
          token: this.core.ids.newToken(),
          state,
          flags: applyFlags([], flags),
          storedAt: this.core.clock.now(),
        });
    });
    // the copy as stored: a concurrent store of the same message by the same owner made one copy
    const stored = updated.mbox?.find((e) => e.owner === owner);
    if (!stored) return { status: 'Error-transient-failure', text: 'MMBox copy not stored' };
    return { status: 'Success', location: this.locationOf(stored.token) };
  }

  /**
   * X-Mms-Store: Yes on m-send-req / m-forward-req (ENC 1.3 X-Mms-Store, MMS 1.2+): the sender's
   * copy, state Sent unless X-Mms-MM-State says otherwise. Undefined when none was asked for; a
   * copy that could not be stored is reported, never fails the submission.
   */
  async storeOnSubmit(
    pdu: MmsPdu,
    message: StoredMessage,
    owner: string,
    version: string,
  ): Promise<StoreOutcome | undefined> {
    if (getHeader(pdu, 'X-Mms-Store') !== 'Yes' || compareVersions(version, '1.2') < 0) return undefined;
    const state = stateOf(getHeader(pdu, 'X-Mms-MM-State')) ?? 'Sent';
    return this.addCopy(message, owner, state, getHeaders(pdu, 'X-Mms-MM-Flags') as MmsFlag[]).catch(() => ({
      status: 'Error-transient-failure' as const,
      text: 'MMBox copy could not be stored',
    }));
  }

  /** m-mbox-store-req (ENC 1.3, storing and updating in the MMBox): keep a notified message, or change the state/flags of a stored one. */
  async storeReq(pdu: MmsPdu, owner: string | undefined, version: string): Promise<MmsPdu> {
    const conf = storeConf('m-mbox-store-conf', pdu, version);
    if (!owner) return conf({ status: 'Error-permanent-service-denied', text: 'subscriber not identified' });
    const token = tokenOfLocation(textOf(getHeader(pdu, 'X-Mms-Content-Location')) ?? '');
    const flags = getHeaders(pdu, 'X-Mms-MM-Flags') as MmsFlag[];
    const asked = stateOf(getHeader(pdu, 'X-Mms-MM-State'));
    const stored = token ? this.core.store.byMboxToken(token) : undefined;
    if (stored && stored.entry.owner === owner)
      return conf(await this.addCopy(stored.message, owner, asked ?? stored.entry.state, flags));
    const notified = token ? this.core.store.byToken(token) : undefined;
    const rcpt = notified?.message.recipients[notified.index];
    if (!notified || rcpt?.msisdn !== owner || notified.message.state === 'cancelled')
      return conf({ status: 'Error-permanent-message-not-found', text: 'no such message of yours' });
    // CTR 1.3 MMBox: a stored notified message is New until retrieved, then Retrieved.
    const state = asked ?? (rcpt.status === 'retrieved' ? 'Retrieved' : 'New');
    return conf(await this.addCopy(notified.message, owner, state, flags));
  }

  /** m-mbox-upload-req (ENC 1.3, uploading to the MMBox): a message the client puts in its MMBox (a draft, say). */
  async uploadReq(pdu: MmsPdu, owner: string | undefined, version: string): Promise<MmsPdu> {
    const tid = textOf(getHeader(pdu, 'X-Mms-Transaction-Id')) ?? '';
    const conf = storeConf('m-mbox-upload-conf', pdu, version);
    if (!this.enabled) return conf({ status: 'Error-permanent-service-denied', text: 'MMBox not offered' });
    if (!owner) return conf({ status: 'Error-permanent-service-denied', text: 'subscriber not identified' });
    const sender = `+${owner}/TYPE=PLMN`;
    const again = this.core.store.byTransaction(sender, uploadKey(tid));
    const mine = again?.mbox?.find((e) => e.owner === owner);
    if (again && mine) return conf({ status: 'Success', location: this.locationOf(mine.token) });
    const message = uploadedMessage(pdu);
    if ('problem' in message)
      return conf({ status: 'Error-permanent-message-format-corrupt', text: message.problem });
    // A client's draft has no Message-ID or Content-Location yet: the m-mbox-descr is kept as it
    // came (re-encoded), not held to the view's presence rules.
    let bytes: Uint8Array;
    try {
      bytes = encodeMms(message.pdu, { validate: false });
    } catch (e) {
      return conf({ status: 'Error-permanent-message-format-corrupt', text: (e as Error).message });
    }
    if (bytes.length > this.core.config.maxMessageSize)
      return conf({
        status: 'Error-permanent-mmbox-full',
        text: `message too large: ${bytes.length} > ${this.core.config.maxMessageSize} octets`,
      });
    const why = this.full(owner, bytes.length);
    if (why) return conf({ status: 'Error-permanent-mmbox-full', text: why });
    const now = this.core.clock.now();
    const entry: MboxEntry = {
      owner,
      token: this.core.ids.newToken(),
      state: stateOf(getHeader(pdu, 'X-Mms-MM-State')) ?? 'Draft',
      flags: applyFlags([], getHeaders(pdu, 'X-Mms-MM-Flags') as MmsFlag[]),
      storedAt: now,
    };
    await this.core.store.create(
      {
        id: this.core.ids.newMessageId(),
        sender,
        origin: 'mm1',
        transactionId: uploadKey(tid),
        mmsVersion: textOf(getHeader(pdu, 'X-Mms-MMS-Version')) ?? '1.2',
        receivedAt: now,
        expiresAt: now + this.core.config.expiry.maxSeconds * 1000,
        size: bytes.length,
        contentType:
          mediaTypeOf(getHeader(message.pdu, 'Content-Type'), mediaName) ?? 'application/octet-stream',
        ...(textOf(getHeader(message.pdu, 'Subject')) !== undefined
          ? { subject: textOf(getHeader(message.pdu, 'Subject')) }
          : {}),
        deliveryReport: false,
        readReport: false,
        recipients: [],
        conf: { responseStatus: 'Ok' },
        state: 'active',
        mbox: [entry],
      },
      bytes,
    );
    return conf({ status: 'Success', location: this.locationOf(entry.token) });
  }

  /**
   * m-mbox-delete-req (ENC 1.3, deleting from the MMBox): removes copies from the owner's MMBox. The conf carries, for
   * each location that could not be deleted, its index (in request order, from 0) with the
   * location and the Response-Status (the Value-length Index Value form of those two fields).
   */
  async deleteReq(pdu: MmsPdu, owner: string | undefined, version: string): Promise<MmsPdu> {
    const tid = textOf(getHeader(pdu, 'X-Mms-Transaction-Id')) ?? '';
    if (!this.enabled || !owner) return denied('m-mbox-delete-conf', tid, version, owner);
    const locations = getHeaders(pdu, 'X-Mms-Content-Location').map((v) => textOf(v) ?? '');
    const failed: Array<[string, MmsValue]> = [];
    for (const [index, location] of locations.entries()) {
      const token = tokenOfLocation(location);
      const found = token ? this.core.store.byMboxToken(token) : undefined;
      if (!found || found.entry.owner !== owner) {
        failed.push(['X-Mms-Content-Location', { index, value: location }]);
        failed.push(['X-Mms-Response-Status', { index, value: 'Error-permanent-message-not-found' }]);
        continue;
      }
      await this.core.store.update(found.message.id, (m) => {
        m.mbox = (m.mbox ?? []).filter((e) => e.token !== token);
      });
    }
    // Ok when every location was deleted; otherwise the per-location statuses say which failed.
    const fields: Array<[string, MmsValue | undefined]> =
      failed.length === 0 ? [['X-Mms-Response-Status', 'Ok']] : failed;
    return makePdu('m-mbox-delete-conf', tid, version, fields);
  }

  /** m-mbox-view-req (ENC 1.3, viewing the MMBox): a filtered, paged list of the owner's MMBox as m-mbox-descr parts. */
  async viewReq(pdu: MmsPdu, owner: string | undefined, version: string): Promise<MmsPdu> {
    const tid = textOf(getHeader(pdu, 'X-Mms-Transaction-Id')) ?? '';
    if (!this.enabled || !owner) return denied('m-mbox-view-conf', tid, version, owner);
    const wantedTokens = getHeaders(pdu, 'X-Mms-Content-Location')
      .map((v) => tokenOfLocation(textOf(v) ?? ''))
      .filter((t): t is string => t !== undefined);
    const wantedLocations = getHeaders(pdu, 'X-Mms-Content-Location').length;
    const states = getHeaders(pdu, 'X-Mms-MM-State')
      .map((v) => stateOf(v))
      .filter((s): s is MboxState => s !== undefined);
    const flagFilters = (getHeaders(pdu, 'X-Mms-MM-Flags') as MmsFlag[])
      .filter((f) => f.op === 'Filter')
      .map((f) => flagText(f));
    const start = numberOf(getHeader(pdu, 'X-Mms-Start')) ?? 0;
    const limit = numberOf(getHeader(pdu, 'X-Mms-Limit'));
    const asked = getHeaders(pdu, 'X-Mms-Attributes').filter((a): a is string => typeof a === 'string');
    const attributes = asked.length > 0 ? asked : DEFAULT_ATTRIBUTES;

    const all = this.core.store.mboxOf(owner);
    const selected = all.filter(
      ({ entry }) =>
        (wantedLocations === 0 || wantedTokens.includes(entry.token)) &&
        (states.length === 0 || states.includes(entry.state)) &&
        flagFilters.every((f) => entry.flags.includes(f)),
    );
    const page = selected.slice(start, limit === undefined ? undefined : start + limit);
    const fields: Array<[string, MmsValue | undefined]> = [['X-Mms-Response-Status', 'Ok']];
    // The conf repeats the selection it applied (ENC 1.3 M-Mbox-View.conf fields: MM-State, MM-Flags, Start, Limit, Attributes).
    for (const s of states) fields.push(['X-Mms-MM-State', s]);
    for (const f of getHeaders(pdu, 'X-Mms-MM-Flags') as MmsFlag[])
      if (f.op === 'Filter') fields.push(['X-Mms-MM-Flags', f]);
    if (getHeader(pdu, 'X-Mms-Start') !== undefined) fields.push(['X-Mms-Start', start]);
    if (limit !== undefined) fields.push(['X-Mms-Limit', limit]);
    for (const a of asked) fields.push(['X-Mms-Attributes', a]);
    if (getHeader(pdu, 'X-Mms-Totals') === 'Yes') {
      const u = this.usage(owner);
      fields.push(['X-Mms-Mbox-Totals', { unit: 'messages', value: u.messages }]);
      fields.push(['X-Mms-Mbox-Totals', { unit: 'bytes', value: u.bytes }]);
    }
    if (getHeader(pdu, 'X-Mms-Quotas') === 'Yes') {
      const q = this.core.config.mmbox;
      fields.push(['X-Mms-Mbox-Quotas', { unit: 'messages', value: q.quotaMessages }]);
      fields.push(['X-Mms-Mbox-Quotas', { unit: 'bytes', value: q.quotaBytes }]);
    }
    fields.push(['X-Mms-Message-Count', page.length]);
    const parts: MmsPart[] = [];
    for (const { message, entry } of page) {
      const descr = await this.describe(message, entry, attributes, version);
      parts.push({ contentType: { mediaType: MMS_CT, params: [] }, headers: [], data: encodeMms(descr) });
    }
    if (parts.length > 0)
      fields.push(['Content-Type', { mediaType: 'application/vnd.wap.multipart.mixed', params: [] }]);
    const conf = makePdu('m-mbox-view-conf', tid, version, fields);
    if (parts.length > 0) conf.parts = parts;
    return conf;
  }

  /** m-mbox-descr (ENC 1.3 M-Mbox-Descr) of one stored copy, limited to the asked attributes. */
  private async describe(
    message: StoredMessage,
    entry: MboxEntry,
    attributes: readonly string[],
    version: string,
  ): Promise<MmsPdu> {
    const source = decodeMms(await this.core.store.readPdu(message.id));
    const fields: Array<[string, MmsValue | undefined]> = [
      ['Message-ID', message.id],
      ['X-Mms-Content-Location', this.locationOf(entry.token)],
    ];
    const want = new Set(attributes);
    const own = isSendersCopy(message, entry);
    for (const name of attributes) {
      if (NOT_ATTRIBUTES.has(name)) continue; // the PDU's own fields, or ones always given
      if (name === 'X-Mms-MM-State' || name === 'X-Mms-MM-Flags' || name === 'X-Mms-Message-Size') continue;
      // Bcc is the sender's business: a recipient's copy never shows it (ENC 1.3 Bcc)
      if (name === 'Bcc' && !own) continue;
      if (name === 'Date') {
        fields.push(['Date', numberOf(getHeader(source, 'Date')) ?? Math.floor(message.receivedAt / 1000)]);
        continue;
      }
      if (name === 'From') {
        if (message.hideSender && !own) continue; // X-Mms-Sender-Visibility: Hide (ENC 1.3)
        // the sender as resolved at submission (an Insert-address-token From is not an address)
        fields.push([
          'From',
          message.origin === 'mm1' ? message.sender : (textOf(getHeader(source, 'From')) ?? message.sender),
        ]);
        continue;
      }
      const def = mmsHeaderByName(name);
      if (!def?.pdus['m-mbox-descr']) continue;
      for (const v of getHeaders(source, def.name)) fields.push([def.name, v]);
    }
    if (want.has('X-Mms-Message-Size')) fields.push(['X-Mms-Message-Size', message.size]);
    if (want.has('X-Mms-MM-State')) fields.push(['X-Mms-MM-State', entry.state]);
    if (want.has('X-Mms-MM-Flags'))
      for (const f of entry.flags) fields.push(['X-Mms-MM-Flags', { op: 'Add', flag: f }]);
    return makePdu('m-mbox-descr', undefined, version, fields);
  }

  /** X-Mms-MM-State and X-Mms-MM-Flags of a copy, for its m-retrieve-conf (ENC 1.3 M-Retrieve.conf, 1.2+). */
  retrieveFields(entry: MboxEntry): Array<[string, MmsValue]> {
    return [
      ['X-Mms-MM-State', entry.state],
      ...entry.flags.map((f): [string, MmsValue] => ['X-Mms-MM-Flags', { op: 'Add', flag: f }]),
    ];
  }
}

/** Whether a copy is the sender's own (the sender sees From and Bcc even when hidden from recipients). */
export function isSendersCopy(message: StoredMessage, entry: MboxEntry): boolean {
  return message.sender.startsWith(`+${entry.owner}/`);
}

/** The idempotency key of an upload (NUL cannot occur in a Transaction-ID: no m-send-req collides). */
function uploadKey(tid: string): string {
  return `upload\u0000${tid}`;
}

/** The conf of a view or delete the MMBox cannot serve (off, or nobody identified). */
function denied(
  type: 'm-mbox-view-conf' | 'm-mbox-delete-conf',
  tid: string,
  version: string,
  owner?: string,
) {
  return makePdu(type, tid, version, [
    ['X-Mms-Response-Status', 'Error-permanent-service-denied'],
    ['X-Mms-Response-Text', owner ? 'MMBox not offered' : 'subscriber not identified'],
  ]);
}

/**
 * The message an m-mbox-upload-req carries. ENC 1.3 M-Mbox-Upload.req: Content-Type application/vnd.wap.mms-message
 * with the message as an m-mbox-descr PDU in the body (its header fields and content); a client that
 * puts the content itself in the request (a media Content-Type and body) is taken as well.
 */
function uploadedMessage(pdu: MmsPdu): { pdu: MmsPdu } | { problem: string } {
  const ct = mediaTypeOf(getHeader(pdu, 'Content-Type'), mediaName);
  if (!ct) return { problem: 'Content-Type missing' };
  if (ct === MMS_CT) {
    if (!pdu.body) return { problem: 'no m-mbox-descr in the body' };
    let inner: MmsPdu;
    try {
      inner = decodeMms(pdu.body);
    } catch (e) {
      return { problem: `body is not an MMS PDU: ${(e as Error).message}` };
    }
    if (inner.type !== 'm-mbox-descr') return { problem: `body is ${inner.type}, not m-mbox-descr` };
    return { pdu: inner };
  }
  return { pdu };
}

/** The answer to a request that stores: where the copy is, X-Mms-Store-Status and its text. */
function storeConf(type: 'm-mbox-store-conf' | 'm-mbox-upload-conf', req: MmsPdu, version: string) {
  const tid = textOf(getHeader(req, 'X-Mms-Transaction-Id')) ?? '';
  return (o: StoreOutcome): MmsPdu =>
    makePdu(type, tid, version, [
      ['X-Mms-Content-Location', o.location],
      ['X-Mms-Store-Status', o.status],
      ['X-Mms-Store-Status-Text', o.text],
    ]);
}

/** An X-Mms-MM-State value, when it is one of the assigned tokens. */
export function stateOf(v: MmsValue | undefined): MboxState | undefined {
  return typeof v === 'string' && STATES.has(v) ? (v as MboxState) : undefined;
}

function numberOf(v: MmsValue | undefined): number | undefined {
  return typeof v === 'number' ? v : undefined;
}

function flagText(f: MmsFlag): string {
  return textOf(f.flag as MmsValue) ?? '';
}

/** Applies Add / Remove keywords (ENC 1.3 X-Mms-MM-Flags); Filter only selects and changes nothing. */
function applyFlags(current: readonly string[], flags: readonly MmsFlag[]): string[] {
  const out = [...current];
  for (const f of flags) {
    const k = flagText(f);
    if (!k) continue;
    if (f.op === 'Add' && !out.includes(k)) out.push(k);
    if (f.op === 'Remove') {
      const i = out.indexOf(k);
      if (i >= 0) out.splice(i, 1);
    }
  }
  return out;
}
