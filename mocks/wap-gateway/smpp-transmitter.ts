import * as smpp from 'smpp';
import type { NodeRole } from '../../src/wire/nodes.ts';
import { tapSocket } from '../../src/wire/tap.ts';
import type { Timeline } from '../../src/wire/timeline.ts';
import { isLoopbackHost } from './http-util.ts';

/** Where and how the PPG binds to an SMSC (ours or any real one on loopback). */
export interface SmscBinding {
  host?: string;
  port: number;
  systemId?: string;
  password?: string;
  systemType?: string;
  /** submit_sm source_addr (default '9200'); ton/npi follow: digits -> 1/1, else 5/0 (alphanumeric). */
  sourceAddr?: string;
  /** submit_sm_resp wait (default 10 s). */
  timeoutMs?: number;
}

export interface SubmitResult {
  commandStatus: number;
  messageId?: string;
}

/**
 * A lazily bound SMPP 3.4 transmitter (bind_transmitter, §4.1.1) over the smpp package.
 * One bind is shared by every submit; a closed session is re-bound on the next submit.
 */
export class SmppTransmitter {
  private session?: smpp.Session;
  private binding?: Promise<smpp.Session>;

  constructor(
    private readonly cfg: SmscBinding,
    private readonly tap?: { timeline: Timeline; node: string; role: NodeRole },
  ) {
    if (!isLoopbackHost(cfg.host ?? '127.0.0.1'))
      throw new Error(`SMSC host '${cfg.host}' is not on loopback`);
  }

  private bind(): Promise<smpp.Session> {
    if (this.session && !this.session.closed) return Promise.resolve(this.session);
    if (this.binding) return this.binding;
    this.binding = new Promise<smpp.Session>((resolve, reject) => {
      const s = smpp.connect({
        host: this.cfg.host ?? '127.0.0.1',
        port: this.cfg.port,
        auto_enquire_link_period: 0,
      });
      if (this.tap) {
        tapSocket(s.socket, {
          ...this.tap,
          iface: 'SMPP',
          peerNode: 'smsc',
          peerRole: 'smsc',
          side: 'client',
        });
      }
      const fail = (e: Error) => {
        this.binding = undefined;
        s.destroy();
        reject(e);
      };
      s.on('error', fail);
      s.on('close', () => {
        if (this.session === s) this.session = undefined;
      });
      // The package answers nothing by itself: keep the bind alive for the SMSC's probes.
      s.on('enquire_link', (pdu: smpp.PDU) => s.send(pdu.response()));
      s.on('unbind', (pdu: smpp.PDU) => {
        s.send(pdu.response());
        s.close();
      });
      s.on('connect', () => {
        s.send(
          new smpp.PDU('bind_transmitter', {
            system_id: this.cfg.systemId ?? 'mmscert-ppg',
            password: this.cfg.password ?? '',
            system_type: this.cfg.systemType ?? '',
            interface_version: 0x34,
          }),
          (resp: smpp.PDU) => {
            s.off('error', fail);
            s.on('error', () => s.destroy());
            this.binding = undefined;
            if (resp.command_status !== 0) {
              s.close();
              reject(
                new Error(`bind_transmitter refused: command_status 0x${resp.command_status.toString(16)}`),
              );
              return;
            }
            this.session = s;
            resolve(s);
          },
        );
      });
    });
    return this.binding;
  }

  /** Submits one SMS with binary 8-bit user data (UDHI set, data_coding 0x04: TS 23.038 §4). */
  async submit(destination: string, userData: Uint8Array, udhi: boolean): Promise<SubmitResult> {
    const s = await this.bind();
    const src = this.cfg.sourceAddr ?? '9200';
    const numeric = /^\+?[0-9]+$/.test(src);
    const pdu = new smpp.PDU('submit_sm', {
      source_addr_ton: numeric ? 1 : 5,
      source_addr_npi: numeric ? 1 : 0,
      source_addr: src.replace(/^\+/, ''),
      dest_addr_ton: 1,
      dest_addr_npi: 1,
      destination_addr: destination.replace(/^\+/, ''),
      esm_class: udhi ? 0x40 : 0,
      data_coding: 0x04,
      short_message: Buffer.from(userData.buffer, userData.byteOffset, userData.byteLength),
    });
    return new Promise<SubmitResult>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('submit_sm_resp timeout')),
        this.cfg.timeoutMs ?? 10_000,
      );
      const onClose = () => {
        clearTimeout(timer);
        reject(new Error('SMSC closed the session'));
      };
      s.once('close', onClose);
      s.send(pdu, (resp: smpp.PDU) => {
        clearTimeout(timer);
        s.off('close', onClose);
        resolve({
          commandStatus: resp.command_status,
          messageId: typeof resp.message_id === 'string' ? resp.message_id : undefined,
        });
      });
    });
  }

  async close(): Promise<void> {
    const s = this.session;
    this.session = undefined;
    if (!s || s.closed) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        s.destroy();
        resolve();
      }, 1000);
      s.send(new smpp.PDU('unbind', {}), () => {
        clearTimeout(t);
        s.close();
        resolve();
      });
    });
  }
}
