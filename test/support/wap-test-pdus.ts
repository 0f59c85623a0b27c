/**
 * Hand-encoded MMS PDUs for the tests of mocks/wap-gateway and mocks/ue, written octet by
 * octet from OMA-TS-MMS_ENC-V1_3 §7 (field codes in Table 25 of §7.4, values in §7.3) so the
 * tests do not check the codec against itself.
 */
const ascii = (s: string) => [...Buffer.from(`${s}\0`, 'latin1')];

/** WAP-230 §8.1.2 uintvar: 7 bits per octet, most significant first, continuation bit 0x80. */
function uintvar(n: number): number[] {
  const out = [n & 0x7f];
  for (let v = n >>> 7; v > 0; v >>>= 7) out.unshift((v & 0x7f) | 0x80);
  return out;
}

/** m-send-req: Transaction-ID, MMS 1.2, From insert-address-token, To, multipart.mixed with one text/plain part. */
export function handSendReq(tid: string, to: string, text: string): Uint8Array {
  const data = [...Buffer.from(text, 'latin1')];
  return Uint8Array.from([
    0x8c,
    0x80, // X-Mms-Message-Type: m-send-req
    0x98,
    ...ascii(tid), // X-Mms-Transaction-ID
    0x8d,
    0x92, // X-Mms-MMS-Version: 1.2
    0x89,
    0x01,
    0x81, // From: value-length 1, Insert-address-token
    0x97,
    ...ascii(to), // To
    0x84,
    0xa3, // Content-Type: application/vnd.wap.multipart.mixed
    0x01, // one part
    0x01,
    ...uintvar(data.length),
    0x83,
    ...data, // headers len 1, data len, text/plain, data
  ]);
}

/** m-send-conf: Response-Status Ok and a Message-ID. */
export function handSendConf(tid: string, messageId: string): Uint8Array {
  return Uint8Array.from([
    0x8c,
    0x81, // m-send-conf
    0x98,
    ...ascii(tid),
    0x8d,
    0x92,
    0x92,
    0x80, // X-Mms-Response-Status: Ok
    0x8b,
    ...ascii(messageId), // Message-ID
  ]);
}

/** m-notification-ind (§6.2): class Personal, size, expiry (relative), content location. */
export function handNotificationInd(tid: string, from: string, size: number, location: string): Uint8Array {
  return Uint8Array.from([
    0x8c,
    0x82, // m-notification-ind
    0x98,
    ...ascii(tid),
    0x8d,
    0x92,
    0x89,
    from.length + 2,
    0x80,
    ...ascii(from), // From: value-length, Address-present-token, address
    0x8a,
    0x80, // X-Mms-Message-Class: Personal
    0x8e,
    0x03,
    (size >> 16) & 0xff,
    (size >> 8) & 0xff,
    size & 0xff, // X-Mms-Message-Size: long-integer, 3 octets
    0x88,
    0x05,
    0x81,
    0x03,
    0x01,
    0x51,
    0x80, // X-Mms-Expiry: relative, 86400 s
    0x83,
    ...ascii(location), // X-Mms-Content-Location
  ]);
}

/** m-retrieve-conf: Message-ID, From, Date, multipart.mixed with one text/plain part. */
export function handRetrieveConf(messageId: string, from: string, text: string): Uint8Array {
  const data = [...Buffer.from(text, 'latin1')];
  return Uint8Array.from([
    0x8c,
    0x84, // m-retrieve-conf
    0x8d,
    0x92,
    0x8b,
    ...ascii(messageId),
    0x85,
    0x04,
    0x65,
    0x00,
    0x00,
    0x00, // Date: long-integer 4 octets
    0x89,
    from.length + 2,
    0x80,
    ...ascii(from),
    0x84,
    0xa3,
    0x01,
    0x01,
    ...uintvar(data.length),
    0x83,
    ...data,
  ]);
}
