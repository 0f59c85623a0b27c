import nodemailer from 'nodemailer';
import type { Iface } from '../../wire/nodes.ts';
import { tapGetSocket } from '../../wire/tap.ts';
import type { MmscCore } from '../mmsc-core.ts';

/**
 * One SMTP transaction from the MMSC (MM4 to a foreign MMSC, MM3 to the mail relay): exact
 * bytes (`raw`) with an explicit envelope (TS 23.140 §8.4.1: the relay addresses travel in the
 * envelope, the MMS addresses in the header), tapped onto the timeline. Never throws: the
 * outcome is classified for the durable queue (2xx sent, 4xx / no answer transient, 5xx
 * permanent, RFC 5321 §4.2.1).
 */

export interface SmtpOutcome {
  ok: boolean;
  /** Final reply code; 0 when the connection failed before any reply. */
  code: number;
  response: string;
  /** A later attempt may succeed (4xx, connection problems). */
  transient: boolean;
}

export async function sendSmtp(
  core: MmscCore,
  iface: Iface,
  dest: { host: string; port: number; peerNode?: string },
  envelope: { from: string; to: string[] },
  raw: Uint8Array,
): Promise<SmtpOutcome> {
  const transport = nodemailer.createTransport({
    host: dest.host,
    port: dest.port,
    secure: false,
    ignoreTLS: true,
    name: core.config.domains[0],
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
    logger: false,
    disableFileAccess: true,
    disableUrlAccess: true,
    ...(core.timeline
      ? {
          getSocket: tapGetSocket({
            timeline: core.timeline,
            node: core.config.node,
            role: 'mmsc',
            iface,
            ...(dest.peerNode ? { peerNode: dest.peerNode } : {}),
          }),
        }
      : {}),
  });
  try {
    const info = await transport.sendMail({ envelope, raw: Buffer.from(raw) });
    return {
      ok: true,
      code: Number.parseInt(info.response, 10) || 250,
      response: info.response,
      transient: false,
    };
  } catch (e) {
    const err = e as Error & { responseCode?: number; response?: string };
    const code = err.responseCode ?? 0;
    return {
      ok: false,
      code,
      response: (err.response ?? err.message).split('\n')[0],
      transient: code === 0 || (code >= 400 && code < 500),
    };
  } finally {
    transport.close();
  }
}
