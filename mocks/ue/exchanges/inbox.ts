import type { JsonObject } from '../../../src/util/json.ts';
import { PeerConfigError } from '../../peer.ts';
import type { InboxEntry } from '../handset.ts';
import type { HandsetLink } from './handset-link.ts';

/**
 * The inbox entry an action names: by `index`, `transactionId` or `contentLocation` (a location
 * the handset was not notified of becomes a new entry), else the latest notification.
 */
export function entryFor(h: HandsetLink, p: JsonObject): InboxEntry {
  const inbox = h.inbox;
  let entry: InboxEntry | undefined;
  if (typeof p.index === 'number') entry = inbox[p.index];
  else if (typeof p.transactionId === 'string')
    entry = inbox.find((e) => e.transactionId === p.transactionId);
  else if (typeof p.contentLocation === 'string') {
    entry = inbox.find((e) => e.contentLocation === p.contentLocation);
    if (!entry) {
      entry = {
        index: inbox.length,
        type: 'm-notification-ind',
        contentLocation: p.contentLocation,
        state: 'notified',
        fields: null,
      };
      inbox.push(entry);
    }
  } else entry = [...inbox].reverse().find((e) => e.type === 'm-notification-ind');
  if (!entry)
    throw new PeerConfigError(h.name, 'no such inbox entry (give index, transactionId or contentLocation)');
  return entry;
}
