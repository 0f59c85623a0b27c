/** WSP primitives (WAP-230-WSP §8.4 header encoding, §8.5 multipart) shared by the MMS and push codecs. */

export {
  type ContentType,
  type ContentTypeParam,
  contentTypeToString,
  mediaTypeText,
  readContentType,
  writeContentType,
} from './content-type.ts';
export { isMultipartMedia, mediaCode, mediaName, WELL_KNOWN_MEDIA } from './content-types.ts';
export {
  type EncodedString,
  encodedStringText,
  readEncodedString,
  type TaggedString,
  writeEncodedString,
} from './encoded-string.ts';
export {
  type ContentDisposition,
  findHeader,
  readHeader,
  readHeaders,
  readRawValue,
  WSP_HEADERS,
  type WspHeader,
  type WspHeaderValue,
  writeHeader,
  writeHeaders,
  wspHeaderCode,
} from './headers.ts';
export {
  readInteger,
  readLongInteger,
  readShortInteger,
  writeInteger,
  writeLongInteger,
  writeShortInteger,
} from './integers.ts';
export {
  decodeMultipart,
  type MultipartEntry,
  readMultipart,
  readMultipartLenient,
  writeMultipart,
} from './multipart.ts';
export {
  readQuotedString,
  readTextBytes,
  readTextString,
  readTokenText,
  writeQuotedString,
  writeTextBytes,
  writeTextString,
  writeTokenText,
} from './text-string.ts';
export { readUintvar, uintvarLength, writeUintvar } from './uintvar.ts';
export { isValueLength, readValueLength, writeValueLength } from './value-length.ts';
