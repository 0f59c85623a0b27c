import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ResetError, ResetSchedule, runReset, tail } from './target-reset.ts';

const servers: http.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise<void>((r) => s.close(() => r()));
});

async function server(handler: http.RequestListener): Promise<string> {
  const s = http.createServer(handler);
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}/reset`;
}

describe('runReset: command', () => {
  it('runs under /bin/sh -c with MMSCERT_CASE_ID and MMSCERT_SUITE', async () => {
    const r = await runReset(
      { command: 'echo "reset $MMSCERT_CASE_ID of $MMSCERT_SUITE"', timeoutMs: 5000, every: 'case' },
      { caseId: 'mm1.send.001', suite: 'mm1.send' },
    );
    expect(r.output).toBe('reset mm1.send.001 of mm1.send');
  });

  it("runs in the given folder (the config file's)", async () => {
    const r = await runReset({ command: 'pwd', cwd: '/tmp', timeoutMs: 5000, every: 'run' });
    expect(r.output).toBe('/tmp');
  });

  it('a failing command is a ResetError with its exit code and the tail of stdout and stderr', async () => {
    const e = await runReset(
      { command: 'echo flushing queues; echo "store locked" >&2; exit 3', timeoutMs: 5000, every: 'case' },
      { caseId: 'x.1' },
    ).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ResetError);
    expect((e as Error).message).toBe(
      'reset command failed (exit 3) before x.1: echo flushing queues; echo "store locked" >&2; exit 3\n' +
        '  stdout:\n    flushing queues\n  stderr:\n    store locked',
    );
  });

  it('a command that overruns its timeout is killed (with what it started) and is a ResetError', async () => {
    const t0 = Date.now();
    const e = await runReset({ command: 'echo starting; sleep 30', timeoutMs: 300, every: 'case' }).catch(
      (x: unknown) => x,
    );
    expect(Date.now() - t0).toBeLessThan(3000);
    expect((e as Error).message).toMatch(
      /^reset command timed out after 300 ms: echo starting; sleep 30\n {2}stdout:\n {4}starting$/,
    );
  });
});

describe('runReset: url', () => {
  it('POSTs {case, suite} and accepts 2xx', async () => {
    let body = '';
    let method = '';
    const url = await server((req, res) => {
      method = req.method ?? '';
      req.on('data', (d) => {
        body += d;
      });
      req.on('end', () => res.end('ok'));
    });
    const r = await runReset({ url, timeoutMs: 2000, every: 'suite' }, { caseId: 'a.1', suite: 'a' });
    expect(method).toBe('POST');
    expect(JSON.parse(body)).toEqual({ case: 'a.1', suite: 'a' });
    expect(r.output).toBe('ok');
  });

  it('a non-2xx answer is a ResetError with the body', async () => {
    const url = await server((_req, res) => {
      res.statusCode = 503;
      res.end('database busy');
    });
    await expect(runReset({ url, timeoutMs: 2000, every: 'case' })).rejects.toThrow(
      /^reset POST http:\/\/127\.0\.0\.1:\d+\/reset: HTTP 503 Service Unavailable\n {2}body:\n {4}database busy$/,
    );
  });

  it('no answer within the timeout is a ResetError', async () => {
    const url = await server(() => undefined);
    await expect(runReset({ url, timeoutMs: 200, every: 'case' })).rejects.toThrow(/no answer within 200 ms/);
  });
});

describe('ResetSchedule', () => {
  it('every case, every suite change, or once at open', () => {
    const suites = ['a', 'a', 'b', 'b', 'a'];
    const due = (every: 'case' | 'suite' | 'run') => {
      const s = new ResetSchedule({ command: 'true', timeoutMs: 1, every });
      return { open: s.atOpen(), cases: suites.map((x) => s.beforeCase(x)) };
    };
    expect(due('case')).toEqual({ open: false, cases: [true, true, true, true, true] });
    expect(due('suite')).toEqual({ open: false, cases: [true, false, true, false, true] });
    expect(due('run')).toEqual({ open: true, cases: [false, false, false, false, false] });
  });
});

describe('tail', () => {
  it('keeps the last characters on a line boundary', () => {
    expect(tail('one\ntwo\nthree\n', 9)).toBe('…three');
    expect(tail('short\n')).toBe('short');
  });
});
