import type { ActionDefs } from '../peer.ts';

/** Which inbox entry an action works on (default: the newest notification). */
const ENTRY = {
  index: 'the inbox entry by its index',
  transactionId: 'the inbox entry by its notification X-Mms-Transaction-Id',
  contentLocation: 'the inbox entry by its X-Mms-Content-Location (a new entry when none has it)',
} as const;

/** The handset's actions (mocks/ue/handset.ts binds one method to each). */
export const HANDSET_ACTIONS = {
  send: {
    description: 'm-send-req over MM1 (OMA-TS-MMS_ENC §6.1.1); result: the m-send-conf fields',
    params: {
      to: 'recipient address(es): +E.164 number, e-mail address or typed address',
      toRange:
        'more To recipients before `to`: { prefix, first?, count } -> <prefix><first..first+count-1, 4 digits>; count N, N-1 or N+1',
      cc: 'Cc address(es)',
      bcc: 'Bcc address(es)',
      subject: 'Subject',
      parts:
        'body parts: [{ contentType, text | base64 | size | media (src/codec/media kind, with size?), charset?, contentId?, name? }]',
      deliveryReport: 'X-Mms-Delivery-Report Yes (true) / No (false)',
      readReport: 'X-Mms-Read-Report Yes (true) / No (false)',
      expiry: 'relative X-Mms-Expiry: seconds or a duration (2s, {{ics.timers.minExpiry}})',
      messageClass: 'X-Mms-Message-Class (Personal, Advertisement, Informational, Auto)',
      priority: 'X-Mms-Priority (Low, Normal, High)',
      headers: 'extra header fields by their table name: { X-Mms-Sender-Visibility: Hide }',
      transactionId: 'X-Mms-Transaction-Id (default: a fresh one)',
      raw: 'instead of all the above: the PDU octets (base64, or a list of base64 / {text} chunks)',
    },
  },
  retrieve: {
    description:
      'GET of the X-Mms-Content-Location (OMA-TS-MMS_CTR §6.3), then m-notifyresp-ind or m-acknowledge-ind',
    params: {
      ...ENTRY,
      ack: 'false: no m-notifyresp-ind / m-acknowledge-ind after; acknowledge: m-acknowledge-ind',
    },
  },
  notifyresp: {
    description: 'm-notifyresp-ind for an inbox entry (OMA-TS-MMS_ENC §6.2)',
    params: {
      ...ENTRY,
      status: 'X-Mms-Status: Retrieved, Rejected, Deferred or Unrecognised',
      reportAllowed: 'X-Mms-Report-Allowed Yes (true) / No (false)',
      headers:
        "extra header fields: { X-Trace: t } (application header), { Unknown-0x45: '81' } (unknown code, hex octets)",
    },
  },
  acknowledge: {
    description: 'm-acknowledge-ind for an inbox entry (OMA-TS-MMS_ENC §6.4)',
    params: {
      ...ENTRY,
      reportAllowed: 'X-Mms-Report-Allowed Yes (true) / No (false)',
      headers:
        "extra header fields: { X-Trace: t } (application header), { Unknown-0x45: '81' } (unknown code, hex octets)",
    },
  },
  'cancel-conf': {
    description:
      "m-cancel-conf for an m-cancel-req (MMS 1.2+, X-Mms-Cancel-Status); publishes http-response with the MMSC's HTTP status",
    params: {
      transactionId: 'X-Mms-Transaction-Id of the m-cancel-req answered',
      status: 'Cancel-request-successfully-received (default) or Cancel-request-corrupted',
    },
  },
  'read-report': {
    description: 'm-read-rec-ind (OMA-TS-MMS_ENC §6.7.2)',
    params: {
      messageId: 'Message-ID of the message read',
      to: 'its originator',
      status: 'X-Mms-Read-Status: Read (default) or Deleted',
      headers:
        "extra header fields: { X-Trace: t } (application header), { Unknown-0x45: '81' } (unknown code, hex octets)",
    },
  },
  forward: {
    description: 'm-forward-req of a message in the network (OMA-TS-MMS_ENC §6.5)',
    params: {
      to: 'recipient address(es)',
      contentLocation: 'X-Mms-Content-Location of the message',
      headers:
        "extra header fields: { X-Trace: t } (application header), { Unknown-0x45: '81' } (unknown code, hex octets)",
    },
  },
  mbox: {
    description: 'an MMBox request (OMA-TS-MMS_ENC §6.8-§6.12): store, view, upload, delete, delete-notified',
    params: {
      op: 'store | view | upload | delete | delete-notified',
      contentLocation: 'X-Mms-Content-Location(s)',
      state: 'X-Mms-MM-State (store) or state filter(s) (view)',
      addFlags: 'X-Mms-MM-Flags to add',
      removeFlags: 'X-Mms-MM-Flags to remove',
      filterFlags: 'view: X-Mms-MM-Flags filter',
      start: 'view: X-Mms-Start',
      limit: 'view: X-Mms-Limit',
      attributes: 'view: X-Mms-Attributes',
      totals: 'view: X-Mms-Totals',
      quotas: 'view: X-Mms-Quotas',
      to: 'upload: recipient address(es) of the uploaded message',
      subject: 'upload: Subject',
      parts: 'upload: body parts, as for send',
    },
  },
  inbox: { description: "the handset's inbox entries", params: {} },
  roam: {
    description:
      'moves the subscriber in the simulated network (mocks/network): a visited network, home, switched off/on',
    params: {
      mcc: 'MCC of the visited network',
      mnc: 'MNC of the visited network',
      name: 'a name for the visited operator',
      home: 'true: back in the home network',
      attached: 'false: switched off (SMS finds it absent); true: on again (the SMSC is alerted)',
      smsRoaming: 'agreement of home and visited operator: SMS roaming (default true)',
      gprsRoaming: 'agreement of home and visited operator: GPRS roaming (default true)',
      apnBlocked: 'the visited network bars the MMS access point (default false)',
      autoRetrieve: "false: the handset's setting not to retrieve automatically while roaming",
    },
  },
  http: {
    description: 'robustness probe: any HTTP request to the MM1 URL; publishes http-response',
    params: {
      method: 'HTTP method (default POST)',
      url: 'URL (default the MM1 URL)',
      headers: 'extra request headers',
      contentType: 'Content-Type',
      text: 'body as UTF-8 text',
      base64: 'body octets as base64',
      size: 'body of this many filler octets',
      direct: 'true: to the MMSC itself, not through the WAP gateway',
    },
  },
  'http-raw': {
    description: 'robustness probe: raw octets on a new TCP connection to MM1; publishes http-raw-response',
    params: {
      text: 'the octets as text',
      base64: 'the octets as base64',
      waitMs: 'how long to wait for an answer (default 2000, at most 10000)',
      url: 'where to connect (default the MM1 URL)',
    },
  },
  'http-hold': {
    description:
      'robustness load: hostile connections to MM1 held in the background (mocks/ue/http-probe.ts); publishes http-hold-ended',
    params: {
      mode: 'idle | slow-headers | stalled-body | half-closed | junk-then-hold (default slow-headers)',
      connections: 'how many (1..500, default 1)',
      holdMs: 'how long they are held (100..60000, default 5000)',
      intervalMs: 'between dribbled octets (10..10000, default 500)',
    },
  },
} as const satisfies ActionDefs;
