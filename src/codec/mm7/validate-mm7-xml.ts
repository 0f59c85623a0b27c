import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { validateXML } from 'xmllint-wasm';
import { mm7Version } from './mm7-versions.ts';
import { soapEnvelopeXsd } from './mm7-xsd.ts';

export interface Mm7XmlValidation {
  valid: boolean;
  /** xmllint messages with line numbers. */
  errors: string[];
}

const cache = new Map<string, string>();
function schemaText(id: string): string {
  let s = cache.get(id);
  if (s === undefined) {
    s = readFileSync(fileURLToPath(new URL(`./schema/${id}.xsd`, import.meta.url)), 'utf8');
    cache.set(id, s);
  }
  return s;
}

/**
 * Validates a SOAP envelope against the MM7 schema of `version` (schema/<version>.xsd)
 * inside a SOAP 1.1 envelope schema, with xmllint (libxml2 compiled to WebAssembly;
 * ~150 ms a call). Use it in tests and from the harness to judge what a target emits.
 */
export async function validateMm7Xml(xml: string, version: string): Promise<Mm7XmlValidation> {
  return (await validateMm7XmlBatch([xml], version))[0];
}

/** validateMm7Xml for many documents in one xmllint run (one result per document, in order). */
export async function validateMm7XmlBatch(
  xmls: readonly string[],
  version: string,
): Promise<Mm7XmlValidation[]> {
  const v = mm7Version(version);
  if (!v)
    return xmls.map(() => ({
      valid: false,
      errors: [`no schema for MM7 version ${JSON.stringify(version)}`],
    }));
  if (xmls.length === 0) return [];
  const file = `${v.id}.xsd`;
  const res = await validateXML({
    xml: xmls.map((contents, i) => ({ fileName: `mm7-${i}.xml`, contents })),
    schema: [{ fileName: 'soap-envelope.xsd', contents: soapEnvelopeXsd(v.namespace, file) }],
    preload: [{ fileName: file, contents: schemaText(v.id) }],
  });
  const out: Mm7XmlValidation[] = xmls.map(() => ({ valid: true, errors: [] }));
  for (const e of res.errors) {
    const m = /^mm7-(\d+)\.xml/.exec(e.loc?.fileName ?? e.rawMessage);
    const i = m ? Number(m[1]) : -1;
    const target = out[i] ?? out[0];
    target.valid = false;
    target.errors.push(e.rawMessage);
  }
  if (!res.valid && out.every((o) => o.valid)) for (const o of out) o.valid = false;
  return out;
}
