import type { Clock } from '../src/util/case-clock.ts';
import type { JsonObject } from '../src/util/json.ts';
import type { Timeline } from '../src/wire/timeline.ts';
import { PEER_ACTION_TABLES } from './action-tables.ts';
import type { AirInterface } from './air-interface.ts';
import { HlrPeer, hlrConfigFromJson } from './hlr/hlr-peer.ts';
import { mailConfigFromJson } from './mail/mail-config.ts';
import { MailMta } from './mail/mail-mta.ts';
import type { ActionDefs, Peer } from './peer.ts';
import { RemoteMmsc } from './remote-mmsc/remote-mmsc.ts';
import { remoteMmscConfigFromJson } from './remote-mmsc/remote-mmsc-config.ts';
import { SmscPeer, smscConfigFromJson } from './smsc/smsc-peer.ts';
import { Handset } from './ue/handset.ts';
import { handsetConfigFromJson } from './ue/handset-config-from-json.ts';
import { Vasp } from './vasp/vasp.ts';
import { vaspConfigFromJson } from './vasp/vasp-config.ts';
import { ppgConfigFromJson, wapGatewayConfigFromJson } from './wap-gateway/config-from-json.ts';
import { PushProxyGateway } from './wap-gateway/ppg.ts';
import { WapGateway } from './wap-gateway/wap-gateway.ts';

/**
 * Every kind of mock peer, by the name suites, `mmscert peers --only` and docker use.
 * Adding a peer is one entry: a description and a factory from its (validated) JSON config.
 */

/** Shared things a peer may need besides its own config. */
export interface PeerDeps {
  timeline: Timeline;
  /** The radio link between the SMSC and the handsets. */
  air: AirInterface;
  /** The case's seed, for peers that generate data (HLR subscribers) or random values in what they send. */
  seed?: number;
  /** The case's clock (the target's: a seeded case clock for the embedded target), for the times peers write. */
  clock?: Clock;
}

export interface PeerKind {
  description: string;
  /** Builds the peer; throws PeerConfigError for a bad config. Does not start it. */
  create(config: JsonObject, deps: PeerDeps): Peer;
  /**
   * Its actions and their parameters (the suite loader refuses any other `do:` / `with:`). A kind
   * without a table (a test's own peer) has its actions unchecked until they run.
   */
  actions?: ActionDefs;
  /** Message types its observations carry beyond the codecs' own (a test's own peer). */
  messages?: readonly string[];
}

export const PEER_KINDS: Readonly<Record<string, PeerKind>> = {
  smsc: {
    actions: PEER_ACTION_TABLES.smsc,
    description: 'SMSC over SMPP 3.4: binds, submits, WAP push decoding, MT delivery to handsets, receipts',
    create: (config, deps) => new SmscPeer(smscConfigFromJson(config), { air: deps.air, clock: deps.clock }),
  },
  hlr: {
    actions: PEER_ACTION_TABLES.hlr,
    description: 'MM5: ENUM / DNS server (NAPTR, A, MX over UDP and TCP) and HTTP subscriber lookup',
    create: (config, deps) => new HlrPeer(hlrConfigFromJson(config), { seed: deps.seed }),
  },
  'remote-mmsc': {
    actions: PEER_ACTION_TABLES['remote-mmsc'],
    description:
      'MM4 foreign MMSC over SMTP (STARTTLS, AUTH, allow-list): RES, delivery/read reports, forward injection',
    create: (config, deps) =>
      new RemoteMmsc(remoteMmscConfigFromJson(config), { clock: deps.clock, seed: deps.seed }),
  },
  vasp: {
    actions: PEER_ACTION_TABLES.vasp,
    description:
      'MM7 VASP: SOAP client (Submit/Cancel/Replace, Basic auth) and server (Deliver, DeliveryReport, ReadReply)',
    create: (config, deps) => new Vasp(vaspConfigFromJson(config), { clock: deps.clock, seed: deps.seed }),
  },
  mail: {
    actions: PEER_ACTION_TABLES.mail,
    description:
      'MM3 e-mail MTA: captures and checks mail from the MMSC (RFC 5322/MIME), injects mail towards MMS users',
    create: (config, deps) => new MailMta(mailConfigFromJson(config), { clock: deps.clock, seed: deps.seed }),
  },
  'wap-gateway': {
    actions: PEER_ACTION_TABLES['wap-gateway'],
    description: 'WAP 2.0 HTTP proxy in front of MM1: subscriber headers (X-MSISDN...), byte-exact relay',
    create: (config) => new WapGateway(wapGatewayConfigFromJson(config)),
  },
  ppg: {
    actions: PEER_ACTION_TABLES.ppg,
    description: 'Push proxy gateway: PAP 2.0 push-message in, WAP push SMS out through an SMSC over SMPP',
    create: (config) => new PushProxyGateway(ppgConfigFromJson(config)),
  },
  ue: {
    actions: PEER_ACTION_TABLES.ue,
    description: 'Handset (MMS user agent): MM1 through the WAP gateway, WAP push from the air interface',
    create: (config, deps) => new Handset(handsetConfigFromJson(config), { air: deps.air }),
  },
};
