import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMime, mimePart, parseMime } from '../../src/codec/mime/index.ts';
import { bytesToJson, type JsonObject } from '../../src/util/json.ts';
import { Timeline } from '../../src/wire/timeline.ts';
import { MailMta } from './mail-mta.ts';

// The robustness additions of the mail peer: `send {raw}` (exact octets), filler attachments
// (`size`), and `clear-behaviours` (an MTA that recovers mid-case).
describe('MailMta send raw / size / clear-behaviours', () => {
  const timeline = new Timeline();
  const sender = new MailMta({ name: 'sender', domains: ['example.com'] });
  const target = new MailMta({ name: 'target', domains: ['mms.example.org'] });
  beforeAll(async () => {
    await sender.start({ timeline, host: '127.0.0.1' });
    const t = (await target.start({ timeline, host: '127.0.0.1' }))[0].url;
    sender.setTarget(t);
  });
  afterAll(async () => {
    await sender.stop();
    await target.stop();
  });

  it('sends the raw octets given (SMTP carries lines as CRLF, RFC 5321 §2.3.8)', async () => {
    const raw = 'From: a@example.com\nTo: b@mms.example.org\nSubject: no Date\n\nbody line\n';
    const r = (await sender.actions.send({
      from: 'a@example.com',
      to: 'b@mms.example.org',
      raw,
    })) as JsonObject;
    expect(r.code).toBe(250);
    const box = (await target.actions.mailbox({ raw: true, clear: true })) as JsonObject;
    const m = (box.messages as JsonObject[])[0];
    const got = Buffer.from((m.raw as { $base64: string }).$base64, 'base64').toString('latin1');
    expect(got).toBe(raw.replace(/\n/g, '\r\n'));
    // Nothing was composed around it: the mail lacks Date and Message-ID, and the MTA says so.
    expect(m.valid).toBe(false);
  });

  it('a single-part body without a final line break keeps its exact octets across SMTP (sent as base64)', async () => {
    for (const text of ['hello rita', 'two\r\nlines', 'ends in CR\r']) {
      const entity = mimePart('text/plain', text, {
        headers: [
          { name: 'From', value: 'a@example.com' },
          { name: 'To', value: 'b@mms.example.org' },
        ],
      });
      const r = (await sender.actions.send({
        from: 'a@example.com',
        to: 'b@mms.example.org',
        raw: bytesToJson(buildMime(entity)),
      })) as JsonObject;
      expect(r.code).toBe(250);
      const box = (await target.actions.mailbox({ raw: true, clear: true })) as JsonObject;
      const m = (box.messages as JsonObject[])[0];
      const received = parseMime(Buffer.from((m.raw as { $base64: string }).$base64, 'base64'));
      expect(Buffer.from(received.body).toString('latin1')).toBe(text);
    }
  });

  it('gives an attachment of `size` filler octets', async () => {
    const r = (await sender.actions.send({
      from: 'a@example.com',
      to: 'b@mms.example.org',
      text: 'x',
      attachments: [{ filename: 'f.bin', contentType: 'application/octet-stream', size: 3000 }],
    })) as JsonObject;
    expect(r.code).toBe(250);
    const box = (await target.actions.mailbox({ clear: true })) as JsonObject;
    const att = ((box.messages as JsonObject[])[0].attachments as JsonObject[])[0];
    expect(att.size).toBe(3000);
  });

  it('clear-behaviours ends a scripted SMTP error', async () => {
    target.use({ kind: 'smtp-error', code: 451 });
    const refused = (await sender.actions.send({
      from: 'a@example.com',
      to: 'b@mms.example.org',
      text: 'x',
      retry: 0,
    })) as JsonObject;
    expect(refused.code).toBe(451);
    expect(await target.actions['clear-behaviours']({})).toEqual({ cleared: true });
    const ok = (await sender.actions.send({
      from: 'a@example.com',
      to: 'b@mms.example.org',
      text: 'x',
    })) as JsonObject;
    expect(ok.code).toBe(250);
  });

  it('tries a mail deferred with 4xx again, as an MTA would (RFC 5321 §4.5.4.1), each attempt observed', async () => {
    target.use({ kind: 'smtp-error', code: 451 });
    const attempts: JsonObject[] = [];
    const stop = timeline.subscribe((o) => {
      if (o.kind !== 'message' || o.type !== 'email' || o.node !== 'sender') return;
      attempts.push(o.fields as JsonObject);
      // the target recovers after the first deferral
      if (attempts.length === 1) void target.actions['clear-behaviours']({});
    });
    try {
      const r = (await sender.actions.send({
        from: 'a@example.com',
        to: 'b@mms.example.org',
        text: 'x',
        retryDelay: '500ms',
      })) as JsonObject;
      expect(r.code).toBe(250);
    } finally {
      stop();
    }
    expect(attempts.map((a) => (a.result as JsonObject).code)).toEqual([451, 250]);
    expect(attempts[1]?.attempt).toBe(2);
    await target.actions.mailbox({ clear: true });
    // a permanent refusal is final: one attempt
    target.use({ kind: 'smtp-error', code: 554 });
    attempts.length = 0;
    const stop2 = timeline.subscribe((o) => {
      if (o.kind === 'message' && o.type === 'email' && o.node === 'sender')
        attempts.push(o.fields as JsonObject);
    });
    const refused = (await sender.actions.send({
      from: 'a@example.com',
      to: 'b@mms.example.org',
      text: 'x',
    })) as JsonObject;
    stop2();
    expect(refused.code).toBe(554);
    expect(attempts).toHaveLength(1);
    await target.actions['clear-behaviours']({});
    await expect(
      sender.actions.send({ from: 'a@example.com', to: 'b@mms.example.org', text: 'x', retry: -1 }),
    ).rejects.toThrow(/retry/);
  });

  it('refuses a raw value that is neither text nor base64', async () => {
    await expect(
      sender.actions.send({ from: 'a@example.com', to: 'b@mms.example.org', raw: 42 }),
    ).rejects.toThrow(/raw/);
  });
});
