export type { XmlElement } from './parse-xml.ts';
export { escapeXml, parseXml } from './parse-xml.ts';
