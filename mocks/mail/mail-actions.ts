import type { ActionDefs } from '../peer.ts';
import { CLEAR_BEHAVIOURS_DEF, configureTargetDef } from '../peer-actions.ts';

/** The MTA's actions (mocks/mail/mail-mta.ts binds one method to each). */
export const MAIL_ACTIONS = {
  mailbox: {
    description: 'the mail the MTA received from the MMSC',
    params: {
      to: 'only mail to this address',
      raw: 'true: with the raw octets',
      clear: 'true: forget them after',
    },
  },
  'clear-behaviours': CLEAR_BEHAVIOURS_DEF,
  send: {
    description: 'an e-mail to MMS users over SMTP (MM3)',
    params: {
      from: 'envelope and header From',
      to: 'recipient address(es)',
      cc: 'Cc address(es)',
      rcptRange:
        'more envelope recipients first (fan-out): { prefix, count, first?, suffix? } (mocks/mail/smtp-send.ts rangeRecipients)',
      subject: 'Subject',
      text: 'text/plain body',
      html: 'text/html body',
      messageId: 'Message-ID',
      attachments: 'attachments [{ filename?, contentType, content | size }]',
      raw: 'instead: these RFC 5322 octets (text or {$base64}) with that envelope',
      retry:
        'further attempts after a transient 4xx answer, as an MTA retries (RFC 5321 §4.5.4.1); default 2, 0: none',
      retryDelay: 'wait before each further attempt (default 300ms)',
    },
  },
  configure: configureTargetDef('smtp URL'),
} as const satisfies ActionDefs;
