import type { ActionDefs } from '../peer.ts';
import { CLEAR_BEHAVIOURS_DEF, configureTargetDef } from '../peer-actions.ts';

/** How an EAIF POST is sent: credentials and the X-NOKIA-MMSC headers (NOKIA-EAIF §4.2). */
const REQUEST = {
  user: 'HTTP Basic user (default the ICS EAIF account)',
  pass: 'HTTP Basic password',
  auth: 'false: no Authorization header',
  version: 'X-NOKIA-MMSC-Version (default the config, 1.0)',
  headers:
    'extra or replacing HTTP headers by name ({ X-NOKIA-MMSC-Message-Type: ReadReply }); a null value leaves the header out',
  contentType: 'Content-Type (default application/vnd.wap.mms-message)',
} as const;

/** The EAIF application's actions (mocks/eaif-app/eaif-app.ts binds one method to each). */
export const EAIF_APP_ACTIONS = {
  submit: {
    description:
      'a MultiMediaMessage (m-send-req) POSTed to the MMSC (NOKIA-EAIF §5); result: status, X-NOKIA-MMSC-Message-Id',
    params: {
      ...REQUEST,
      to: 'recipient address(es)',
      toHeader: 'false: recipients only in the PDU, no X-NOKIA-MMSC-To (default both)',
      from: 'X-NOKIA-MMSC-From and the PDU From (default the first short code)',
      subject: 'Subject',
      text: 'a text/plain part',
      parts: 'a list of parts { contentType, text | base64 | size, contentId?, name? } (as ue.send)',
      deliveryReport: 'X-Mms-Delivery-Report Yes/No',
      readReply: 'X-Mms-Read-Report Yes/No',
      transactionId: 'X-Mms-Transaction-Id (default a fresh one)',
      truncate: 'send only the first N octets of the PDU (robustness)',
    },
  },
  post: {
    description: 'exactly these bytes to the EAIF URL (a body that is no MMS PDU, a foreign type...)',
    params: { ...REQUEST, body: 'the body: text or {$base64}' },
  },
  received: {
    description: 'the EAIF requests the application received from the MMSC',
    params: { type: 'only this X-NOKIA-MMSC-Message-Type', clear: 'true: forget them after' },
  },
  'clear-behaviours': CLEAR_BEHAVIOURS_DEF,
  configure: configureTargetDef('EAIF URL'),
} as const satisfies ActionDefs;
