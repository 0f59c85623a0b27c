/**
 * Named DEVIATIONS: non-conformances seen in real MMSCs that the reference MMSC can be told to
 * commit (`deviate: [name, ...]` in its config, `mmscert serve --deviate a,b`). They exist to
 * measure the suites: `npm run mutation` runs the suites against the reference MMSC once per
 * deviation and counts the deviations some case catches (the mutation score).
 *
 * One row a deviation: its name, the interface it shows on, what it does wrong (one line) and
 * the clause it breaks. Each name is checked in exactly the place its behaviour happens, through
 * `deviates(config, name)`; with an empty list the MMSC behaves as ever.
 * `probe` (optional): the case-id globs the mutation run limits itself to for this row (default:
 * the cases of its interface, see DEFAULT_PROBES). `setup` (optional): the MMSC config the row
 * needs (its mutation run uses it, and the ICS derived from it).
 */

export type DeviationInterface = 'MM1' | 'MM3' | 'MM4' | 'MM5' | 'MM7' | 'SMPP-push';

export interface Deviation {
  readonly name: string;
  readonly interface: DeviationInterface;
  readonly description: string;
  readonly clause: string;
  readonly probe?: string;
  /**
   * The reference MMSC set-up the deviation needs to show at all (the mutation run starts that
   * MMSC with it and an ICS derived from it): `mta-fronted` = MM3 and MM4 behind an MTA front end.
   */
  readonly setup?: 'mta-fronted';
}

export const DEVIATIONS = [
  // ------------------------------------------------------------------ MM1
  {
    name: 'wrong-tid-echo',
    interface: 'MM1',
    description: 'm-send-conf carries a Transaction-ID of its own instead of the m-send-req one',
    clause: 'OMA-TS-MMS_ENC-V1_3 §6.1.2 (X-Mms-Transaction-Id identical to M-Send.req)',
  },
  {
    name: 'no-message-id',
    interface: 'MM1',
    description: 'an accepted m-send-req (Ok) is confirmed without a Message-ID',
    clause: 'OMA-TS-MMS_ENC-V1_3 §6.1.2 (Message-ID mandatory when the MM was accepted)',
  },
  {
    name: 'send-conf-version-not-negotiated',
    interface: 'MM1',
    description: 'm-send-conf always speaks the MMSC version (1.3), also to a 1.0/1.1/1.2 client',
    clause: 'OMA-TS-MMS_ENC-V1_3 §7.3.34 / OMA-TS-MMS_CTR-V1_3 §9 (version of the answer)',
  },
  {
    name: 'omit-date',
    interface: 'MM1',
    description: 'm-retrieve-conf carries no Date (the MMSC does not insert the submission time)',
    clause: 'OMA-TS-MMS_ENC-V1_3 §6.3 (Date mandatory in M-Retrieve.conf)',
  },
  {
    name: 'retrieve-no-message-id',
    interface: 'MM1',
    description: 'm-retrieve-conf carrying the MM has no Message-ID',
    clause: 'OMA-TS-MMS_ENC-V1_3 §6.3 (Message-ID present when the MM is included)',
  },
  {
    name: 'retrieve-no-content-type',
    interface: 'MM1',
    description: 'm-retrieve-conf has no Content-Type header',
    clause: 'OMA-TS-MMS_ENC-V1_3 §6.3 (Content-Type mandatory, last header)',
  },
  {
    name: 'notification-no-size',
    interface: 'MM1',
    description: 'm-notification-ind without X-Mms-Message-Size',
    clause: 'OMA-TS-MMS_ENC-V1_3 §6.2 (X-Mms-Message-Size mandatory)',
  },
  {
    name: 'notification-no-expiry',
    interface: 'MM1',
    description: 'm-notification-ind without X-Mms-Expiry',
    clause: 'OMA-TS-MMS_ENC-V1_3 §6.2 (X-Mms-Expiry mandatory)',
  },
  {
    name: 'notification-no-content-location',
    interface: 'MM1',
    description: 'm-notification-ind without X-Mms-Content-Location',
    clause: 'OMA-TS-MMS_ENC-V1_3 §6.2 (X-Mms-Content-Location mandatory)',
  },
  {
    name: 'truncate-recipients',
    interface: 'MM1',
    description:
      'an m-send-req naming more recipients than the MMSC takes is answered Ok and delivered to the first ones only',
    clause: 'OMA-TS-MMS_ENC-V1_3 §6.1.1 (every To/Cc/Bcc recipient) / §7.3.48 (an error status when refused)',
    probe: 'mm1.limits.*',
  },
  {
    name: 'accept-reply-charging',
    interface: 'MM1',
    description:
      'an m-send-req asking for reply charging is accepted and passed on as Requested although the MMSC does not offer it',
    clause:
      'OMA-TS-MMS_ENC-V1_3 §7.3.43 / §7.3.48 (Error-permanent-reply-charging-not-supported when reply charging is not supported)',
  },
  {
    name: 'notification-no-message-class',
    interface: 'MM1',
    description: 'm-notification-ind without X-Mms-Message-Class',
    clause: 'OMA-TS-MMS_ENC-V1_3 §6.2 (X-Mms-Message-Class mandatory)',
  },
  {
    name: 'disclose-bcc',
    interface: 'MM1',
    description: 'the Bcc recipients are passed on to every recipient in m-retrieve-conf',
    clause: 'OMA-TS-MMS_ENC-V1_3 §6.3 / §7.3.3 (Bcc is not a field of M-Retrieve.conf)',
  },
  {
    name: 'ignore-sender-visibility',
    interface: 'MM1',
    description: 'X-Mms-Sender-Visibility: Hide is ignored: From is shown to the recipient',
    clause: 'OMA-TS-MMS_CTR-V1_3 §8.1 / OMA-TS-MMS_ENC-V1_3 §7.3.51 (sender address hidden)',
  },
  {
    name: 'ignore-expiry',
    interface: 'MM1',
    description: 'the expiry is ignored: the MM is still notified and retrievable after X-Mms-Expiry',
    clause: 'OMA-TS-MMS_CTR-V1_3 §8.1 / OMA-TS-MMS_ENC-V1_3 §7.3.20 (MM discarded after expiry)',
  },
  {
    name: 'no-delivery-report',
    interface: 'MM1',
    description: 'a delivery report the originator asked for is never sent (no m-delivery-ind)',
    clause: 'OMA-TS-MMS_CTR-V1_3 §8.3 / OMA-TS-MMS_ENC-V1_3 §6.9 (delivery reporting)',
  },
  {
    name: 'delivery-report-wrong-status',
    interface: 'MM1',
    description: 'every m-delivery-ind says X-Mms-Status Indeterminate whatever happened',
    clause: 'OMA-TS-MMS_ENC-V1_3 §6.9 / §7.3.54 (X-Mms-Status of the recipient)',
  },
  {
    name: 'ignore-report-allowed',
    interface: 'MM1',
    description: 'X-Mms-Report-Allowed: No from the recipient is ignored: a delivery report goes out anyway',
    clause: 'OMA-TS-MMS_ENC-V1_3 §7.3.47 / OMA-TS-MMS_CTR-V1_3 §8.3 (recipient may deny the report)',
  },
  {
    name: 'no-read-report',
    interface: 'MM1',
    description: 'an m-read-rec-ind is accepted (204) but no m-read-orig-ind reaches the originator',
    clause: 'OMA-TS-MMS_CTR-V1_3 §8.4 / OMA-TS-MMS_ENC-V1_3 §6.7.2 (read report relayed)',
  },
  {
    name: 'read-report-from-anyone',
    interface: 'MM1',
    description: 'a read report from someone who is not a recipient is relayed to the originator',
    clause: 'OMA-TS-MMS_CTR-V1_3 §8.4 (read report by a recipient of the MM)',
  },
  {
    name: 'serve-foreign-location',
    interface: 'MM1',
    description: "another subscriber's Content-Location is served to whoever asks (no 403)",
    clause: 'OMA-TS-MMS_CTR-V1_3 §7.1.4 / §8.2 (retrieval by the addressed recipient)',
  },
  {
    name: 'retrieve-status-in-mms10',
    interface: 'MM1',
    description:
      'a failed retrieval is answered with an m-retrieve-conf carrying X-Mms-Retrieve-Status in the version of the client, 1.0 included (a field MMS 1.1 introduced)',
    clause:
      'OMA-TS-MMS_ENC-V1_3 §7.3.50 / §7.3.34 (X-Mms-Retrieve-Status is a 1.1 field; a PDU carries only fields of the version it declares)',
    probe: 'mm1.retrieve.*',
  },
  {
    name: 'cut-transaction-id',
    interface: 'MM1',
    description:
      'm-send-conf echoes only the first 32 characters of the Transaction-ID (a 40-character one is within the MMS_CONF maximum)',
    clause:
      'OMA-TS-MMS_ENC-V1_3 §6.1.2 (Transaction-ID identical to M-Send.req) / OMA-TS-MMS_CONF-V1_3 §10.2.5 (40 characters)',
    probe: 'mm1.limits.*',
  },
  {
    name: 'long-message-id',
    interface: 'MM1',
    description:
      'Message-IDs of about 50 characters (the usual id and 28 hex digits), past the 40 a client is built for',
    clause: 'OMA-TS-MMS_CONF-V1_3 §10.2.5 (Message-ID: at most 40 characters)',
    probe: 'mm1.limits.*',
  },

  {
    name: 'serve-rejected',
    interface: 'MM1',
    description: 'an MM the recipient rejected is still served at its Content-Location',
    clause: 'OMA-TS-MMS_CTR-V1_3 §8.2 (m-notifyresp-ind Rejected ends the delivery)',
  },
  {
    name: 'accept-oversize',
    interface: 'MM1',
    description: 'an m-send-req larger than the MMSC maximum is accepted with Ok',
    clause: 'OMA-TS-MMS_CTR-V1_3 §7.1.3 / OMA-TS-MMS_ENC-V1_3 §7.3.48 (Error-permanent-content-not-accepted)',
  },
  {
    name: 'accept-unknown-major-version',
    interface: 'MM1',
    description: 'an m-send-req of MMS major version 2 is accepted instead of Error-unsupported-message',
    clause: 'OMA-TS-MMS_ENC-V1_3 §7.3.34 / §7.3.48 (Error-unsupported-message)',
  },
  {
    name: 'trust-from',
    interface: 'MM1',
    description: "the handset's From is trusted: a spoofed originator is accepted and passed on",
    clause: 'OMA-TS-MMS_CTR-V1_3 §8.1 (originator address verified by the Proxy-Relay)',
    probe: 'mm1.status.001.*,mm1.sender.*,mm1.send.*',
  },
  {
    name: 'roamer-msisdn-ignored',
    interface: 'MM1',
    description:
      'the network-inserted MSISDN is ignored on requests from a roamer (an SGSN of another PLMN, X-3GPP-SGSN-MCC-MNC): the roaming subscriber is served as an unidentified client',
    clause:
      "3GPP TS 23.140 §4.2 (the visited network is part of a roaming user's MMSE); OMA-TS-MMS_CTR-V1_3 §8.1 (the Proxy-Relay identifies the originator)",
    probe: 'roaming.*',
  },
  {
    name: 'mm1-held-connections',
    interface: 'MM1',
    description:
      'the MM1 listener serves at most 16 connections at once and never times a held one out (a fixed pool, no header, body or idle timeout): 16 slow or idle clients lock every other subscriber out',
    clause:
      'mmscert robustness profile §R13 (ROB-slow-clients); RFC 9112 §9.5, RFC 9110 §15.5.9 (408 lets a server free them)',
    probe: 'robustness.connections.*',
  },
  {
    name: 'cancel-conf-refused',
    interface: 'MM1',
    description: "a client's m-cancel-conf (the answer to an m-cancel-req) is refused with HTTP 400",
    clause: 'OMA-TS-MMS_ENC-V1_3 §7.3.7 (X-Mms-Cancel-Status of M-Cancel.conf) / 3GPP TS 23.140 §8.1.13',
    probe: 'mm1.forward.*',
  },
  // ------------------------------------------------------------------ SMPP / WAP push
  {
    name: 'wrong-push-app-id',
    interface: 'SMPP-push',
    description: 'the WAP push names application id 0x02 (wml.ua) instead of x-wap-application:mms.ua (0x04)',
    clause: 'OMA-TS-MMS_CTR-V1_3 §7.1.2 / WAP-230-WSP §8.4.2.53 (X-Wap-Application-Id mms.ua)',
  },
  {
    name: 'wrong-wdp-port',
    interface: 'SMPP-push',
    description: 'the push SMS goes to WDP destination port 2949 (secure push) instead of 2948',
    clause: 'WAP-259-WDP §6.5 / Appendix B (port 2948 connectionless WSP push)',
  },
  {
    name: 'wrong-push-content-type',
    interface: 'SMPP-push',
    description: 'the WSP push says application/octet-stream instead of application/vnd.wap.mms-message',
    clause: 'OMA-TS-MMS_CTR-V1_3 §7.1.2 / WAP-230-WSP §8.2.4.1 (push Content-Type)',
  },
  {
    name: 'confirmed-push-over-sms',
    interface: 'SMPP-push',
    description: 'the connectionless push over SMS is a ConfirmedPush PDU (0x07) instead of Push (0x06)',
    clause: 'WAP-230-WSP §8.2.4.1 / §8.2.1 (connectionless push is the Push PDU)',
  },
  {
    name: 'data-coding-text',
    interface: 'SMPP-push',
    description: 'submit_sm data_coding 0x00 (SMSC default alphabet) for the binary WAP push',
    clause: 'SMPP 3.4 §5.2.19 / 3GPP TS 23.038 §4 (8-bit data 0x04 for binary user data)',
  },
  {
    name: 'no-udhi',
    interface: 'SMPP-push',
    description: 'submit_sm esm_class without UDHI (0x40) although the short message starts with a UDH',
    clause: 'SMPP 3.4 §5.2.12 (esm_class UDHI indicator)',
  },
  {
    name: 'no-concatenation',
    interface: 'SMPP-push',
    description: 'a push longer than one SMS is cut into SMS without the concatenation element',
    clause: 'WAP-259-WDP §6.5 / 3GPP TS 23.040 §9.2.3.24.1 (concatenated short messages)',
  },
  {
    name: 'concat-ref-per-segment',
    interface: 'SMPP-push',
    description:
      'each segment of one concatenated push carries a reference of its own (UDH concatenation element or sar_msg_ref_num)',
    clause:
      '3GPP TS 23.040 §9.2.3.24.1 (the reference is the same in every segment of one message) / SMPP 3.4 §5.3.2.22',
  },
  {
    name: 'smpp-ignore-unknown-command',
    interface: 'SMPP-push',
    description:
      'a PDU from the SMSC with a command_id no table defines is left unanswered (no generic_nack)',
    clause: 'SMPP 3.4 §4.3 / §5.1.3 (generic_nack ESME_RINVCMDID for an invalid command_id)',
    probe: 'mm1.smpp.*',
  },
  {
    name: 'smpp-unbind-without-resp',
    interface: 'SMPP-push',
    description: 'an unbind from the SMSC ends the connection without unbind_resp',
    clause: 'SMPP 3.4 §4.2 (unbind answered with unbind_resp)',
    probe: 'mm1.smpp.*',
  },
  {
    name: 'smpp-receipt-unanswered',
    interface: 'SMPP-push',
    description: 'a delivery receipt (deliver_sm) from the SMSC gets no deliver_sm_resp',
    clause: 'SMPP 3.4 §4.6.2 (every deliver_sm is answered with deliver_sm_resp)',
    probe: 'mm1.smpp.*',
  },
  {
    name: 'smpp-source-ton-mismatch',
    interface: 'SMPP-push',
    description: 'an alphanumeric source_addr goes out with source_addr_ton 1 (international) instead of 5',
    clause: 'SMPP 3.4 §5.2.5 (addr_ton 5: alphanumeric)',
    probe: 'mm1.smpp.*',
  },
  {
    name: 'smpp-window-overrun',
    interface: 'SMPP-push',
    description:
      'submit_sm go out without a bound while earlier ones await their submit_sm_resp (the window is ignored)',
    clause: 'SMPP 3.4 §2.7 (the outstanding operations are bounded by the window the SMSC allows)',
    probe: 'mm1.smpp.*',
  },
  {
    name: 'smpp-throttled-push-dropped',
    interface: 'SMPP-push',
    description:
      'a submit_sm answered ESME_RTHROTTLED or ESME_RMSGQFUL is given up as final: the notification is lost',
    clause:
      'SMPP 3.4 §5.1.3 (ESME_RTHROTTLED 0x58, ESME_RMSGQFUL 0x14: a transient refusal, submitted again later)',
    probe: 'mm1.smpp.*',
  },
  {
    name: 'smpp-gives-up-reconnecting',
    interface: 'SMPP-push',
    description:
      'after two connections in a row to the SMSC fail, the MMSC stops connecting: notifications wait for a restart',
    clause:
      'SMPP 3.4 §4.1 (a bind before pushing) / mmscert-ROB R12 recovery (an SMSC that comes back is bound again, no restart)',
    probe: 'mm1.smpp.*',
  },
  {
    name: 'smpp-validity-period-seconds',
    interface: 'SMPP-push',
    description: "the push's validity_period is plain seconds ('86400') instead of an SMPP time",
    clause: 'SMPP 3.4 §5.2.16 / §7.1.1 (validity_period: absolute or relative time format, YYMMDDhhmmsstnnp)',
    probe: 'mm1.smpp.*',
  },
  {
    name: 'smpp-no-bind-fallback',
    interface: 'SMPP-push',
    description:
      'a bind_transceiver refused with ESME_RINVCMDID is tried again as bind_transceiver, never as bind_transmitter',
    clause: 'SMPP 3.4 §4.1.1 / §4.1.5 (bind_transmitter, bind_transceiver) and §5.1.3 (ESME_RINVCMDID)',
    probe: 'mm1.smpp.*',
  },
  {
    name: 'smpp-bad-length-dropped',
    interface: 'SMPP-push',
    description:
      'a PDU from the SMSC whose command_length is shorter than the header ends the connection unanswered (no generic_nack)',
    clause: 'SMPP 3.4 §4.3 / §5.1.3 (generic_nack ESME_RINVCMDLEN for an invalid command_length)',
    probe: 'mm1.smpp.*',
  },
  // ------------------------------------------------------------------ MM4
  {
    name: 'no-mm4-forward-res',
    interface: 'MM4',
    description: 'no MM4_forward.RES for a forward that asked for one (X-Mms-Ack-Request: Yes)',
    clause: '3GPP TS 23.140 §8.4.1.2 (MM4_forward.RES when requested)',
  },
  {
    name: 'mm4-res-wrong-tid',
    interface: 'MM4',
    description: 'MM4_forward.RES carries a Transaction-ID other than the REQ one',
    clause: '3GPP TS 23.140 §8.4.1.2 (X-Mms-Transaction-ID of the REQ)',
  },
  {
    name: 'mm4-res-always-ok',
    interface: 'MM4',
    description: 'every MM4 REQ is answered Ok, also unknown recipients, unknown MMs and broken REQs',
    clause: '3GPP TS 23.140 §8.4.1.2 / §8.4.2.2 (X-Mms-Request-Status-Code)',
  },
  {
    name: 'mm4-forward-no-message-id',
    interface: 'MM4',
    description: 'MM4_forward.REQ leaves without X-Mms-Message-ID',
    clause: '3GPP TS 23.140 §8.4.1.1 (X-Mms-Message-ID mandatory)',
  },
  {
    name: 'mm4-wrong-message-type',
    interface: 'MM4',
    description: 'the forward says X-Mms-Message-Type m-send-req (the MM1 type) instead of MM4_forward.REQ',
    clause: '3GPP TS 23.140 §8.4.1.1 (X-Mms-Message-Type MM4_forward.REQ)',
  },
  {
    name: 'mm4-from-not-e164',
    interface: 'MM4',
    description: 'the originator in From is the bare national number, not +E164/TYPE=PLMN@domain',
    clause: '3GPP TS 23.140 §8.4.1.1 / GSMA IR.52 §3 (From in RFC 2822 form, +E.164/TYPE=PLMN)',
  },
  {
    name: 'mm4-no-date',
    interface: 'MM4',
    description: 'MM4_forward.REQ without Date',
    clause: '3GPP TS 23.140 §8.4.1.1 / RFC 2822 §3.6 (Date mandatory)',
  },
  {
    name: 'mm4-read-reply-not-mapped',
    interface: 'MM4',
    description: 'an MM4_read_reply_report.REQ is acknowledged but never turned into m-read-orig-ind',
    clause: '3GPP TS 23.140 §8.4.3 / §8.1.12 (read-reply report to the originator)',
  },
  {
    name: 'mm4-delivery-report-dropped',
    interface: 'MM4',
    description: 'an MM4_delivery_report.REQ is acknowledged but never turned into m-delivery-ind',
    clause: '3GPP TS 23.140 §8.4.2 / §8.1.7 (delivery report to the originator)',
  },
  {
    name: 'mm4-no-delivery-report-out',
    interface: 'MM4',
    description: 'the recipient retrieves an MM that came over MM4 but no MM4_delivery_report.REQ goes back',
    clause: '3GPP TS 23.140 §8.4.2.1 (delivery report to the originator MMSC when requested)',
  },
  {
    name: 'mm4-open-relay',
    interface: 'MM4',
    description: 'RCPT TO for domains that are not ours is accepted on MM4 (open relay)',
    clause: 'GSMA IR.52 §2 / RFC 5321 §3.6.2 (relaying only by agreement)',
  },
  {
    name: 'unbounded-recipients',
    interface: 'MM4',
    description:
      'no recipients-per-message limit: RCPTs past the stated limit are taken (MM3, MM4), as are m-send-req and SubmitReq naming more',
    clause: 'RFC 5321 §4.5.3.1.10 (a recipient limit is answered 452); the ICS maxRecipients items',
    probe: 'robustness.fanout.*',
  },
  {
    name: 'unfair-dispatch',
    interface: 'SMPP-push',
    description:
      'notifications are dispatched first come first served across messages (outbox slots and the SMPP submit queue): a large fan-out holds every slot and an ordinary message waits behind all of it',
    clause: 'mmscert robustness profile §R13 (ROB-fair-service: fair service under load)',
    probe: 'robustness.fanout.*',
  },
  {
    name: 'mm4-ignore-sender-visibility',
    interface: 'MM4',
    description: 'X-Mms-Sender-Visibility: Hide of an inbound forward is ignored: bob sees From',
    clause: '3GPP TS 23.140 §8.4.1.1 / OMA-TS-MMS_ENC-V1_3 §7.3.51 (sender address hidden)',
  },
  // ------------------------------------------------------------------ MM3
  {
    name: 'mm3-no-date',
    interface: 'MM3',
    description: 'the mail to an e-mail recipient carries no Date',
    clause: 'RFC 5322 §3.6 (Date mandatory) / 3GPP TS 23.140 §8.3',
  },
  {
    name: 'mm3-no-message-id',
    interface: 'MM3',
    description: 'the mail to an e-mail recipient carries no Message-ID',
    clause: 'RFC 5322 §3.6.4 (every message SHOULD have a Message-ID) / 3GPP TS 23.140 §8.3',
  },
  {
    name: 'mm3-raw-subject',
    interface: 'MM3',
    description: 'a non-ASCII Subject is written as raw UTF-8 instead of RFC 2047 encoded words',
    clause: 'RFC 5322 §2.2 / RFC 2047 §2 (header fields are US-ASCII; encoded words)',
  },
  {
    name: 'mm3-reveal-hidden-sender',
    interface: 'MM3',
    description: 'a sender who asked to hide is shown in the mail From',
    clause: 'OMA-TS-MMS_ENC-V1_3 §7.3.51 / 3GPP TS 23.140 §8.3 (sender visibility)',
  },
  {
    name: 'mm3-open-relay',
    interface: 'MM3',
    description: 'mail for domains that are not ours is accepted on MM3 (open relay)',
    clause: 'RFC 5321 §3.6.2 / 3GPP TS 23.140 §8.3 (no relaying for others)',
  },
  // ------------------------------------------------------------------ MTA front end (MM3 / MM4)
  {
    name: 'mta-front-silent-drop',
    interface: 'MM3',
    description:
      'MTA-fronted: a mail the MMSC behind refuses was accepted with 250 and is dropped: no DSN to the sender',
    clause: 'RFC 5321 §6.1 (after 250, a failure MUST be notified to the reverse-path) / RFC 3464',
    probe: 'mm3.in.*,mm4.relay.*',
    setup: 'mta-fronted',
  },
  {
    name: 'mta-front-dsn-success',
    interface: 'MM3',
    description:
      'MTA-fronted: the DSN for a refused recipient says Action delivered, Status 2.0.0 instead of failed / 5.x.x',
    clause: 'RFC 3464 §2.3.3, §2.3.4 (Action failed, the status of the failure, RFC 3463)',
    probe: 'mm3.in.*,mm4.relay.*',
    setup: 'mta-fronted',
  },
  // ------------------------------------------------------------------ MM5
  {
    name: 'skip-enum',
    interface: 'MM5',
    description: 'ENUM is never asked: numbers ported to another network are routed by the HLR (or as local)',
    clause: '3GPP TS 23.140 §8.5 / RFC 6116 §3 (ENUM resolution of the recipient MMSC)',
  },
  {
    name: 'naptr-order-ignored',
    interface: 'MM5',
    description: 'the last E2U+mms NAPTR record is used, whatever its order and preference',
    clause: 'RFC 3403 §4.1 / RFC 6116 §3.4 (lowest order, then preference)',
  },
  {
    name: 'mm5-failure-permanent',
    interface: 'MM5',
    description: 'a failed lookup (SERVFAIL, timeout) is reported as a permanent unresolved address',
    clause: 'OMA-TS-MMS_ENC-V1_3 §7.3.48 (Error-transient-sending-address-unresolved)',
  },
  // ------------------------------------------------------------------ MM7
  {
    name: 'mm7-tid-not-echoed',
    interface: 'MM7',
    description: 'the MM7 response carries a TransactionID of its own, not the request one',
    clause: '3GPP TS 23.140 §8.7.1 / Annex L (TransactionID echoed in the response)',
  },
  {
    name: 'mm7-1000-for-bad-request',
    interface: 'MM7',
    description:
      'a SubmitReq that breaks the §8.7 tables (missing element, bad value) is answered 1000 Success',
    clause: '3GPP TS 23.140 §8.7.6 / status codes (4004 Validation error, 2007 Message format corrupt)',
  },
  {
    name: 'mm7-4008-for-2007',
    interface: 'MM7',
    description:
      'a bad element value is answered 4008 (Application denied) instead of 2007 Message format corrupt',
    clause: '3GPP TS 23.140 Annex L status codes (2007 Message format corrupt)',
  },
  {
    name: 'mm7-no-message-id',
    interface: 'MM7',
    description: 'SubmitRsp 1000 without MessageID',
    clause: '3GPP TS 23.140 §8.7.1 (MessageID mandatory in a successful SubmitRsp)',
  },
  {
    name: 'mm7-fault-as-200',
    interface: 'MM7',
    description: 'RSErrorRsp in a SOAP Fault is sent with HTTP 200 instead of 500',
    clause: 'SOAP 1.1 §6.2 / 3GPP TS 23.140 §8.7.6 (fault with HTTP 500)',
  },
  {
    name: 'mm7-answer-newest-schema',
    interface: 'MM7',
    description: 'every MM7 answer is written in REL-6-MM7-1-4 whatever schema the request used',
    clause: '3GPP TS 23.140 Annex L / §8.7 (the response in the version of the request)',
  },
  {
    name: 'mm7-refusal-newest-schema',
    interface: 'MM7',
    description:
      'an MM7 answer refusing the request (a status other than 1xxx) is written in REL-6-MM7-1-4 whatever schema the request used',
    clause:
      '3GPP TS 23.140 Annex L / §8.7 status codes (refusals too are answered in the version of the request)',
    probe: 'mm7.refusal.*',
  },
  {
    name: 'mm7-no-delivery-report',
    interface: 'MM7',
    description: 'a DeliveryReportReq the VASP asked for is never sent',
    clause: '3GPP TS 23.140 §8.7.4 (DeliveryReportReq when requested)',
  },
  {
    name: 'mm7-read-reply-not-mapped',
    interface: 'MM7',
    description: "a recipient's read report never reaches the VASP as ReadReplyReq",
    clause: '3GPP TS 23.140 §8.7.5 (ReadReplyReq when requested)',
  },
  {
    name: 'mm7-no-auth',
    interface: 'MM7',
    description: 'HTTP Basic credentials are not checked: any VASP is served',
    clause: '3GPP TS 23.140 §8.7.1 / RFC 7617 (VASP authentication, 401 with a challenge)',
  },
  {
    name: 'mm7-cancel-always-ok',
    interface: 'MM7',
    description: 'CancelReq is answered 1000 also after retrieval and for unknown MessageIDs',
    clause: '3GPP TS 23.140 §8.7.3 / status codes (2005 Message ID Not found, 3001 Not Possible)',
  },
  {
    name: 'mm7-unknown-success-retried',
    interface: 'MM7',
    description:
      "a VASP's answer with a 1xxx StatusCode no table row names (1599) is taken for a server error: the DeliverReq / DeliveryReportReq is sent again",
    clause:
      '3GPP TS 23.140 §8.7 status codes (an unrecognised code is treated as the x000 code of its class: 1599 as 1000 Success)',
    probe: 'mm7.deliver.*,mm7.report.*',
  },
  {
    name: 'mm7-deliver-newest-schema',
    interface: 'MM7',
    description:
      'every DeliverReq is written in REL-6-MM7-1-4, whatever version the VASP spoke (its ICS still says mm7.deliverVersion as-vasp)',
    clause: '3GPP TS 23.140 Annex L (schema versions) / ICS mm7.deliverVersion',
    probe: 'mm7.deliver.*',
  },
  {
    name: 'mm7-deliver-rel6-in-rel5',
    interface: 'MM7',
    description: 'a DeliverReq in a REL-5 schema carries the Rel-6 elements VASPID and VASID',
    clause: '3GPP TS 23.140 Annex L (REL-5-MM7-1-x schemas: DeliverReq has no VASPID / VASID)',
    probe: 'mm7.deliver.*',
  },
  {
    name: 'mm7-deliver-no-sender',
    interface: 'MM7',
    description: 'DeliverReq to the VASP without Sender',
    clause: '3GPP TS 23.140 §8.7.2 (Sender mandatory in DeliverReq)',
  },
  {
    name: 'mm7-any-namespace',
    interface: 'MM7',
    description:
      'an MM7 request is served whatever scheme, host, case or trailing slash/space its namespace has, if it ends in a known schema id',
    clause:
      '3GPP TS 23.140 Annex L / Namespaces in XML 1.0 §2.3 (the schema namespace, compared as a string)',
    probe: 'robustness.mm7.*,mm7.error.*',
  },
  {
    name: 'mm7-soap12-accepted',
    interface: 'MM7',
    description: 'a request in a SOAP 1.2 envelope is served as if it were SOAP 1.1',
    clause: 'SOAP 1.1 §4.1.2 / §4.4.1 (another envelope namespace: VersionMismatch fault, message discarded)',
    probe: 'robustness.mm7.*,mm7.error.*',
  },
  {
    name: 'mm7-href-cid-only',
    interface: 'MM7',
    description:
      'a Content@href naming the attachment by its Content-Location is refused (only cid: resolves)',
    clause: '3GPP TS 23.140 §8.7.1 (SOAP with attachments), RFC 2557 §4.2 (Content-Location)',
    probe: 'mm7.attach.*',
  },
  {
    name: 'mm7-dangling-href',
    interface: 'MM7',
    description: 'a Content@href naming no MIME part is served with the other attachment(s) as the content',
    clause: '3GPP TS 23.140 §8.7 / status codes (2007 Message format corrupt), RFC 2392 (cid: names a part)',
    probe: 'robustness.mm7.*,mm7.error.*',
  },
  {
    name: 'mm7-unclosed-multipart',
    interface: 'MM7',
    description:
      'a multipart/related request without its close-delimiter is served (its last part runs to the end)',
    clause: 'RFC 2046 §5.1.1 (close-delimiter) / 3GPP TS 23.140 status codes (2007 Message format corrupt)',
    probe: 'robustness.mm7.*,mm7.error.*',
  },
  {
    name: 'eaif-no-message-id',
    interface: 'MM7',
    description: 'an accepted EAIF submission is answered 204 without X-NOKIA-MMSC-Message-Id',
    clause:
      'Nokia MMS Center Application Development Guide 1.0 §4.2, §5 (the answer to a submission names the message)',
    probe: 'eaif.*',
  },
  {
    name: 'eaif-answer-200',
    interface: 'MM7',
    description: 'an accepted EAIF submission is answered 200 OK instead of 204 No Content',
    clause:
      'Nokia MMS Center Application Development Guide 1.0 §4.2, §5 (204 No Content answers a submission)',
    probe: 'eaif.*',
  },
] as const satisfies readonly Deviation[];

export type DeviationName = (typeof DEVIATIONS)[number]['name'];

export const DEVIATION_NAMES: readonly DeviationName[] = DEVIATIONS.map((d) => d.name);

/** Cases a deviation of each interface is tried against when its row names no `probe`. */
export const DEFAULT_PROBES: Readonly<Record<DeviationInterface, string>> = {
  MM1: 'mm1.*,chain.*,examples.mm1.*,robustness.mm1.*,robustness.wap.*',
  'SMPP-push': 'mm1.notify.*,mm1.push.*,mm1.smpp.*,mm1.send.*,mm1.retrieve.*,chain.*,robustness.smpp.*',
  MM3: 'mm3.*,chain.*,examples.mm3.*,robustness.mm3.*',
  MM4: 'mm4.*,chain.*,examples.mm4.*,robustness.mm4.*',
  MM5: 'mm4.out.*,mm4.retry.*,robustness.mm5.*,chain.mm5-*,mm1.status.008,mm1.send.*',
  MM7: 'mm7.*,chain.*,examples.mm7.*,robustness.mm7.*',
};

export function probeOf(d: Deviation): string {
  return d.probe ?? DEFAULT_PROBES[d.interface];
}

/** Whether the MMSC was told to commit this deviation (see DEVIATIONS). */
export function deviates(config: { readonly deviate?: readonly string[] }, name: DeviationName): boolean {
  return config.deviate !== undefined && config.deviate.length > 0 && config.deviate.includes(name);
}

/** The table as text, one deviation a line (`mmscert serve --deviate list`). */
export function formatDeviations(): string {
  const w = Math.max(...DEVIATIONS.map((d) => d.name.length));
  return DEVIATIONS.map(
    (d) => `${d.name.padEnd(w)}  ${d.interface.padEnd(9)}  ${d.description}  [${d.clause}]`,
  ).join('\n');
}
