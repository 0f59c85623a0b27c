/**
 * Well-known content types, WAP-230-WSP Appendix A Table 40 (assigned numbers as maintained by
 * OMNA "WSP Content Type Codes"). Index = code.
 */
export const WELL_KNOWN_MEDIA: readonly string[] = [
  '*/*',
  'text/*',
  'text/html',
  'text/plain',
  'text/x-hdml',
  'text/x-ttml',
  'text/x-vCalendar',
  'text/x-vCard',
  'text/vnd.wap.wml',
  'text/vnd.wap.wmlscript',
  'text/vnd.wap.wta-event',
  'multipart/*',
  'multipart/mixed',
  'multipart/form-data',
  'multipart/byterantes',
  'multipart/alternative',
  'application/*',
  'application/java-vm',
  'application/x-www-form-urlencoded',
  'application/x-hdmlc',
  'application/vnd.wap.wmlc',
  'application/vnd.wap.wmlscriptc',
  'application/vnd.wap.wta-eventc',
  'application/vnd.wap.uaprof',
  'application/vnd.wap.wtls-ca-certificate',
  'application/vnd.wap.wtls-user-certificate',
  'application/x-x509-ca-cert',
  'application/x-x509-user-cert',
  'image/*',
  'image/gif',
  'image/jpeg',
  'image/tiff',
  'image/png',
  'image/vnd.wap.wbmp',
  'application/vnd.wap.multipart.*',
  'application/vnd.wap.multipart.mixed',
  'application/vnd.wap.multipart.form-data',
  'application/vnd.wap.multipart.byteranges',
  'application/vnd.wap.multipart.alternative',
  'application/xml',
  'text/xml',
  'application/vnd.wap.wbxml',
  'application/x-x968-cross-cert',
  'application/x-x968-ca-cert',
  'application/x-x968-user-cert',
  'text/vnd.wap.si',
  'application/vnd.wap.sic',
  'text/vnd.wap.sl',
  'application/vnd.wap.slc',
  'text/vnd.wap.co',
  'application/vnd.wap.coc',
  'application/vnd.wap.multipart.related',
  'application/vnd.wap.sia',
  'text/vnd.wap.connectivity-xml',
  'application/vnd.wap.connectivity-wbxml',
  'application/pkcs7-mime',
  'application/vnd.wap.hashed-certificate',
  'application/vnd.wap.signed-certificate',
  'application/vnd.wap.cert-response',
  'application/xhtml+xml',
  'application/wml+xml',
  'text/css',
  'application/vnd.wap.mms-message',
  'application/vnd.wap.rollover-certificate',
  'application/vnd.wap.locc+wbxml',
  'application/vnd.wap.loc+xml',
  'application/vnd.syncml.dm+wbxml',
  'application/vnd.syncml.dm+xml',
  'application/vnd.syncml.notification',
  'application/vnd.wap.xhtml+xml',
  'application/vnd.wv.csp.cir',
  'application/vnd.oma.dd+xml',
  'application/vnd.oma.drm.message',
  'application/vnd.oma.drm.content',
  'application/vnd.oma.drm.rights+xml',
  'application/vnd.oma.drm.rights+wbxml',
  'application/vnd.wv.csp+xml',
  'application/vnd.wv.csp+wbxml',
  'application/vnd.syncml.ds.notification',
  'audio/*',
  'video/*',
  'application/vnd.oma.dd2+xml',
  'application/mikey',
  'application/vnd.oma.dcd',
  'application/vnd.oma.dcdc',
];

const MEDIA_CODE = new Map<string, number>();
for (const [i, m] of WELL_KNOWN_MEDIA.entries()) MEDIA_CODE.set(m.toLowerCase(), i);

export function mediaCode(mediaType: string): number | undefined {
  return MEDIA_CODE.get(mediaType.toLowerCase());
}

export function mediaName(code: number): string | undefined {
  return WELL_KNOWN_MEDIA[code];
}

/** Multipart media types whose body is a WSP multipart (WAP-230-WSP 8.5). */
export function isMultipartMedia(mediaType: string | number): boolean {
  const m = typeof mediaType === 'number' ? (mediaName(mediaType) ?? '') : mediaType.toLowerCase();
  return m.startsWith('application/vnd.wap.multipart.') || m.startsWith('multipart/');
}
