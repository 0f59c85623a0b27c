/**
 * How the MMSC reaches a terminal: a WAP push carrying an MMS PDU (m-notification-ind,
 * m-delivery-ind, m-read-orig-ind, m-cancel-req) addressed to the mms.ua application.
 * Throw `RetryLater` / `GiveUp` (store/outbox.ts) or an error (retried) when it fails.
 */
export interface PushSender {
  readonly kind: 'smpp' | 'pap' | 'none';
  start(): void;
  stop(): Promise<void>;
  /** Pushes `pdu` (an encoded MMS PDU) to the subscriber `msisdn` (digits, no '+'). */
  push(msisdn: string, pdu: Uint8Array, label: string): Promise<void>;
}

/** No notification route configured: nothing can reach the terminal. */
export class NoPushSender implements PushSender {
  readonly kind = 'none' as const;
  start(): void {}
  async stop(): Promise<void> {}
  async push(): Promise<void> {
    throw new NoRouteError('no notification route configured (notification.route: none)');
  }
}

export class NoRouteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoRouteError';
  }
}
