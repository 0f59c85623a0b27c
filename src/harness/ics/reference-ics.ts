import { type MmscConfig, smtpMaxRecipients } from '../../mmsc/config.ts';
import { type Ics, MM7_VERSIONS } from './ics-schema.ts';

/**
 * How the harness provisions the reference MMSC when it starts it (embedded target) and what a
 * `mmscert serve` config for self-certification provisions (certify/): the identities of the
 * reference ICS. 555 numbers are reserved for fiction.
 */
export const REFERENCE_PROVISIONING: Ics['provisioning'] = {
  domain: 'mms.mnc001.mcc310.gprs',
  mcc: '310',
  mnc: '001',
  subscribers: '+1555000',
  foreign: { domain: 'mms.mnc002.mcc310.gprs', mcc: '310', mnc: '002', subscribers: '+1555777' },
  unknownSubscribers: '+1555999',
  mailDomain: 'example.com',
  vasps: {
    main: {
      vaspId: 'VASP1',
      vasId: 'weather',
      username: 'vasp-one',
      password: 's3cret!',
      shortCode: '12345',
    },
    second: { vaspId: 'VASP2', username: 'vasp-two', password: 'other-pass', shortCode: '7777' },
    // the EAIF application (Nokia External Application Interface), a VASP of the second dialect
    eaif: {
      vaspId: 'EAIF1',
      username: 'eaif-app',
      password: 'eaif-pass',
      shortCode: '4444',
      dialect: 'eaif',
    },
  },
};

function seconds(ms: number): string {
  return `${Math.max(1, Math.ceil(ms / 1000))}s`;
}

/**
 * The ICS of the reference MMSC, derived from its config: what it implements follows from the
 * code (every MM1 feature of 1.3, every MM7 schema version), what it is set to (versions, limits,
 * MMBox, timers, domain, VASP accounts) from the config. `provisioning` gives what the config does
 * not know (number ranges, the mail domain).
 */
export function referenceIcs(
  config: MmscConfig,
  provisioning: Ics['provisioning'] = REFERENCE_PROVISIONING,
): Ics {
  const versions = (['1.0', '1.1', '1.2', '1.3'] as const).filter((v) => v <= config.mmsVersion);
  const vasps: Ics['provisioning']['vasps'] = {};
  const roles = ['main', 'second', 'third', 'fourth'];
  let n = 0;
  config.vasps.forEach((v) => {
    if (!v.shortCodes[0]) return;
    // the EAIF application is the account `eaif` (ics-schema.ts); the MM7 VASPs main, second...
    const role = v.dialect === 'eaif' ? 'eaif' : (roles[n] ?? `vasp${n + 1}`);
    if (v.dialect !== 'eaif') n += 1;
    if (role in vasps) return;
    vasps[role] = {
      vaspId: v.vaspId,
      ...(v.vasId ? { vasId: v.vasId } : {}),
      ...(v.username ? { username: v.username } : {}),
      ...(v.password ? { password: v.password } : {}),
      shortCode: v.shortCodes[0],
      ...(v.dialect === 'eaif' ? { dialect: 'eaif' as const } : {}),
    };
  });
  const eaifApp = config.vasps.find((v) => v.dialect === 'eaif');
  const foreign = config.mm4.peers[0];
  const hasMm4 = config.mm4.peers.length > 0;
  const notification: Ics['notification'] =
    config.notification.route === 'smpp'
      ? {
          via: 'smpp',
          smpp: {
            systemId: config.notification.systemId,
            password: config.notification.password,
            // claimed only when the pushes ask for receipts (SMPP 3.4 §5.2.17 bits 1-0)
            ...((config.notification.registeredDelivery & 0x03) !== 0 ? { registeredDelivery: true } : {}),
            // bind_transceiver refused with ESME_RINVCMDID: bind_transmitter (smpp-push-client.ts)
            bindFallback: true,
            // UDH concatenation, or the sar_* TLVs, as configured
            concatenation: config.notification.concatenation,
            // a relative validity_period on every push (SMPP 3.4 §7.1.1) when configured
            ...(config.notification.validityPeriodS > 0 ? { validityPeriod: true } : {}),
            // at most this many submit_sm awaiting their response (SMPP 3.4 §2.7)
            window: config.notification.window,
          },
        }
      : { via: config.notification.route === 'pap' ? 'pap' : 'smpp' };
  return {
    implementation: { name: 'mmscert reference MMSC', vendor: 'mmscert' },
    mm1: {
      supported: true,
      versions: [...versions],
      deliveryReports: true,
      readReports: true,
      forward: config.mmsVersion >= '1.1',
      // m-cancel-req is an MMS 1.3 PDU; src/mmsc/mm1/mm1-module.ts pushes it only from 1.3 on
      cancel: config.mmsVersion >= '1.3',
      mmbox: config.mmbox.enabled && config.mmsVersion >= '1.2',
      deleteReq: config.mmsVersion >= '1.3',
      deliveryTime: true,
      senderVisibility: true,
      // src/mmsc/mm1/handlers/send-req.ts refuses reply charging (not offered)
      replyCharging: false,
      maxMessageSize: config.maxMessageSize,
      maxRecipients: config.maxRecipients,
      charsets: [
        'us-ascii',
        'utf-8',
        'utf-16',
        'iso-8859-1',
        'iso-8859-5',
        'iso-8859-7',
        'iso-8859-15',
        'shift_jis',
      ],
      contentTypes: [...config.allowedContentTypes],
      subscriberHeader: config.msisdnHeaders[0] ?? 'X-MSISDN',
      // it serves roamers as at home (the deviation roamer-msisdn-ignored breaks this claim)
      roaming: true,
    },
    mm3: {
      supported: true,
      inbound: true,
      outbound: config.mm3.relay !== undefined,
      mtaFronted: config.mtaFront.mm3,
      maxRecipients: smtpMaxRecipients(config),
    },
    mm4: {
      supported: hasMm4,
      inbound: true,
      outbound: hasMm4,
      deliveryReports: true,
      readReports: true,
      // plain SMTP towards configured peers (host and port of config.mm4.peers)
      starttls: false,
      mxRouting: false,
      mtaFronted: config.mtaFront.mm4,
      maxRecipients: smtpMaxRecipients(config),
    },
    mm5: { enum: config.mm5.enumServer !== undefined, hlr: config.mm5.hlrUrl !== undefined },
    mm7: {
      supported: true,
      versions: [...MM7_VERSIONS],
      basicAuth: config.vasps.some((v) => v.username !== undefined),
      cancel: true,
      replace: true,
      deliver: true,
      // src/mmsc/mm7/mm7-module.ts: a DeliverReq in the version the VASP last spoke
      deliverVersion: 'as-vasp',
      deliveryReports: true,
      readReplies: true,
      maxRecipients: config.maxRecipients,
    },
    // EAIF on the MM7 listener (src/mmsc/eaif) for the accounts whose dialect is eaif
    eaif: {
      supported: eaifApp !== undefined,
      basicAuth: eaifApp?.username !== undefined,
      deliver: eaifApp !== undefined,
      deliveryReports: eaifApp !== undefined,
      readReplies: eaifApp !== undefined,
    },
    notification,
    timers: {
      // the durable queue's first retry, with room for the host's load
      notificationRetry: seconds(config.retry.baseDelayMs * 4),
      // it honours any relative expiry; declared with room for a loaded host to notify first
      minExpiry: '3s',
      mm4ResponseTimeout: seconds(config.mm4.responseTimeoutMs * 1.5),
      deliveryReport: '3s',
      // the front end's queue hands a mail on at once; room for a loaded host
      dsn: '5s',
      notification: '4s',
      // the longest pause between connection attempts to an unreachable SMSC, with headroom
      ...(config.notification.route === 'smpp'
        ? { smppReconnect: seconds(config.notification.reconnectMaxMs * 2) }
        : {}),
      // SMPP link probing (SMPP 3.4 §4.11), with headroom: an idle bind probed after enquireLinkMs;
      // a dead link dropped after the probe's timeout and bound again after reconnectMs
      ...(config.notification.route === 'smpp' && config.notification.enquireLinkMs > 0
        ? {
            enquireLink: seconds(config.notification.enquireLinkMs * 2),
            enquireLinkTimeout: seconds(
              ((config.notification.enquireLinkTimeoutMs ?? config.notification.responseTimeoutMs) +
                config.notification.reconnectMs) *
                2,
            ),
          }
        : {}),
    },
    provisioning: {
      ...provisioning,
      domain: config.domains[0] ?? provisioning.domain,
      ...(foreign ? { foreign: { ...provisioning.foreign, domain: foreign.domain } } : {}),
      // (the EAIF application's account only when the config has one: eaif.supported says so)
      vasps:
        Object.keys(vasps).length > 0 && 'main' in vasps
          ? vasps
          : Object.fromEntries(
              Object.entries(provisioning.vasps).filter(([role]) => role !== 'eaif' || eaifApp),
            ),
    },
  };
}
