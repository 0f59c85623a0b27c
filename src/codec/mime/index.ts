export { buildMime, makeBoundary, mimePart } from './build-mime.ts';
export { formatContentType, parseContentType, parseParams } from './content-type.ts';
export { decodeEncodedWords, encodeEncodedWord } from './encoded-word.ts';
export { getHeader } from './get-header.ts';
export type { MimeEntity, MimeHeader } from './mime-entity.ts';
export { mimeToJson } from './mime-to-json.ts';
export {
  parseHeaderBlock,
  parseMime,
  parseMimeBody,
  parseMimeWithOffsets,
  stripBrackets,
} from './parse-mime.ts';
