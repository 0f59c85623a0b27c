/**
 * A small suite over the real HLR and SMSC peers and the test clients of loopback-clients.ts,
 * used by the runner e2e test and the report tests: it passes, fails on purpose (SHALL and
 * SHOULD), has a known failure, a broken peer and an overrun deadline.
 */
export const E2E_SUITE = `suite: e2e
interfaces: [SMPP]
cases:
  - id: e2e.enum.001
    title: ENUM NAPTR for a subscriber
    interfaces: [MM5]
    requirements: [{ spec: RFC 6116, clause: '3.2', level: SHALL }]
    peers:
      hlr: { subscribers: [{ msisdn: '+15550001', mcc: '310', mnc: '001' }] }
      enum-client: { server: '{{hlr.endpoints.dns}}' }
    steps:
      - do: enum-client.naptr
        with: { number: '+15550001' }
        save: naptr
      - expect:
          message: NAPTR
          node: hlr
          direction: out
          where: { rcode: NOERROR, answers.0.data.services: { pattern: 'mms' } }
  - id: e2e.smpp.submit
    title: A submit_sm is accepted
    requirements: [{ spec: SMPP 3.4, clause: '4.4', level: SHALL }]
    peers: { smsc: true, esme: { smsc: '{{smsc.url}}' } }
    steps:
      - do: esme.bind
      - do: esme.submit
        with: { to: '15550002', text: 'hello {{faker.person.firstName}}' }
        save: sub
      - expect: { message: submit_sm, node: smsc, direction: in, where: { destination_addr: '15550002' } }
      - expect: { message: submit_sm_resp, node: smsc, where: { command_status: { pattern: 'ESME_ROK|^0$' } } }
  - id: e2e.smpp.throttled
    title: Deliberately failing - expects Ok while the SMSC throttles
    requirements: [{ spec: SMPP 3.4, clause: '5.1.3', level: SHALL }]
    peers: { smsc: true, esme: { smsc: '{{smsc.url}}' } }
    steps:
      - behaviour: { peer: smsc, kind: throttle, after: 0 }
      - do: esme.bind
      - do: esme.submit
        with: { to: '15550002', text: x }
      - expect: { message: submit_sm_resp, node: smsc, where: { command_status: ESME_ROK }, within: 300ms }
  - id: e2e.smpp.should
    title: Failing SHOULD - expects no submit_sm_resp at all
    requirements: [{ spec: SMPP 3.4, clause: '2.7', level: SHOULD }]
    peers: { smsc: true, esme: { smsc: '{{smsc.url}}' } }
    steps:
      - do: esme.bind
      - do: esme.submit
        with: { to: '15550003' }
      - expect-none: { message: submit_sm_resp, within: 300ms }
  - id: e2e.smpp.known
    title: Known failure - listed in the expectations
    peers: { smsc: true }
    steps:
      - expect: { message: submit_sm, within: 100ms }
  - id: e2e.smpp.broken-peer
    title: The SMSC drops the connection, the action breaks
    peers: { smsc: true, esme: { smsc: '{{smsc.url}}' } }
    steps:
      - behaviour: { peer: smsc, kind: drop-connection, after: 0 }
      - do: esme.bind
      - do: esme.submit
        with: { to: '15550004' }
        timeout: 2s
  - id: e2e.deadline
    title: The case overruns its deadline
    timeout: 300ms
    peers: { smsc: true }
    steps:
      - wait: 5s
`;
