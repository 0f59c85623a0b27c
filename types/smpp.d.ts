// Minimal typings for smpp@0.5.1 (the package ships none). Only what mmscert uses.
declare module 'smpp' {
  import type { EventEmitter } from 'node:events';
  import type { Socket } from 'node:net';

  export interface PduFields {
    [field: string]: unknown;
  }
  export class PDU implements PduFields {
    [field: string]: unknown;
    command: string;
    command_length: number;
    command_id: number;
    command_status: number;
    sequence_number: number;
    constructor(command: string, options?: PduFields);
    response(options?: PduFields): PDU;
    isResponse(): boolean;
    toBuffer(): Buffer;
    static fromBuffer(buffer: Buffer): PDU | false;
    static fromStream(stream: Socket): PDU | false;
    static commandLength(stream: Socket): number | false;
  }
  export class Session extends EventEmitter {
    socket: Socket;
    paused: boolean;
    closed: boolean;
    send(pdu: PDU, responseCallback?: (pdu: PDU) => void, sendCallback?: (pdu: PDU) => void): boolean;
    close(callback?: () => void): void;
    destroy(callback?: () => void): void;
    pause(): void;
    resume(): void;
    [command: string]: unknown;
  }
  export interface ServerOptions {
    key?: Buffer;
    cert?: Buffer;
    debug?: boolean;
    enable_proxy_protocol_detection?: boolean;
  }
  export class Server extends EventEmitter {
    listen(port: number, host?: string, callback?: () => void): this;
    listen(port: number, callback?: () => void): this;
    close(callback?: (err?: Error) => void): this;
    address(): import('node:net').AddressInfo | string | null;
  }
  export function createServer(options: ServerOptions, listener?: (session: Session) => void): Server;
  export function createServer(listener?: (session: Session) => void): Server;
  export function connect(
    options: { url?: string; host?: string; port?: number; auto_enquire_link_period?: number; debug?: boolean },
    listener?: () => void,
  ): Session;
  export function addCommand(command: string, options: PduFields): void;
  export function addTLV(tag: string, options: PduFields): void;
  export const consts: Record<string, unknown>;
  export const errors: Record<string, number>;
  export const encodings: Record<string, unknown>;
  export const filters: Record<string, unknown>;
  export const commands: Record<string, unknown>;
  export const tlvs: Record<string, unknown>;
  export const ESME_ROK: number;
}
