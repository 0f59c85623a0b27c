import type { ActionDefs } from '../peer.ts';
import { CONTENT_PARAMS, configureTargetDef } from '../peer-actions.ts';

/** How a VASP request is sent: credentials and schema version. */
const REQUEST = {
  version: 'MM7 schema version id (REL-6-MM7-1-4...; default the VASP config)',
  transactionId: 'the TransactionID SOAP header (default a fresh one)',
  user: 'HTTP Basic user (default the ICS VASP account)',
  pass: 'HTTP Basic password',
  auth: 'false: no Authorization header',
  tamper:
    'bend the request on the way out (robustness): { namespace, envelope: soap12, href, unclosed } (mocks/vasp/mm7-tamper.ts)',
} as const;

/** SenderIdentification of a VASP request (3GPP TS 23.140 §8.7.1). */
const SENDER = {
  vaspId: 'VASPID (default the ICS VASP account)',
  vasId: 'VASID',
  from: 'SenderAddress (default the first short code)',
} as const;

/** The VASP's actions (mocks/vasp/vasp.ts binds one method to each). */
export const VASP_ACTIONS = {
  submit: {
    description: 'MM7_submit.REQ (3GPP TS 23.140 §8.7.1); result: the SubmitRsp fields',
    params: {
      ...REQUEST,
      ...SENDER,
      to: 'recipient address(es)',
      cc: 'Cc address(es)',
      bcc: 'Bcc address(es)',
      serviceCode: 'ServiceCode',
      linkedId: 'LinkedID',
      messageClass: 'MessageClass',
      timeStamp: 'TimeStamp (default now)',
      expiryDate: 'ExpiryDate',
      deliveryReport: 'DeliveryReport',
      readReply: 'ReadReply',
      priority: 'Priority',
      subject: 'Subject',
      earliestDeliveryTime: 'EarliestDeliveryTime',
      chargedParty: 'ChargedParty (Sender, Recipient, Both, Neither; ThirdParty from REL-6)',
      chargedPartyId: 'ChargedPartyID (REL-6)',
      distributionIndicator: 'DistributionIndicator',
      contentClass: 'ContentClass (REL-6)',
      drmContent: 'DRMContent (REL-6)',
      ...CONTENT_PARAMS,
      contentRef:
        'how Content@href names the attachment: cid (Content-ID, default) or location (Content-Location, SOAP with Attachments)',
    },
  },
  cancel: {
    description: 'MM7_cancel.REQ (3GPP TS 23.140 §8.7.3)',
    params: { ...REQUEST, ...SENDER, messageId: 'MessageID of the message to cancel' },
  },
  replace: {
    description: 'MM7_replace.REQ (3GPP TS 23.140 §8.7.3)',
    params: {
      ...REQUEST,
      ...SENDER,
      messageId: 'MessageID of the message to replace',
      serviceCode: 'ServiceCode',
      readReply: 'ReadReply',
      ...CONTENT_PARAMS,
      contentRef:
        'how Content@href names the attachment: cid (Content-ID, default) or location (Content-Location, SOAP with Attachments)',
    },
  },
  post: {
    description: 'exactly these bytes to the MM7 URL (malformed XML, foreign namespace...)',
    params: {
      body: 'the body: text or {$base64}',
      contentType: 'Content-Type (default text/xml; charset=utf-8)',
      user: REQUEST.user,
      pass: REQUEST.pass,
      auth: REQUEST.auth,
    },
  },
  received: {
    description: 'the requests the VASP received from the MMSC',
    params: { type: 'only this MM7 type (DeliverReq...)', clear: 'true: forget them after' },
  },
  configure: configureTargetDef('MM7 URL'),
} as const satisfies ActionDefs;
