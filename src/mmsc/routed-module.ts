import type { Iface } from '../wire/nodes.ts';
import type { RecipientRoute, StoredMessage, StoredRecipient } from './store/message-store.ts';

/**
 * The extension point of the reference MMSC: each interface (MM1, MM4, MM3, MM7) is a module
 * under src/mmsc/<iface>/ registered with the router. A module listens on its own endpoint,
 * hands what it accepts to the core (`core.accept`), and delivers what the core routes to it
 * (`deliver`) — always called from the durable outbox, so a module never loses work: throw
 * RetryLater (store/outbox.ts) to be called again later, GiveUp to fail the recipient.
 * See src/mmsc/README.md.
 */

/** A listening endpoint printed by `mmscert serve`: `MM1 http://127.0.0.1:8002/mms`. */
export interface MmscEndpoint {
  iface: Iface;
  url: string;
}

/** One recipient of a stored message, handed to the module that serves its route. */
export interface OutboundDelivery {
  message: StoredMessage;
  recipient: StoredRecipient;
  /** Index of the recipient in `message.recipients`. */
  index: number;
  /** The stored MMS PDU (the m-send-req as accepted, or the MMS form of an MM4/MM7/MM3 submission). */
  pdu(): Promise<Uint8Array>;
}

/**
 * How the module's peer took the message: `sent` becomes the recipient status `notified`
 * (local route) or `forwarded` (MM4/MM3/MM7); `failed` fails the recipient (reported as
 * Unreachable when the originator asked for delivery reports).
 */
export type DeliveryOutcome = { status: 'sent' } | { status: 'failed'; reason: string };

/** A delivery / read report for a message that entered through this module (its origin). */
export interface OriginReport {
  message: StoredMessage;
  recipient: StoredRecipient;
  kind: 'delivery' | 'read';
  /** X-Mms-Status value (delivery) or X-Mms-Read-Status value (read). */
  status: string;
  date: Date;
}

/** A module as the core routes to it (everything but start, which gets the core itself: module.ts). */
export interface RoutedModule {
  /** `mm1`, `mm4`, `mm3`, `mm7`. */
  readonly name: string;
  readonly iface: Iface;
  /** Recipient routes this module delivers to (`mm4` for the MM4 module...). */
  readonly routes: readonly RecipientRoute[];
  stop(): Promise<void>;
  /** Delivers one recipient of a stored message (route in `routes`). */
  deliver?(d: OutboundDelivery): Promise<DeliveryOutcome>;
  /** Sends a report back towards a message's originator when the message came in here. */
  report?(r: OriginReport): Promise<void>;
  /** A message was cancelled (best effort: e.g. MM1 pushes m-cancel-req to notified clients). */
  cancelled?(message: StoredMessage): Promise<void>;
}
