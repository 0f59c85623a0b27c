import { type Clock, SYSTEM_CLOCK } from '../util/case-clock.ts';
import type { Timeline } from '../wire/timeline.ts';
import type { MmscConfig } from './config.ts';
import { deviates } from './deviations.ts';
import { flowTrace } from './flow-trace.ts';
import { type IdSource, isValidId, SYSTEM_IDS } from './ids.ts';
import type { Mm5Resolver, Mm5Route } from './mm5/mm5-resolver.ts';
import type { MmscObserver } from './observer.ts';
import type { DeliveryOutcome, RoutedModule } from './routed-module.ts';
import { DueQueue } from './store/due-queue.ts';
import {
  isOpen,
  type MessageStore,
  type MessageSummary,
  OPEN_STATUSES,
  type RecipientRoute,
  type RecipientStatus,
  type StoredMessage,
  type StoredRecipient,
  summarize,
} from './store/message-store.ts';
import { GiveUp, type Job, type Outbox } from './store/outbox.ts';

/**
 * The MMSC core: the one path by which a message is accepted (from any interface), routed
 * (MM5), stored and delivered (durable outbox jobs dispatched to the module serving each
 * recipient's route), and by which delivery / read reports travel back to the originator.
 *
 * Durability contract: `accept()` resolves only after the message directory and every job
 * its recipients need are on disk. A crash in between is repaired at start
 * (`reconcile()`): recipients still `pending` without a job get one (job ids are
 * deterministic, so this never duplicates work).
 */

export interface Submission {
  /** Module the message came in through. */
  origin: string;
  originInfo?: { [key: string]: string };
  /** Resolved sender address. */
  sender: string;
  /** Idempotency key with `sender`: the same transaction submitted twice is stored once. */
  transactionId: string;
  mmsVersion: string;
  /** The MMS PDU to store (an m-send-req or the MMS form of an MM4/MM7/MM3 message). */
  pdu: Uint8Array;
  recipients: Array<{ address: string; field: 'To' | 'Cc' | 'Bcc' }>;
  contentType: string;
  subject?: string;
  messageClass?: string;
  deliveryReport: boolean;
  readReport: boolean;
  hideSender?: boolean;
  /** Absolute expiry (epoch ms); default and cap from the config. */
  expiresAt?: number;
  /** Earliest delivery (epoch ms). */
  deliverAt?: number;
  /** Message-ID to use (an MM4 forward keeps the originator's); default a new one. */
  messageId?: string;
}

export type AcceptResult =
  | { ok: true; message: StoredMessage; duplicate: boolean; unresolved: Mm5Route[] }
  | { ok: false; reason: 'address-unresolved'; transient: boolean; text: string; duplicate: false };

/** The X-Mms-Status a recipient status is reported as (OMA-TS-MMS_ENC 1.3 §7.3.54). */
const REPORTED_STATUS: Partial<Record<RecipientStatus, string>> = {
  retrieved: 'Retrieved',
  rejected: 'Rejected',
  unrecognised: 'Unrecognised',
  deferred: 'Deferred',
  expired: 'Expired',
  forwarded: 'Forwarded',
  failed: 'Unreachable',
};

export interface MmscCoreDeps {
  config: MmscConfig;
  store: MessageStore;
  outbox: Outbox;
  resolver: Mm5Resolver;
  observer: MmscObserver;
  timeline?: Timeline;
  /** Where timestamps come from (default the system clock; a seeded case's clock in a seeded run). */
  clock?: Clock;
  /** Where Message-IDs, tokens and transaction ids come from (default the CSPRNG). */
  ids?: IdSource;
}

export class MmscCore {
  readonly config: MmscConfig;
  readonly store: MessageStore;
  readonly outbox: Outbox;
  readonly resolver: Mm5Resolver;
  readonly observer: MmscObserver;
  readonly timeline?: Timeline;
  readonly clock: Clock;
  readonly ids: IdSource;
  private readonly modules = new Map<string, RoutedModule>();
  private readonly byRoute = new Map<RecipientRoute, RoutedModule>();
  private readonly inflight = new Map<string, Promise<AcceptResult>>();
  /** Message ids taken by an accept whose store.create has not finished (not yet in the store). */
  private readonly creating = new Set<string>();
  /** Active messages by expiry time (one timer for all; stale entries skipped when popped). */
  private readonly expiries = new DueQueue<string>();
  private expiryTimer?: NodeJS.Timeout;
  private expiryTimerAt = Number.POSITIVE_INFINITY;
  private stopped = false;
  private retentionTimer?: NodeJS.Timeout;
  private sweeping?: Promise<number>;
  /**
   * Highest MMS version each subscriber's client has shown (for retrieve-conf negotiation), for
   * the CLIENT_VERSIONS_KEPT subscribers seen last (the others fall back to what their messages say).
   */
  readonly clientVersions = new Map<string, string>();

  constructor(deps: MmscCoreDeps) {
    this.config = deps.config;
    this.store = deps.store;
    this.outbox = deps.outbox;
    this.resolver = deps.resolver;
    this.observer = deps.observer;
    this.timeline = deps.timeline;
    this.clock = deps.clock ?? SYSTEM_CLOCK;
    this.ids = deps.ids ?? SYSTEM_IDS;
    // a delivery job run again finds its recipient no longer pending (runDeliver) and does nothing
    this.outbox.handle('deliver', (job) => this.runDeliver(job), { rerunHarmless: true });
    this.outbox.handle('report', (job) => this.runReport(job));
    // Expiry needs no job file: `expiresAt` is in each message's meta.json, and every active
    // message gets its timer at accept and again at start (reconcile).
    this.outbox.handle('expire', async (job) => this.expireNow(String(job.payload.messageId)));
  }

  /** Plugs an interface module in (before start). */
  register(module: RoutedModule): void {
    if (this.modules.has(module.name)) throw new Error(`module ${module.name} registered twice`);
    this.modules.set(module.name, module);
    for (const r of module.routes) this.byRoute.set(r, module);
  }

  module(name: string): RoutedModule | undefined {
    return this.modules.get(name);
  }

  allModules(): RoutedModule[] {
    return [...this.modules.values()];
  }

  routeServed(route: RecipientRoute): boolean {
    return this.byRoute.has(route);
  }

  /**
   * Accepts a message: resolves recipients, stores it durably, queues its deliveries and its
   * expiry. A second submission of the same (sender, transactionId) returns the first result.
   */
  accept(sub: Submission): Promise<AcceptResult> {
    const stored = this.store.byTransaction(sub.sender, sub.transactionId);
    if (stored) return Promise.resolve({ ok: true, message: stored, duplicate: true, unresolved: [] });
    const key = `${sub.sender}\u0000${sub.transactionId}`;
    const running = this.inflight.get(key);
    if (running) {
      return running.then((r) => (r.ok ? { ...r, duplicate: true } : r));
    }
    const p = this.doAccept(sub).finally(() => this.inflight.delete(key));
    this.inflight.set(key, p);
    return p;
  }

  private async doAccept(sub: Submission): Promise<AcceptResult> {
    const routes = await Promise.all(sub.recipients.map((r) => this.resolver.resolve(r.address)));
    const resolvedAt = flowTrace ? performance.now() : 0;
    const unresolved: Mm5Route[] = [];
    const recipients: StoredRecipient[] = [];
    const now = this.clock.now();
    routes.forEach((route, i) => {
      const rcpt = sub.recipients[i];
      if (route.kind === 'unresolved' || !this.byRoute.has(route.kind)) {
        unresolved.push(
          route.kind === 'unresolved'
            ? route
            : {
                kind: 'unresolved',
                address: rcpt.address,
                reason: `no ${route.kind} interface`,
                transient: false,
                via: route.via,
              },
        );
        return;
      }
      const r: StoredRecipient = {
        address: rcpt.address,
        field: rcpt.field,
        route: route.kind,
        status: 'pending',
        updatedAt: now,
      };
      if ('msisdn' in route && route.msisdn) r.msisdn = route.msisdn;
      if ('domain' in route) r.domain = route.domain;
      if (route.kind === 'mm7') r.domain = route.vasp.vaspId;
      if (route.kind === 'local') {
        r.token = this.ids.newToken();
        r.notifyTransactionId = this.ids.newTransactionId('N');
      }
      recipients.push(r);
    });
    if (recipients.length === 0) {
      const transient = unresolved.some((u) => u.kind === 'unresolved' && u.transient);
      return {
        ok: false,
        reason: 'address-unresolved',
        transient,
        text: unresolved.map((u) => `${u.address}: ${u.kind === 'unresolved' ? u.reason : ''}`).join('; '),
        duplicate: false,
      };
    }
    const maxExpiry = now + this.config.expiry.maxSeconds * 1000;
    const expiresAt = Math.min(sub.expiresAt ?? now + this.config.expiry.defaultSeconds * 1000, maxExpiry);
    const id =
      sub.messageId &&
      isValidId(sub.messageId) &&
      !this.store.get(sub.messageId) &&
      // two forwards of one MM (one per recipient, the same X-Mms-Message-ID) may arrive at once
      !this.creating.has(sub.messageId)
        ? sub.messageId
        : deviates(this.config, 'long-message-id')
          ? `${this.ids.newMessageId()}-${this.ids.hex(14)}`
          : this.ids.newMessageId();
    const meta: StoredMessage = {
      id,
      sender: sub.sender,
      origin: sub.origin,
      ...(sub.originInfo ? { originInfo: sub.originInfo } : {}),
      transactionId: sub.transactionId,
      mmsVersion: sub.mmsVersion,
      receivedAt: now,
      expiresAt,
      ...(sub.deliverAt && sub.deliverAt > now ? { deliverAt: sub.deliverAt } : {}),
      size: sub.pdu.length,
      contentType: sub.contentType,
      ...(sub.subject !== undefined ? { subject: sub.subject } : {}),
      ...(sub.messageClass !== undefined ? { messageClass: sub.messageClass } : {}),
      deliveryReport: sub.deliveryReport,
      readReport: sub.readReport,
      ...(sub.hideSender ? { hideSender: true } : {}),
      recipients,
      conf: { responseStatus: 'Ok' },
      state: 'active',
    };
    // The message and its delivery jobs in one commit (one sync, not two in a row); the jobs run,
    // and the expiry timer starts, only once both are on disk and the message is in the store.
    const drafts = this.deliveryJobs(meta).flatMap((j) => {
      const d = this.outbox.draft('deliver', j.id, j.payload, j.notBefore);
      return d ? [d] : [];
    });
    this.creating.add(id);
    try {
      await this.store.create(
        meta,
        sub.pdu,
        drafts.map((d) => d.record),
      );
    } catch (e) {
      for (const d of drafts) this.outbox.discard(d.job);
      throw e;
    } finally {
      this.creating.delete(id);
    }
    flowTrace?.mark(id, 'resolved', resolvedAt);
    flowTrace?.mark(id, 'stored');
    flowTrace?.mark(id, 'queued'); // the jobs were committed with the message
    for (const d of drafts) this.outbox.admit(d.job);
    this.scheduleExpiry(meta.id, meta.expiresAt);
    if (this.observer.enabled) {
      this.observer.event('MM1', 'stored', { messageId: id, recipients: recipients.length, size: meta.size });
    }
    return { ok: true, message: meta, duplicate: false, unresolved };
  }

  /** The delivery job each pending recipient of an active message needs (deterministic ids). */
  private deliveryJobs(
    m: StoredMessage,
  ): Array<{ id: string; payload: { messageId: string; index: number }; notBefore?: number }> {
    if (m.state !== 'active') return [];
    return m.recipients.flatMap((r, i) =>
      r.status === 'pending'
        ? [{ id: `deliver.${m.id}.${i}`, payload: { messageId: m.id, index: i }, notBefore: m.deliverAt }]
        : [],
    );
  }

  /** Deterministic ids: queuing twice is a no-op. */
  private async queueWork(m: StoredMessage): Promise<void> {
    if (m.state !== 'active') return;
    const jobs = this.deliveryJobs(m).map((j) =>
      this.outbox.enqueue('deliver', j.id, j.payload, j.notBefore),
    );
    this.scheduleExpiry(m.id, m.expiresAt);
    await Promise.all(jobs);
  }

  /**
   * Repairs the queue after a crash: every pending recipient has its delivery job. Only messages
   * the index says have a pending recipient are read from the store.
   */
  async reconcile(): Promise<number> {
    let repaired = 0;
    // one pass over the index, keeping only the ids of messages with a pending recipient (no copy
    // of every summary: at open that would be the whole index at once)
    const pending: string[] = [];
    for (const s of this.store.summaries()) {
      if (s.state !== 'active') continue;
      if (s.pending) pending.push(s.id);
      else this.scheduleExpiry(s.id, s.expiresAt);
    }
    for (const id of pending) {
      const m = this.store.get(id);
      if (!m) continue;
      const before = this.outbox.pending;
      await this.queueWork(m);
      repaired += this.outbox.pending - before;
    }
    if (repaired) this.observer.event('MM1', 'queue-repaired', { jobs: repaired });
    return repaired;
  }

  private async runDeliver(job: Job): Promise<void> {
    const id = String(job.payload.messageId);
    const index = Number(job.payload.index);
    const message = this.store.get(id);
    const recipient = message?.recipients[index];
    if (!message || !recipient || message.state !== 'active' || recipient.status !== 'pending') return;
    // the expire job reports it
    if (this.clock.now() >= message.expiresAt && !deviates(this.config, 'ignore-expiry')) return;
    flowTrace?.mark(id, 'jobStart');
    const module = this.byRoute.get(recipient.route);
    if (!module?.deliver) throw new GiveUp(`no module delivers route ${recipient.route}`);
    if (job.attempts > 0) this.observer.event('MM1', 'retry', { job: job.id, attempt: job.attempts + 1 });
    const onlyFrom: RecipientStatus[] = ['pending'];
    let outcome: DeliveryOutcome;
    try {
      outcome = await module.deliver({
        message,
        recipient,
        index,
        pdu: pduReader(this.store, id),
      });
    } catch (e) {
      // The message expired while this attempt ran (expireNow waits for it): no retry, the
      // copy is expired now.
      if (this.store.get(id)?.state !== 'expired') throw e;
      await this.setRecipientStatus(id, index, 'expired', { onlyFrom });
      return;
    }
    const next: RecipientStatus =
      outcome.status === 'failed' ? 'failed' : recipient.route !== 'local' ? 'forwarded' : 'notified';
    // A forward the peer accepted while the message expired stands (TS 23.140 §8.4.1: the
    // recipient MMSE has it now, its delivery report tells the rest); a copy that is still open
    // here (notified, failed) expires with its message.
    if (this.store.get(id)?.state === 'expired' && next !== 'forwarded') {
      await this.setRecipientStatus(id, index, 'expired', { onlyFrom });
    } else if (outcome.status === 'failed') {
      await this.setRecipientStatus(id, index, 'failed', { reason: outcome.reason, onlyFrom });
    } else {
      await this.setRecipientStatus(id, index, next, { onlyFrom });
    }
    flowTrace?.mark(id, 'notified');
  }

  /** Called when a delivery job is given up for good. */
  async deliveryGivenUp(job: Job): Promise<void> {
    if (job.kind !== 'deliver') return;
    const id = String(job.payload.messageId);
    const index = Number(job.payload.index);
    if (!this.store.get(id)) return;
    await this.setRecipientStatus(id, index, 'failed', {
      reason: job.lastError ?? 'gave up',
      onlyFrom: ['pending'],
    });
  }

  /**
   * Records a recipient's new status and, when the originator asked for delivery reports
   * (and the recipient allowed them), queues the report through the origin module.
   */
  async setRecipientStatus(
    messageId: string,
    index: number,
    status: RecipientStatus,
    opts: {
      reportAllowed?: boolean;
      clientVersion?: string;
      reason?: string;
      onlyFrom?: readonly RecipientStatus[];
    } = {},
  ): Promise<StoredMessage | undefined> {
    if (!this.store.get(messageId)) return undefined;
    let report: string | undefined;
    let changed = false;
    // One recipient's record, not the whole message (store.updateRecipient).
    const m = await this.store.updateRecipient(messageId, index, (r, msg) => {
      // false: nothing changed, so nothing is written (no fsync for a lost race)
      // Guards races such as a notifyresp arriving before the SMSC's submit_sm_resp.
      if (opts.onlyFrom && !opts.onlyFrom.includes(r.status)) return false;
      changed = true;
      r.status = status;
      r.updatedAt = this.clock.now();
      if (opts.reportAllowed !== undefined) r.reportAllowed = opts.reportAllowed;
      if (opts.clientVersion) r.clientVersion = opts.clientVersion;
      if (opts.reason) r.reason = opts.reason;
      const s = REPORTED_STATUS[status];
      const allowed = r.reportAllowed !== false || deviates(this.config, 'ignore-report-allowed');
      if (s && msg.deliveryReport && allowed && !(r.reported ?? []).includes(s)) {
        r.reported = [...(r.reported ?? []), s];
        report = s;
      }
    });
    if (!changed) return m;
    if (this.observer.enabled) {
      this.observer.event('MM1', 'recipient-status', {
        messageId,
        index,
        status,
        ...(opts.reason ? { reason: opts.reason } : {}),
      });
    }
    if (report) {
      await this.outbox.enqueue('report', `report.${messageId}.${index}.d.${report}`, {
        messageId,
        index,
        kind: 'delivery',
        status: report,
        date: this.clock.now(),
      });
    }
    return m;
  }

  /** A read report from a recipient (m-read-rec-ind, MM4 read reply, MM7 ReadReplyReq). */
  async readReport(
    messageId: string,
    index: number,
    readStatus: string,
    date = this.clock.now(),
  ): Promise<void> {
    await this.outbox.enqueue(
      'report',
      `report.${messageId}.${index}.r.${readStatus.replace(/[^A-Za-z0-9-]/g, '')}`,
      {
        messageId,
        index,
        kind: 'read',
        status: readStatus,
        date,
      },
    );
  }

  private async runReport(job: Job): Promise<void> {
    const message = this.store.get(String(job.payload.messageId));
    const index = Number(job.payload.index);
    const recipient = message?.recipients[index];
    if (!message || !recipient) return;
    const module = this.modules.get(message.origin);
    if (!module?.report) throw new GiveUp(`origin ${message.origin} takes no reports`);
    await module.report({
      message,
      recipient,
      kind: job.payload.kind === 'read' ? 'read' : 'delivery',
      status: String(job.payload.status),
      date: new Date(Number(job.payload.date)),
    });
    this.observer.event('MM1', 'report-sent', {
      messageId: message.id,
      kind: String(job.payload.kind),
      status: String(job.payload.status),
    });
  }

  /** Expires message `id` at `expiresAt` (one queue and one timer for all messages). */
  private scheduleExpiry(id: string, expiresAt: number): void {
    if (this.stopped || deviates(this.config, 'ignore-expiry')) return;
    this.expiries.push(expiresAt, id);
    this.armExpiryTimer();
  }

  private armExpiryTimer(): void {
    const next = this.expiries.peekTime();
    if (this.stopped || next >= this.expiryTimerAt) return;
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.expiryTimerAt = next;
    this.expiryTimer = setTimeout(
      () => {
        this.expiryTimer = undefined;
        this.expiryTimerAt = Number.POSITIVE_INFINITY;
        this.expireDue();
      },
      Math.max(0, Math.min(next - this.clock.now(), 2 ** 31 - 1)), // beyond one timer's reach: re-armed
    );
  }

  private expireDue(): void {
    const now = this.clock.now();
    for (let id = this.expiries.popDue(now); id !== undefined; id = this.expiries.popDue(now)) {
      const current = this.store.summary(id);
      if (current?.state !== 'active') continue; // gone, cancelled or expired meanwhile
      if (now < current.expiresAt) {
        this.expiries.push(current.expiresAt, id);
        continue;
      }
      const messageId = id;
      this.expireNow(messageId).catch((e: Error) => {
        this.observer.event('MM1', 'expire-failed', { messageId, error: e.message });
        // retried by the next start's reconcile at the latest
      });
    }
    this.armExpiryTimer();
  }

  /**
   * Purges finished messages older than `retention.finishedSeconds` (see config), checking a few
   * times per retention period and at least every minute. Timers are unref'd.
   */
  startRetention(): void {
    if (this.retentionTimer || this.stopped) return;
    const every = Math.max(50, Math.min(60_000, (this.config.retention.finishedSeconds * 1000) / 4));
    this.retentionTimer = setInterval(() => {
      void this.purgeFinished().catch((e: Error) => {
        this.observer.event('MM1', 'purge-failed', { error: e.message });
      });
    }, every);
    this.retentionTimer.unref();
  }

  /**
   * Removes every message that is finished, kept no MMBox copy, has no pending job and has not
   * changed for the retention period. Returns how many went (one sweep at a time).
   */
  purgeFinished(now = this.clock.now()): Promise<number> {
    this.sweeping ??= this.sweep(now).finally(() => {
      this.sweeping = undefined;
    });
    return this.sweeping;
  }

  private async sweep(now: number): Promise<number> {
    const keepFor = this.config.retention.finishedSeconds * 1000;
    const queued = new Set<string>();
    for (const j of this.outbox.list())
      if (j.payload.messageId !== undefined) queued.add(String(j.payload.messageId));
    const purgeable = (m: MessageSummary, hasJob: (id: string) => boolean) => {
      if (m.mbox > 0 || hasJob(m.id)) return false;
      if (m.state === 'active' && m.open) return false;
      return now - m.lastChange >= keepFor;
    };
    const due: string[] = [];
    // decided on the in-memory index: no message is read for the scan
    for (const m of this.store.summaries()) if (purgeable(m, (id) => queued.has(id))) due.push(m.id);
    let purged = 0;
    // PURGE_CHUNK removals at a time: the journal commits them together (one sync per batch), so
    // purging keeps up with any acceptance rate
    for (let at = 0; at < due.length && !this.stopped; at += PURGE_CHUNK) {
      const jobs = new Set<string>();
      for (const j of this.outbox.list())
        if (j.payload.messageId !== undefined) jobs.add(String(j.payload.messageId));
      const removed = await Promise.all(
        due.slice(at, at + PURGE_CHUNK).map((id) =>
          // Checked again in the message's update queue: a copy stored or a job queued since the
          // scan keeps it.
          this.store.removeIf(id, (m) => purgeable(summarize(m), (mid) => jobs.has(mid))),
        ),
      );
      for (const r of removed) if (r) purged += 1; // its expiry entry is skipped when it comes due
    }
    if (purged > 0) this.observer.event('MM1', 'purged', { messages: purged });
    return purged;
  }

  private readonly stopListeners: Array<() => void> = [];

  /** Called once when the MMSC starts stopping, before the outbox waits for its running jobs. */
  onStop(fn: () => void): void {
    this.stopListeners.push(fn);
  }

  /** Clears timers (the store and the outbox stay as they are). */
  stop(): void {
    if (!this.stopped) for (const fn of this.stopListeners.splice(0)) fn();
    this.stopped = true;
    if (this.retentionTimer) clearInterval(this.retentionTimer);
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.expiryTimer = undefined;
    this.expiryTimerAt = Number.POSITIVE_INFINITY;
  }

  private async expireNow(id: string): Promise<void> {
    if (deviates(this.config, 'ignore-expiry')) return;
    const m = this.store.get(id);
    if (m?.state !== 'active') return;
    if (this.clock.now() < m.expiresAt) return;
    const open = m.recipients.map((r, i) => ({ r, i })).filter(({ r }) => isOpen(r.status));
    await this.store.update(id, (msg) => {
      msg.state = 'expired';
      msg.stateChangedAt = this.clock.now();
    });
    // A delivery attempt in flight is waited for: a forward the peer accepts meanwhile is
    // Forwarded, not reported Expired; a copy it leaves open (pending, notified) expires after it.
    const inFlight: Array<{ i: number; attempt: Promise<void> }> = [];
    for (const { i } of open) {
      const job = `deliver.${id}.${i}`;
      const attempt = this.outbox.attemptInFlight(job);
      if (attempt) {
        inFlight.push({ i, attempt });
        continue;
      }
      await this.outbox.cancel(job);
      await this.setRecipientStatus(id, i, 'expired', { onlyFrom: OPEN_STATUSES });
    }
    for (const { i, attempt } of inFlight) {
      await attempt;
      await this.outbox.cancel(`deliver.${id}.${i}`); // a retry it scheduled
      await this.setRecipientStatus(id, i, 'expired', { onlyFrom: OPEN_STATUSES });
    }
    this.observer.event('MM1', 'expired', { messageId: id, recipients: open.length });
  }

  /** Cancels a message (MM7 CancelReq, operator action): no further delivery, locations go 404. */
  async cancel(messageId: string): Promise<StoredMessage | undefined> {
    const m = this.store.get(messageId);
    if (m?.state !== 'active') return m;
    const updated = await this.store.update(messageId, (msg) => {
      msg.state = 'cancelled';
      msg.stateChangedAt = this.clock.now();
    });
    for (let i = 0; i < m.recipients.length; i++) await this.outbox.cancel(`deliver.${messageId}.${i}`);
    this.observer.event('MM1', 'cancelled', { messageId });
    for (const mod of this.modules.values()) {
      await mod
        .cancelled?.(updated)
        .catch((e: Error) => this.observer.event(mod.iface, 'cancel-push-failed', { error: e.message }));
    }
    return updated;
  }

  /** Subscriber MSISDN -> highest MMS version its client used (learned from every PDU it sends). */
  noteClientVersion(msisdn: string | undefined, version: string | undefined): void {
    if (!msisdn || !version) return;
    const prev = this.clientVersions.get(msisdn);
    if (prev && compareVersions(version, prev) <= 0) return;
    this.clientVersions.delete(msisdn); // the most recently raised goes last
    this.clientVersions.set(msisdn, version);
    if (this.clientVersions.size > CLIENT_VERSIONS_KEPT)
      this.clientVersions.delete(this.clientVersions.keys().next().value!);
  }
}

/** Finished messages removed at once by a retention sweep. */
const PURGE_CHUNK = 128;

/** Subscribers whose client version is remembered (about 80 bytes each). */
const CLIENT_VERSIONS_KEPT = 100_000;

/** Reads a stored PDU on demand (a returned closure: no keep-names helper call per delivery). */
function pduReader(store: MessageStore, id: string): () => Promise<Uint8Array> {
  return () => store.readPdu(id);
}

/** Compares `major.minor` MMS versions. */
export function compareVersions(a: string, b: string): number {
  if (a === b) return 0;
  // the usual one-digit `M.N` on both sides (every PDU goes through here): no splitting
  if (a.length === 3 && b.length === 3 && a.charCodeAt(1) === 0x2e && b.charCodeAt(1) === 0x2e) {
    const am = a.charCodeAt(0) - 0x30;
    const an = a.charCodeAt(2) - 0x30;
    const bm = b.charCodeAt(0) - 0x30;
    const bn = b.charCodeAt(2) - 0x30;
    if (am >= 0 && am <= 9 && an >= 0 && an <= 9 && bm >= 0 && bm <= 9 && bn >= 0 && bn <= 9) {
      return am - bm || an - bn;
    }
  }
  const [am, an] = a.split('.').map(Number);
  const [bm, bn] = b.split('.').map(Number);
  return am - bm || (an || 0) - (bn || 0);
}

export function lowerVersion(a: string, b: string): string {
  return compareVersions(a, b) <= 0 ? a : b;
}
