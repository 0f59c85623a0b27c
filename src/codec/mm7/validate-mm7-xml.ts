export interface Mm7XmlValidation {
  valid: boolean;
  /** xmllint messages with line numbers. */
  errors: string[];
}

export async function validateMm7Xml(_xml: string, _version: string): Promise<Mm7XmlValidation> {
  throw new Error('not implemented yet');
}
