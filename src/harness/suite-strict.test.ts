import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatDiagnostic } from './suite-diagnostics.ts';
import { loadSuites } from './suite-loader.ts';

/**
 * Strict suites (issue 16 item 1): each kind of typo is a load error at its file:line:col with
 * the name it was probably meant to be. One valid suite; each row misspells one name in it.
 */
const VALID = `suite: strict
peers: { ue: [alice, bob], smsc: {}, hlr: {}, wap-gateway: {} }
cases:
  - id: strict.001
    title: a typo never passes
    requirements: [{ spec: OMA-TS-MMS_ENC-V1_3, clause: '6.1', level: SHALL }]
    steps:
      - behaviour: { peer: ue.bob, kind: deferred }
      - do: ue.alice.send
        with:
          to: '{{ue.bob.msisdn}}'
          parts: [{ contentType: text/plain, text: hi }]
          headers: { X-Mms-Priority: High, X-Custom-Trace: t-1 }
      - expect:
          message: m-send-conf
          node: ue.alice
          peer: mmsc
          where: { X-Mms-Response-Status: Ok, Message-ID: { present: true } }
          within: 2s
      - expect: { message: submit_sm, node: smsc, where: { destination_addr: { pattern: '\\\\d+' } } }
      - expect-none: { message: m-retrieve-conf, node: ue.bob, within: 200ms }
      - expect-none:
          message: m-retrieve-conf
          node: ue.bob
          where: { parts.0.params.charset: utf-8, parts.1.contentId: <a>, contentTypeParams.start: <a> }
          within: 10ms
      - behaviour: { peer: smsc, kind: throttle, after: 0 }
      - expect: { event: retrieval-failed, node: ue.bob, within: 100ms }
      - expect:
          anyOf:
            - { event: http-response, node: ue.alice, where: { status: 404 } }
            - { message: m-notification-ind, node: ue.bob, where: { X-Mms-Content-Location: { present: true } } }
  - id: strict.002
    title: MM4 and MM7 field names
    requirements: [{ spec: 3GPP TS 23.140, clause: '8.4.1', level: SHALL }]
    peers: { remote-mmsc: {}, vasp: {} }
    steps:
      - do: vasp.submit
        with: { to: '{{ue.bob.msisdn}}', text: hi }
      - do: remote-mmsc.forward
        with: { to: '{{ue.bob.msisdn}}', headers: { X-Mms-Sender-Visibility: Hide, X-Vendor-Tag: v-1 } }
      - expect: { message: SubmitRsp, node: vasp, where: { fields.Status.StatusCode: '1000' } }
      - expect: { message: MM4_forward.REQ, node: remote-mmsc, where: { headers.X-Mms-Message-ID: { present: true } } }
`;

/** [kind of typo, the correct text, the typo, the message expected (with its suggestion)] */
const TYPOS: Array<[string, string, string, RegExp]> = [
  ['suite key', 'suite: strict', 'suit: strict', /unknown key "suit" \(did you mean "suite"\?\)/],
  ['case key', '    title: a typo', '    titel: a typo', /unknown key "titel" \(did you mean "title"\?\)/],
  [
    'step kind',
    '      - expect-none:',
    '      - expect-nnoe:',
    /a step needs one of.*\(did you mean "expect-none"\?\)/,
  ],
  [
    'expectation key',
    '          within: 2s',
    '          withn: 2s',
    /unknown key "withn" \(did you mean "within"\?\)/,
  ],
  ['matcher key', "{ pattern: '", "{ patern: '", /unknown key "patern" \(did you mean "pattern"\?\)/],
  ['requirement key', "clause: '6.1'", "clasue: '6.1'", /unknown key "clasue" \(did you mean "clause"\?\)/],
  ['action', 'do: ue.alice.send', 'do: ue.alice.sned', /ue has no action "sned" \(did you mean "send"\?\)/],
  [
    'action parameter',
    '          parts: [{',
    '          partz: [{',
    /action "send" has no parameter "partz" \(did you mean "parts"\?\)/,
  ],
  [
    'action parameter (vasp)',
    "msisdn}}', text: hi }\n",
    "msisdn}}', txet: hi }\n",
    /action "submit" has no parameter "txet" \(did you mean "text"\?\)/,
  ],
  ['peer kind', 'smsc: {}, hlr', 'smcs: {}, hlr', /unknown peer kind "smcs" \(did you mean "smsc"\?\)/],
  [
    'peer kind (case)',
    'peers: { remote-mmsc: {}',
    'peers: { remote-mmcs: {}',
    /unknown peer kind "remote-mmcs" \(did you mean "remote-mmsc"\?\)/,
  ],
  [
    'node in do',
    'do: ue.alice.send',
    'do: ue.alise.send',
    /no node "ue.alise" in this case \(did you mean "ue.alice"\?\)/,
  ],
  [
    'node in expect',
    'node: ue.alice',
    'node: ue.alcie',
    /node: no node "ue.alcie" in this case \(did you mean "ue.alice"\?\)/,
  ],
  [
    'peer in expect',
    'peer: mmsc',
    'peer: msmc',
    /peer: no node "msmc" in this case \(did you mean "mmsc"\?\)/,
  ],
  [
    'behaviour peer',
    'peer: ue.bob, kind',
    'peer: ue.bbo, kind',
    /behaviour: no node "ue.bbo" in this case \(did you mean "ue.bob"\?\)/,
  ],
  [
    'message type',
    'message: m-send-conf',
    'message: m-send-cnof',
    /unknown message type "m-send-cnof" \(did you mean "m-send-conf"\?\)/,
  ],
  [
    'message type (SMPP)',
    'message: submit_sm,',
    'message: submit_sn,',
    /unknown message type "submit_sn" \(did you mean "submit_sm"\?\)/,
  ],
  [
    'MMS header',
    'X-Mms-Response-Status: Ok',
    'X-Mms-Respone-Status: Ok',
    /unknown MMS header "X-Mms-Respone-Status" \(did you mean "X-Mms-Response-Status"\?\) in m-send-conf/,
  ],
  [
    'SMPP field',
    'destination_addr: {',
    'destinaton_addr: {',
    /unknown SMPP field "destinaton_addr" \(did you mean "destination_addr"\?\)/,
  ],
  [
    'MM7 element',
    'fields.Status.StatusCode',
    'fields.Staus.StatusCode',
    /unknown MM7 element "Staus" \(did you mean "Status"\?\)/,
  ],
  [
    'MM4 header',
    'headers.X-Mms-Message-ID',
    'headers.X-Mms-Mesage-ID',
    /unknown MM4 header "X-Mms-Mesage-ID" \(did you mean "X-Mms-Message-ID"\?\)/,
  ],
  [
    'behaviour kind',
    'kind: throttle',
    'kind: throtle',
    /behaviour: smsc has no behaviour "throtle" \(did you mean "throttle"\?\)/,
  ],
  [
    'behaviour kind (handset)',
    'kind: deferred',
    'kind: defered',
    /behaviour: ue has no behaviour "defered" \(did you mean "deferred"\?\)/,
  ],
  [
    'behaviour parameter',
    'throttle, after: 0',
    'throttle, aftr: 0',
    /behaviour: smsc behaviour "throttle" has no parameter "aftr" \(did you mean "after"\?\)/,
  ],
  [
    'event name',
    'event: retrieval-failed',
    'event: retreival-failed',
    /event: unknown event "retreival-failed" \(did you mean "retrieval-failed"\?\)/,
  ],
  [
    'event name (anyOf alternative)',
    'event: http-response',
    'event: http-respnose',
    /event: unknown event "http-respnose" \(did you mean "http-response"\?\)/,
  ],
  [
    'message type (anyOf alternative)',
    'message: m-notification-ind',
    'message: m-notificaton-ind',
    /unknown message type "m-notificaton-ind" \(did you mean "m-notification-ind"\?\)/,
  ],
  [
    'MMS header (anyOf alternative)',
    'X-Mms-Content-Location: {',
    'X-Mms-Content-Locaton: {',
    /unknown MMS header "X-Mms-Content-Locaton" \(did you mean "X-Mms-Content-Location"\?\)/,
  ],
  [
    'part field',
    'parts.1.contentId: <a>',
    'parts.1.contentID2: <a>',
    /unknown part field "contentID2" \(did you mean "contentId"\?\)/,
  ],
  [
    'part Content-Type parameter',
    'parts.0.params.charset: utf-8',
    'parts.0.params.charst: utf-8',
    /unknown Content-Type parameter \(WAP-230-WSP §8.4.2.4\) "charst" \(did you mean "charset"\?\)/,
  ],
  [
    'part index',
    'parts.1.contentId: <a>',
    'parts.x.contentId: <a>',
    /"parts" is a list: parts.<index>.<field>, not parts.x/,
  ],
  [
    'Content-Type parameter of the PDU',
    'contentTypeParams.start: <a>',
    'contentTypeParams.strat: <a>',
    /unknown Content-Type parameter \(WAP-230-WSP §8.4.2.4\) "strat" \(did you mean "start"\?\)/,
  ],
  [
    'node (anyOf alternative)',
    'event: http-response, node: ue.alice',
    'event: http-response, node: ue.alcie',
    /node: no node "ue.alcie" in this case \(did you mean "ue.alice"\?\)/,
  ],
  [
    'MMS field in a header map (an application header this near a field is a slip)',
    'X-Mms-Priority: High',
    'X-Mms-Priorty: High',
    /with: headers: "X-Mms-Priorty" is not a field name, did you mean "X-Mms-Priority"\?/,
  ],
  [
    'MMS field in a header map, wrong case',
    'X-Mms-Priority: High',
    'x-mms-priority: High',
    /with: headers: "x-mms-priority" is not a field name, did you mean "X-Mms-Priority"\?/,
  ],
  [
    'MM4 field in a header map',
    'X-Mms-Sender-Visibility: Hide',
    'X-Mms-Sender-Visiblity: Hide',
    /with: headers: "X-Mms-Sender-Visiblity" is not a field name, did you mean "X-Mms-Sender-Visibility"\?/,
  ],
  [
    'key of a list parameter item',
    'parts: [{ contentType: text/plain',
    'parts: [{ contentTyp: text/plain',
    /with: parts\[0\]: no key "contentTyp" in an item of ue "send" parts \(did you mean "contentType"\?\)/,
  ],
];

const dir = mkdtempSync(path.join(os.tmpdir(), 'mmscert-strict-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function load(text: string, name: string) {
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(file, text);
  return loadSuites({ root: dir, files: [file] });
}

describe('strict suites', () => {
  it('the valid suite loads clean', async () => {
    const r = await load(VALID, 'valid');
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(r.cases).toHaveLength(2);
  });

  it.each(TYPOS)('refuses a misspelt %s, with a suggestion', async (kind, good, bad, message) => {
    expect(VALID.includes(good), `${kind}: the valid suite has "${good}"`).toBe(true);
    const name = kind.replace(/\W+/g, '-');
    const text = VALID.replace(good, bad);
    // reported on the line of the typo
    const line = text.split('\n').findIndex((l) => l.includes(bad.split('\n')[0].trim())) + 1;
    const r = await load(text, name);
    const lines = r.diagnostics.map(formatDiagnostic);
    expect(
      lines.some((l) => message.test(l)),
      lines.join('\n'),
    ).toBe(true);
    const d = r.diagnostics.find((x) => message.test(formatDiagnostic(x)));
    expect(d?.line).toBe(line);
    expect(d?.col).toBeGreaterThan(0);
    expect(d?.file).toMatch(new RegExp(`${name}\\.yaml$`));
  });

  it('a parameter is refused at run time too (the action table is the peer own)', async () => {
    const { Handset } = await import('../../mocks/ue/handset.ts');
    const ue = new Handset({ name: 'a', msisdn: '+15550001' });
    await expect(ue.actions.send({ partz: [] })).rejects.toThrow(/unknown parameter partz/);
  });
});
