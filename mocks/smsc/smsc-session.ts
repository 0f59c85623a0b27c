import type net from 'node:net';
import { isCodecError } from '../../src/codec/codec-error.ts';
import {
  decodeSmpp,
  encodeSmpp,
  SMPP_STATUS,
  type SmppPdu,
  smppPdu,
  smppToJson,
  statusName,
} from '../../src/codec/smpp/index.ts';
import type { JsonObject } from '../../src/util/json.ts';
import { attachSmppFraming, type SmppFramingError } from './smpp-framing.ts';
import {
  BIND_STATE,
  SMPP_STATE_HANDLERS,
  type SmppHandlerName,
  type SmppState,
} from './smpp-session-state.ts';

/** What a session needs from its SMSC (implemented by SmscPeer). */
export interface SmscCore {
  readonly name: string;
  /** Publishes a message observation for a PDU in or out of this session. */
  observe(
    session: SmscSession,
    direction: 'in' | 'out',
    type: string,
    fields: JsonObject,
    raw?: Uint8Array,
  ): void;
  event(session: SmscSession | undefined, name: string, detail: JsonObject): void;
  /** ESME_ROK or the status refusing this bind. */
  checkBind(pdu: SmppPdu): number;
  bound(session: SmscSession): void;
  /** Answers a submit_sm / submit_multi / data_sm: the response fields (or a status) plus what to do after sending it. */
  submit(session: SmscSession, pdu: SmppPdu): Promise<SubmitOutcome>;
  querySm(session: SmscSession, pdu: SmppPdu): { status: number; fields?: JsonObject };
  cancelSm(session: SmscSession, pdu: SmppPdu): number;
  /** Whether enquire_link is answered (not while the mute-enquire-link behaviour is on). */
  answersEnquireLink(): boolean;
  /** Milliseconds to hold every response (the delay behaviour). */
  responseDelayMs(): number;
  /** The window of the hold-responses behaviour while it is on (0: no bound), else undefined. */
  holdWindow(): number | undefined;
  closed(session: SmscSession): void;
}

export type SubmitOutcome =
  | { action: 'respond'; status: number; fields?: JsonObject; after?: () => void }
  | { action: 'drop' };

/**
 * One ESME connection: smpp-framing.ts cuts the stream into PDUs, src/codec/smpp reads and writes
 * them; this class owns the SMPP 3.4 state machine (smpp-session-state.ts) and answers malformed,
 * unknown or out-of-state PDUs with SMPP's own errors.
 */
export class SmscSession {
  state: SmppState = 'open';
  systemId = '';
  readonly conn: string | undefined;
  private chain: Promise<void> = Promise.resolve();
  private seq = 0;
  private readonly waiting = new Map<number, (pdu: SmppPdu) => void>();
  /** Submits answered only when the hold-responses behaviour ends (releaseHeld). */
  private held: { pdu: SmppPdu; status: number; fields?: JsonObject; after?: () => void }[] = [];

  constructor(
    private readonly core: SmscCore,
    readonly socket: net.Socket,
    conn?: string,
  ) {
    this.conn = conn;
    attachSmppFraming(
      socket,
      (raw) => {
        // Serialised: responses go out in the order requests came in, even with delays.
        this.chain = this.chain.then(() => this.onRaw(raw)).catch((e) => this.internalError(e));
      },
      (e) => {
        this.chain = this.chain.then(() => this.onFramingError(e)).catch((x) => this.internalError(x));
      },
    );
    socket.on('error', (e: Error) => {
      // Socket-level error (ECONNRESET...): the close event follows.
      this.core.event(this, 'smpp-socket-error', { error: e.message });
    });
    socket.on('close', () => {
      this.state = 'closed';
      for (const w of this.waiting.values()) w({ ...EMPTY_NACK });
      this.waiting.clear();
      this.core.closed(this);
    });
  }

  /**
   * Answers every held submit at once, last received first: responses out of sequence, which
   * SMPP 3.4 §2.7 says an ESME should be able to take (matched by sequence_number).
   */
  releaseHeld(): void {
    const held = this.held.reverse();
    this.held = [];
    if (held.length === 0) return;
    this.core.event(this, 'responses-released', {
      count: held.length,
      order: held.map((h) => h.pdu.sequenceNumber),
    });
    this.chain = this.chain
      .then(async () => {
        for (const h of held) {
          await this.respond(h.pdu, h.status, h.fields);
          h.after?.();
        }
      })
      .catch((e) => this.internalError(e));
  }

  /** The sequence_number of the last SMSC-originated request. */
  get lastSequence(): number {
    return this.seq;
  }

  get remotePort(): number | undefined {
    return this.socket.remotePort;
  }

  private onFramingError(e: SmppFramingError): void {
    // The stream cannot be re-synchronised after a bad command_length (SMPP 3.4 §3.2):
    // say so with generic_nack and close, as the spec's ESME_RINVCMDLEN handling implies.
    this.core.event(this, 'smpp-framing-error', { commandLength: e.commandLength, reason: e.message });
    this.sendPdu('generic_nack', e.sequenceNumber, SMPP_STATUS.ESME_RINVCMDLEN);
    this.state = 'closed';
    this.socket.end();
  }

  private internalError(e: unknown): void {
    this.core.event(this, 'smsc-internal-error', { error: e instanceof Error ? e.message : String(e) });
  }

  private async onRaw(raw: Uint8Array): Promise<void> {
    if (this.state === 'closed') return;
    let pdu: SmppPdu;
    try {
      pdu = decodeSmpp(raw);
    } catch (e) {
      if (!isCodecError(e)) throw e;
      const seq =
        raw.length >= 16 ? Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).readUInt32BE(12) : 0;
      const id =
        raw.length >= 8 ? Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).readUInt32BE(4) : 0;
      const status = /tlv|payload|sar_|_port$/.test(e.field)
        ? SMPP_STATUS.ESME_RINVTLVLEN
        : SMPP_STATUS.ESME_RINVCMDLEN;
      this.core.event(this, 'smpp-decode-error', { error: e.toLine(), commandId: id, sequenceNumber: seq });
      if (id & 0x80000000) return; // never answer a response (SMPP 3.4 §4.3)
      await this.respondRaw('generic_nack', seq, status);
      return;
    }
    this.core.observe(this, 'in', pdu.command, smppToJson(pdu), raw);
    if (pdu.command === 'unknown') {
      if (pdu.commandId & 0x80000000) return;
      this.core.event(this, 'smpp-unknown-command', {
        commandId: `0x${pdu.commandId.toString(16).padStart(8, '0')}`,
      });
      await this.respondRaw('generic_nack', pdu.sequenceNumber, SMPP_STATUS.ESME_RINVCMDID);
      return;
    }
    const handler = SMPP_STATE_HANDLERS[this.state][pdu.command];
    if (!handler) {
      if (pdu.commandId & 0x80000000) {
        this.core.event(this, 'smpp-unexpected-response', { command: pdu.command, state: this.state });
        return;
      }
      this.core.event(this, 'smpp-invalid-bind-status', { command: pdu.command, state: this.state });
      await this.respond(pdu, SMPP_STATUS.ESME_RINVBNDSTS);
      return;
    }
    await this.dispatch(handler, pdu);
  }

  private async dispatch(handler: SmppHandlerName, pdu: SmppPdu): Promise<void> {
    switch (handler) {
      case 'bind': {
        const status = this.core.checkBind(pdu);
        if (status !== SMPP_STATUS.ESME_ROK) {
          await this.respond(pdu, status);
          return;
        }
        this.systemId = pdu.params.system_id as string;
        this.state = BIND_STATE[pdu.command];
        await this.respond(pdu, 0, { system_id: this.core.name, sc_interface_version: 0x34 });
        this.core.bound(this);
        return;
      }
      case 'alreadyBound':
        await this.respond(pdu, SMPP_STATUS.ESME_RALYBND);
        return;
      case 'enquireLink':
        if (!this.core.answersEnquireLink()) {
          this.core.event(this, 'enquire-link-unanswered', { sequenceNumber: pdu.sequenceNumber });
          return;
        }
        await this.respond(pdu, 0);
        return;
      case 'unbind':
        await this.respond(pdu, 0);
        this.state = 'closed';
        this.socket.end();
        return;
      case 'submit':
      case 'dataSm': {
        const outcome = await this.core.submit(this, pdu);
        if (outcome.action === 'drop') {
          this.state = 'closed';
          this.socket.destroy();
          return;
        }
        const window = this.core.holdWindow();
        if (window !== undefined) {
          // an SMSC that answers later: the submit stays outstanding at the ESME (SMPP 3.4 §2.7)
          this.held.push({ pdu, status: outcome.status, fields: outcome.fields, after: outcome.after });
          const outstanding = this.held.length;
          this.core.event(this, 'response-held', { sequenceNumber: pdu.sequenceNumber, outstanding });
          if (window > 0 && outstanding > window)
            this.core.event(this, 'window-exceeded', { window, outstanding });
          return;
        }
        await this.respond(pdu, outcome.status, outcome.fields);
        outcome.after?.();
        return;
      }
      case 'querySm': {
        const r = this.core.querySm(this, pdu);
        await this.respond(pdu, r.status, r.fields);
        return;
      }
      case 'cancelSm':
        await this.respond(pdu, this.core.cancelSm(this, pdu));
        return;
      case 'replaceSm':
        // The SMSC keeps no replaceable store-and-forward queue: SMPP 3.4 §4.10 lets it refuse.
        await this.respond(pdu, SMPP_STATUS.ESME_RREPLACEFAIL);
        return;
      case 'response': {
        const w = this.waiting.get(pdu.sequenceNumber);
        if (w) {
          this.waiting.delete(pdu.sequenceNumber);
          w(pdu);
        }
        return;
      }
    }
  }

  private async delay(): Promise<void> {
    const ms = this.core.responseDelayMs();
    if (ms > 0) await new Promise((r) => setTimeout(r, ms));
  }

  /** The `_resp` of a request (header only when status is an error, SMPP 3.4 §3.3). */
  private async respond(pdu: SmppPdu, status: number, fields: JsonObject = {}): Promise<void> {
    await this.respondRaw(`${pdu.command}_resp`, pdu.sequenceNumber, status, fields);
  }

  private async respondRaw(
    command: string,
    sequence: number,
    status: number,
    fields: JsonObject = {},
  ): Promise<void> {
    await this.delay();
    this.sendPdu(command, sequence, status, fields);
  }

  /**
   * Encodes with src/codec/smpp: fields name mandatory parameters and TLVs alike (smppPdu sorts
   * them); a response with an error status is the header alone (SMPP 3.4 §3.3).
   */
  private sendPdu(
    command: string,
    sequence: number,
    status: number,
    fields: Readonly<Record<string, unknown>> = {},
  ): void {
    if (this.socket.destroyed || !this.socket.writable) return;
    const pdu = smppPdu(command, sequence, status, status === 0 ? fields : {});
    const raw = encodeSmpp(pdu);
    this.socket.write(raw);
    let observed: JsonObject;
    try {
      observed = smppToJson(decodeSmpp(raw));
    } catch {
      observed = { command, command_status: statusName(status) };
    }
    this.core.observe(this, 'out', command, observed, raw);
  }

  /**
   * Sends an SMSC-originated request (deliver_sm) and resolves with the ESME's response, or
   * with a generic_nack-shaped ESME_RUNKNOWNERR after `timeoutMs` or when the link closes.
   */
  request(command: string, fields: Readonly<Record<string, unknown>>, timeoutMs = 10_000): Promise<SmppPdu> {
    return this.awaitResponse(timeoutMs, (sequence) => this.sendPdu(command, sequence, 0, fields));
  }

  /** A request with a command_id the SMPP table does not define, header only (SMPP 3.4 §4.3 test). */
  requestUnknown(commandId: number, timeoutMs = 10_000): Promise<SmppPdu> {
    return this.awaitResponse(timeoutMs, (sequence) => {
      if (this.socket.destroyed || !this.socket.writable) return;
      const raw = encodeSmpp({ command: 'unknown', commandId, commandStatus: 0, sequenceNumber: sequence });
      this.socket.write(raw);
      const hex = `0x${commandId.toString(16).padStart(8, '0')}`;
      this.core.observe(this, 'out', 'unknown', { command_id: hex, sequence_number: sequence }, raw);
    });
  }

  /**
   * An enquire_link header whose command_length says `commandLength` (16 octets sent whatever it
   * says): a length no PDU can have, which SMPP 3.4 §4.3 says is answered with generic_nack
   * ESME_RINVCMDLEN. Not awaited (the answer is read off the wire); the sequence_number used.
   */
  sendBadLength(commandLength: number): number {
    this.seq = this.seq >= 0x7fffffff ? 1 : this.seq + 1;
    const sequence = this.seq;
    if (this.socket.destroyed || !this.socket.writable) return sequence;
    const raw = Buffer.alloc(16);
    raw.writeUInt32BE(commandLength >>> 0, 0);
    raw.writeUInt32BE(0x00000015, 4); // enquire_link
    raw.writeUInt32BE(0, 8);
    raw.writeUInt32BE(sequence, 12);
    this.socket.write(raw);
    this.core.observe(
      this,
      'out',
      'enquire_link',
      { command_length: commandLength, command_id: '0x00000015', sequence_number: sequence },
      new Uint8Array(raw),
    );
    return sequence;
  }

  private awaitResponse(timeoutMs: number, send: (sequence: number) => void): Promise<SmppPdu> {
    this.seq = this.seq >= 0x7fffffff ? 1 : this.seq + 1;
    const sequence = this.seq;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(sequence);
        resolve({ ...EMPTY_NACK, sequenceNumber: sequence });
      }, timeoutMs);
      this.waiting.set(sequence, (pdu) => {
        clearTimeout(timer);
        resolve(pdu);
      });
      send(sequence);
      if (this.socket.destroyed) {
        clearTimeout(timer);
        this.waiting.delete(sequence);
        resolve({ ...EMPTY_NACK, sequenceNumber: sequence });
      }
    });
  }

  close(): void {
    this.state = 'closed';
    this.socket.destroy();
  }
}

const EMPTY_NACK: SmppPdu = {
  commandLength: 16,
  commandId: 0x80000000,
  command: 'generic_nack',
  commandStatus: SMPP_STATUS.ESME_RUNKNOWNERR,
  sequenceNumber: 0,
  params: {},
  tlvs: [],
};
