import { z } from 'zod';

/**
 * The implementation conformance statement (ICS, ISO/IEC 9646-1 §3.3.x / 9646-7) of a target MMSC:
 * what it implements (interfaces, versions, optional features, limits, timers) and how it is
 * provisioned (its domain, number ranges, VASP accounts, how it notifies). Cases name the ICS items
 * they need (`ics:` selection terms, see ics-select.ts); a case whose items the target does not claim
 * is `not-applicable`, with the reason. Suites take every identity of the target from here
 * (`{{ics.provisioning.domain}}`), never literals.
 *
 * One schema is the single source for validation, `mmscert ics init` and the selection terms'
 * paths (a term naming a path not in this schema is a suite error).
 */

const MMS_VERSIONS = ['1.0', '1.1', '1.2', '1.3'] as const;
export const MM7_VERSIONS = [
  'REL-5-MM7-1-0',
  'REL-5-MM7-1-1',
  'REL-5-MM7-1-2',
  'REL-5-MM7-1-3',
  'REL-6-MM7-1-0',
  'REL-6-MM7-1-1',
  'REL-6-MM7-1-2',
  'REL-6-MM7-1-3',
  'REL-6-MM7-1-4',
] as const;

/** `1s`, `500ms`, `2m` or milliseconds. */
const duration = z.union([z.number().nonnegative(), z.string().regex(/^\d+(\.\d+)?(ms|s|m|h)$/)]);
const msisdnPrefix = z
  .string()
  .regex(/^\+\d{1,12}$/, 'a +E.164 prefix such as +1555000 (the numbers of this range start with it)');

const vaspAccount = z.strictObject({
  vaspId: z.string().min(1).describe('VASPID the target knows this VASP by (MM7 SenderIdentification)'),
  vasId: z.string().optional().describe('VASID of the service, when the target checks it'),
  username: z.string().optional().describe('HTTP Basic user of the MM7 endpoint'),
  password: z.string().optional().describe('HTTP Basic password of the MM7 endpoint'),
  shortCode: z
    .string()
    .regex(/^\d{3,8}$/)
    .describe('Short code routed to this VASP (DeliverReq)'),
  dialect: z
    .enum(['mm7', 'eaif'])
    .optional()
    .describe(
      'what the account speaks: mm7 (default) or eaif (Nokia External Application Interface; the EAIF application is the account `eaif`)',
    ),
});

/** The SMTP front end of MM3 and MM4: the same two items on each interface. */
const smtpFrontEnd = {
  mtaFronted: z
    .boolean()
    .default(false)
    .describe('an MTA answers SMTP in front of the MMSC (refusals may come as DSNs)'),
  maxRecipients: z
    .number()
    .int()
    .min(100)
    .optional()
    .describe(
      'most RCPTs taken in one SMTP transaction (then 452, RFC 5321 §4.5.3.1.10); absent: no limit stated',
    ),
};

const IcsObject = z.strictObject({
  $schema: z.string().optional(),
  implementation: z
    .strictObject({ name: z.string().min(1), version: z.string().optional(), vendor: z.string().optional() })
    .describe('What is being certified'),
  mm1: z
    .strictObject({
      supported: z.boolean().default(true),
      versions: z.array(z.enum(MMS_VERSIONS)).min(1).describe('MMS versions the target speaks on MM1'),
      deliveryReports: z.boolean().describe('m-delivery-ind (OMA-TS-MMS_CTR §8.2)'),
      readReports: z.boolean().describe('m-read-rec-ind / m-read-orig-ind (1.1+) and the 1.0 read report'),
      forward: z.boolean().describe('m-forward-req without retrieval (1.1+)'),
      cancel: z
        .boolean()
        .describe(
          'm-cancel-req to a notified recipient (an MMS 1.3 PDU: OMA-TS-MMS_ENC-V1_3 m-cancel-req / m-cancel-conf; MMS 1.2 has no such PDU)',
        ),
      mmbox: z.boolean().describe('the MMBox (1.2+): X-Mms-Store, m-mbox-store/view/upload/delete'),
      deleteReq: z.boolean().describe('m-delete-req (1.3)'),
      deliveryTime: z.boolean().describe('X-Mms-Delivery-Time honoured'),
      senderVisibility: z.boolean().describe('X-Mms-Sender-Visibility Hide honoured'),
      replyCharging: z
        .boolean()
        .optional()
        .describe(
          'reply charging offered (OMA-TS-MMS_ENC-V1_3 §7.3.43); false: a request for it is refused with Error-permanent-reply-charging-not-supported; absent: not stated',
        ),
      maxMessageSize: z.number().int().positive().describe('largest m-send-req accepted, octets'),
      maxRecipients: z.number().int().positive().describe('most recipients in one m-send-req'),
      charsets: z.array(z.string()).describe('charsets of Encoded-string-value and text parts kept intact'),
      contentTypes: z
        .array(z.string())
        .describe('media types accepted in a submission (`image/*` wildcards; `*/*` all)'),
      subscriberHeader: z
        .string()
        .describe('HTTP header the WAP gateway sets with the subscriber MSISDN (e.g. X-MSISDN)'),
      roaming: z
        .boolean()
        .default(true)
        .describe(
          'serves its subscribers while they roam: MM1 through the home GGSN from an SGSN of another PLMN (X-3GPP-SGSN-MCC-MNC), 3GPP TS 23.140 §4.2; false where the operator bars roaming MMS',
        ),
    })
    .describe('MM1 (handset <-> MMSC over WAP/HTTP)'),
  mm3: z
    .strictObject({
      supported: z.boolean(),
      inbound: z.boolean().describe('accepts e-mail to subscribers (SMTP)'),
      outbound: z.boolean().describe('sends MMs to e-mail recipients (SMTP to our MTA)'),
      ...smtpFrontEnd,
    })
    .describe('MM3 (e-mail)'),
  mm4: z
    .strictObject({
      supported: z.boolean(),
      inbound: z.boolean(),
      outbound: z.boolean(),
      deliveryReports: z.boolean().describe('MM4_delivery_report.REQ both ways'),
      readReports: z.boolean().describe('MM4_read_reply_report.REQ both ways'),
      starttls: z
        .boolean()
        .default(false)
        .describe(
          'STARTTLS (RFC 3207) on MM4: offered to partners, and used towards a partner that offers it',
        ),
      mxRouting: z
        .boolean()
        .default(false)
        .describe(
          "finds a partner's MM4 host by the DNS MX of its domain (RFC 5321 §5.1) at the ENUM/DNS server",
        ),
      ...smtpFrontEnd,
    })
    .describe('MM4 (MMSC <-> MMSC over SMTP, 3GPP TS 23.140 §8.4, GSMA IR.52)'),
  mm5: z
    .strictObject({
      enum: z.boolean().describe('queries ENUM (RFC 6116 NAPTR) to route recipients'),
      hlr: z.boolean().describe('queries the HLR interface of our HLR peer'),
    })
    .describe('MM5 (number resolution)'),
  mm7: z
    .strictObject({
      supported: z.boolean(),
      versions: z.array(z.enum(MM7_VERSIONS)).describe('MM7 schema versions accepted'),
      basicAuth: z.boolean().describe('the MM7 endpoint requires HTTP Basic authentication'),
      cancel: z.boolean(),
      replace: z.boolean(),
      deliver: z.boolean().describe('DeliverReq to the VASP for messages to its short code'),
      deliverVersion: z
        .union([z.literal('as-vasp'), z.enum(MM7_VERSIONS)])
        .optional()
        .describe(
          'the schema version of the DeliverReq sent to a VASP (TS 23.140 leaves it to provisioning): as-vasp = the version that VASP last spoke, or one fixed version; absent: not claimed',
        ),
      deliveryReports: z.boolean().describe('DeliveryReportReq to the VASP'),
      readReplies: z.boolean().describe('ReadReplyReq to the VASP'),
      maxRecipients: z.number().int().positive().optional().describe('most recipients in one SubmitReq'),
    })
    .describe('MM7 (VASP <-> MMSC over SOAP)'),
  eaif: z
    .strictObject({
      supported: z
        .boolean()
        .describe('serves EAIF applications (binary MMS PDUs with X-NOKIA-MMSC headers over HTTP POST)'),
      basicAuth: z.boolean().describe('the EAIF endpoint requires HTTP Basic authentication'),
      deliver: z
        .boolean()
        .describe(
          "messages to the application's short code POSTed to it as MultiMediaMessage (NOKIA-EAIF §6)",
        ),
      deliveryReports: z
        .boolean()
        .describe('DeliveryReport (m-delivery-ind) POSTed to the application when it asked'),
      readReplies: z
        .boolean()
        .describe('ReadReply (m-read-orig-ind) POSTed to the application when it asked'),
    })
    .default({
      supported: false,
      basicAuth: false,
      deliver: false,
      deliveryReports: false,
      readReplies: false,
    })
    .describe(
      "EAIF, the Nokia External Application Interface (Nokia MMS Center Application Development Guide 1.0), a second VASP dialect: the endpoint is the target config's `endpoints.eaif`, the account `provisioning.vasps.eaif`",
    ),
  notification: z
    .strictObject({
      via: z.enum(['smpp', 'pap']).describe('how the target sends WAP push notifications'),
      smpp: z
        .strictObject({
          systemId: z.string().max(15),
          password: z.string().max(8),
          registeredDelivery: z
            .boolean()
            .optional()
            .describe('the target asks for SMSC delivery receipts (registered_delivery, SMPP 3.4 §5.2.17)'),
          bindFallback: z
            .boolean()
            .optional()
            .describe(
              'a bind_transceiver the SMSC refuses with ESME_RINVCMDID (an SMSC without transceiver binds) is followed by a bind_transmitter (SMPP 3.4 §4.1.1, §5.1.3); absent: not claimed',
            ),
          concatenation: z
            .enum(['udh', 'sar'])
            .optional()
            .describe(
              "how a push longer than one SMS is concatenated: 'udh' (a concatenation element in each segment's UDH, 3GPP TS 23.040 §9.2.3.24.1/§9.2.3.24.8) or 'sar' (the sar_* TLVs, SMPP 3.4 §5.3.2.22-24, the SMSC builds the UDH); absent: not stated",
            ),
          validityPeriod: z
            .boolean()
            .optional()
            .describe(
              'the target sets validity_period on its pushes (SMPP 3.4 §5.2.16; absent or false: left empty, the SMSC default)',
            ),
          window: z
            .number()
            .int()
            .positive()
            .optional()
            .describe(
              'most submit_sm the target keeps awaiting their submit_sm_resp on its bind (SMPP 3.4 §2.7: the window the SMSC allows; absent: not claimed)',
            ),
        })
        .optional()
        .describe('the bind the target makes to our SMSC peer'),
    })
    .describe('Notification path (WAP push over SMS)'),
  timers: z
    .strictObject({
      notificationRetry: duration.describe('within this a refused notification is sent again'),
      minExpiry: duration.describe('shortest relative X-Mms-Expiry the target honours as asked'),
      mm4ResponseTimeout: duration.describe('within this an unanswered MM4_forward.REQ is sent again'),
      deliveryReport: duration.default('3s').describe('within this a due report is sent'),
      dsn: duration
        .default('30s')
        .describe(
          'MTA-fronted MM3/MM4: within this a mail accepted at SMTP and then refused comes back to the sender as a DSN (RFC 3464)',
        ),
      enquireLink: duration
        .optional()
        .describe(
          'SMPP: within this an idle bind gets an enquire_link from the target (SMPP 3.4 §4.11 lets it; absent: not claimed)',
        ),
      enquireLinkTimeout: duration
        .optional()
        .describe(
          'SMPP: within this after an enquire_link the SMSC leaves unanswered, the target binds again on a new connection',
        ),
      smppReconnect: duration
        .optional()
        .describe(
          'SMPP: while the SMSC is unreachable the target tries to connect again at least this often, so it is bound again within this once the SMSC is back (absent: not claimed)',
        ),
      notification: duration
        .default('4s')
        .describe(
          'within this an accepted message is notified, also while a large fan-out is being notified',
        ),
    })
    .describe('Timers: deadlines of the cases that wait on the target'),
  provisioning: z
    .strictObject({
      domain: z.string().min(1).describe("the target's own MMS domain (mms.mncXXX.mccYYY.gprs)"),
      mcc: z.string().regex(/^\d{3}$/),
      mnc: z.string().regex(/^\d{2,3}$/),
      subscribers: msisdnPrefix.describe(
        "the target's own subscribers' numbers (our handsets get numbers here)",
      ),
      foreign: z
        .strictObject({
          domain: z.string().min(1).describe('the network our remote MMSC peer plays (MM4 routes to it)'),
          mcc: z.string().regex(/^\d{3}$/),
          mnc: z.string().regex(/^\d{2,3}$/),
          subscribers: msisdnPrefix.describe('numbers of that network (routed over MM4)'),
        })
        .describe('a foreign operator the target interworks with over MM4'),
      unknownSubscribers: msisdnPrefix.describe('numbers no network knows (address-unresolved)'),
      mailDomain: z.string().min(1).describe('an e-mail domain routed to our MTA over MM3'),
      vasps: z
        .record(z.string(), vaspAccount)
        .refine((v) => 'main' in v, 'needs at least the account `main`')
        .refine(
          (v) => Object.entries(v).every(([role, a]) => (role === 'eaif') === (a.dialect === 'eaif')),
          'the EAIF application is the account `eaif`, with dialect: eaif (and only it)',
        )
        .describe('VASP accounts provisioned on the target, by role (main, second)'),
    })
    .describe('How the target is provisioned for this run'),
});

/** The ICS, with the rules that tie items together (EAIF: its account must be provisioned). */
export const IcsSchema = IcsObject.refine(
  (ics) => !ics.eaif.supported || ics.provisioning.vasps.eaif !== undefined,
  {
    message: 'eaif.supported needs the EAIF application account provisioning.vasps.eaif',
    path: ['eaif', 'supported'],
  },
);

export type Ics = z.infer<typeof IcsSchema>;
export type IcsInput = z.input<typeof IcsSchema>;
