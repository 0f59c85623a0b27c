import { Resolver } from 'node:dns/promises';
import smpp from 'smpp';
import type { Peer, PeerEndpoint } from '../../mocks/peer.ts';
import { PEER_KINDS } from '../../mocks/peer-kinds.ts';
import type { PeerKinds } from '../../src/harness/peer-kinds.ts';
import type { Json, JsonObject } from '../../src/util/json.ts';

/**
 * Test support: two small real clients wrapped as peers, so runner and report tests can drive
 * the real HLR and SMSC peers over loopback without a target MMSC. `esme` (the smpp package's
 * client: bind, submit) and `enum-client` (node:dns Resolver: naptr).
 */

/** An ESME over SMPP (the smpp package client): actions bind, submit, unbind. */
export class EsmeClient implements Peer {
  readonly name = 'esme';
  readonly role = 'harness' as const;
  private session?: smpp.Session;
  readonly actions: Peer['actions'];
  constructor(private readonly config: JsonObject) {
    this.actions = {
      bind: async (p) => {
        const url = String(this.config.smsc);
        const session = smpp.connect({ url });
        session.on('error', () => undefined);
        this.session = session;
        await new Promise<void>((resolve, reject) => {
          session.once('connect', () => resolve());
          session.once('error', reject);
        });
        const pdu = await this.call('bind_transceiver', {
          system_id: String(p.systemId ?? 'esme'),
          password: String(p.password ?? ''),
        });
        return { status: pdu.command_status };
      },
      submit: async (p) => {
        const pdu = await this.call('submit_sm', {
          source_addr: String(p.from ?? '1234'),
          destination_addr: String(p.to),
          short_message: String(p.text ?? ''),
        });
        return { status: pdu.command_status, messageId: (pdu.message_id as string | undefined) ?? null };
      },
    };
  }
  private call(command: string, fields: Record<string, unknown>): Promise<smpp.PDU> {
    const s = this.session;
    if (!s) return Promise.reject(new Error('not connected'));
    return new Promise((resolve, reject) => {
      const onClose = () => reject(new Error(`the SMSC closed the connection during ${command}`));
      s.once('close', onClose);
      (s[command] as (f: Record<string, unknown>, cb: (pdu: smpp.PDU) => void) => void)(fields, (pdu) => {
        s.removeListener('close', onClose);
        resolve(pdu);
      });
    });
  }
  async start(): Promise<PeerEndpoint[]> {
    return [];
  }
  async stop(): Promise<void> {
    this.session?.destroy();
  }
  endpoints(): PeerEndpoint[] {
    return [];
  }
  use(): void {}
  resetBehaviours(): void {}
}

/** An ENUM client (node:dns Resolver against the HLR's DNS): action naptr {number}. */
export class EnumClient implements Peer {
  readonly name = 'enum-client';
  readonly role = 'harness' as const;
  readonly actions: Peer['actions'];
  constructor(config: JsonObject) {
    const server = new URL(String(config.server));
    this.actions = {
      naptr: async (p) => {
        const r = new Resolver({ timeout: 2000, tries: 1 });
        r.setServers([`127.0.0.1:${server.port}`]);
        const digits = String(p.number).replace(/\D/g, '');
        const name = `${[...digits].reverse().join('.')}.e164.arpa`;
        const records = await r.resolveNaptr(name);
        return records.map((x) => ({ ...x })) as unknown as Json;
      },
    };
  }
  async start(): Promise<PeerEndpoint[]> {
    return [];
  }
  async stop(): Promise<void> {}
  endpoints(): PeerEndpoint[] {
    return [];
  }
  use(): void {}
  resetBehaviours(): void {}
}

export const TEST_PEER_KINDS: PeerKinds = {
  ...PEER_KINDS,
  esme: { name: 'esme', description: 'test ESME', create: (config) => new EsmeClient(config) },
  'enum-client': {
    name: 'enum-client',
    description: 'test ENUM client',
    create: (config) => new EnumClient(config),
  },
};
