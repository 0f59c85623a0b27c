import http from 'node:http';
import { tapHttpAgent } from '../../wire/tap.ts';
import type { Timeline } from '../../wire/timeline.ts';
import type { PapRouteConfig } from '../config.ts';
import { type IdSource, SYSTEM_IDS } from '../ids.ts';
import type { MmscObserver } from '../observer.ts';
import { GiveUp, RetryLater } from '../store/outbox.ts';
import type { PushSender } from './push-sender.ts';

/**
 * WAP push through a push proxy gateway: a PAP 2.0 push-message (WAP-247-PAP §9) in a
 * multipart/related entity — the PAP control document, then the MMS PDU as
 * application/vnd.wap.mms-message — POSTed to the PPG, which answers push-response.
 * PAP result codes (WAP-247 §9.13): 1xxx accepted; 2xxx client errors (retrying the same
 * push cannot help: given up); 3xxx/4xxx server and service failures (retried).
 */
export class PapPushSender implements PushSender {
  readonly kind = 'pap' as const;
  private readonly agent: http.Agent;

  constructor(
    private readonly route: PapRouteConfig,
    private readonly observer: MmscObserver,
    timeline?: Timeline,
    private readonly ids: Pick<IdSource, 'hex'> = SYSTEM_IDS,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
    if (timeline) {
      tapHttpAgent(this.agent, {
        timeline,
        node: observer.node,
        role: 'mmsc',
        iface: 'PAP',
        peerNode: 'ppg',
        peerRole: 'ppg',
      });
    }
  }

  start(): void {}

  async stop(): Promise<void> {
    this.agent.destroy();
  }

  async push(msisdn: string, pdu: Uint8Array, label: string): Promise<void> {
    const pushId = `${label}.${this.ids.hex(6)}`;
    const boundary = `mmsc-${this.ids.hex(8)}`;
    const notify = this.route.notifyUrl ? ` ppg-notify-requested-to="${xmlAttr(this.route.notifyUrl)}"` : '';
    const control =
      '<?xml version="1.0"?>\r\n' +
      '<!DOCTYPE pap PUBLIC "-//WAPFORUM//DTD PAP 2.0//EN" "http://www.wapforum.org/DTD/pap_2.0.dtd">\r\n' +
      `<pap><push-message push-id="${xmlAttr(pushId)}"${notify}>` +
      `<address address-value="WAPPUSH=+${msisdn}/TYPE=PLMN@${xmlAttr(this.route.addressDomain)}"/>` +
      '<quality-of-service delivery-method="unconfirmed"/>' +
      '</push-message></pap>';
    const head =
      `--${boundary}\r\nContent-Type: application/xml\r\n\r\n${control}\r\n` +
      `--${boundary}\r\nContent-Type: application/vnd.wap.mms-message\r\n` +
      'X-Wap-Application-Id: x-wap-application:mms.ua\r\n\r\n';
    const body = Buffer.concat([
      Buffer.from(head, 'latin1'),
      Buffer.from(pdu),
      Buffer.from(`\r\n--${boundary}--\r\n`, 'latin1'),
    ]);
    this.observer.message(
      'PAP',
      'out',
      'push-message',
      { pushId, address: `+${msisdn}/TYPE=PLMN`, contentLength: pdu.length },
      { peer: 'ppg' },
    );
    let status: number;
    let text: string;
    try {
      ({ status, text } = await post(
        this.route.url,
        body,
        `multipart/related; boundary=${boundary}; type="application/xml"`,
        this.agent,
      ));
    } catch (e) {
      throw new RetryLater(`PPG unreachable: ${(e as Error).message}`);
    }
    const code = /code="(\d{4})"/.exec(text)?.[1];
    this.observer.message(
      'PAP',
      'in',
      'push-response',
      { pushId, httpStatus: status, code: code ?? null },
      { peer: 'ppg' },
    );
    if (status >= 500) throw new RetryLater(`PPG HTTP ${status}`);
    if (!code) throw new RetryLater(`PPG answered HTTP ${status} without a PAP result code`);
    if (code.startsWith('1')) return;
    if (code.startsWith('2')) throw new GiveUp(`PPG refused the push: ${code}`);
    throw new RetryLater(`PPG result ${code}`);
  }
}

function xmlAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

function post(
  url: string,
  body: Buffer,
  contentType: string,
  agent: http.Agent,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': contentType, 'content-length': body.length },
        timeout: 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size <= 65_536) chunks.push(c);
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}
