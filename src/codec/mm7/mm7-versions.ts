/** Namespace of MM7 schema version `id`: the 3GPP archive URL (TS 23.140 Annex L). */
export const MM7_NAMESPACE_PREFIX = 'http://www.3gpp.org/ftp/Specs/archive/23_series/23.140/schema/';

export type Mm7VersionId =
  | 'REL-5-MM7-1-0'
  | 'REL-5-MM7-1-1'
  | 'REL-5-MM7-1-2'
  | 'REL-5-MM7-1-3'
  | 'REL-6-MM7-1-0'
  | 'REL-6-MM7-1-1'
  | 'REL-6-MM7-1-2'
  | 'REL-6-MM7-1-3'
  | 'REL-6-MM7-1-4';

export interface Mm7VersionRow {
  id: Mm7VersionId;
  namespace: string;
  /** The MM7Version we emit with this schema (the 23.140 version that published it). */
  mm7Version: string;
  release: 5 | 6;
  /** Order among all versions; element rows say `since` by this. */
  rank: number;
}

/**
 * Supported schema versions. The MM7Version value is the TS 23.140 version in which the
 * schema was published (5.3.0 … 6.8.0 as seen in the field; real peers send other x.y.z
 * values with any namespace, which decoding accepts).
 */
export const MM7_VERSIONS: readonly Mm7VersionRow[] = (
  [
    ['REL-5-MM7-1-0', '5.3.0', 5],
    ['REL-5-MM7-1-1', '5.5.0', 5],
    ['REL-5-MM7-1-2', '5.6.0', 5],
    ['REL-5-MM7-1-3', '5.8.0', 5],
    ['REL-6-MM7-1-0', '6.3.0', 6],
    ['REL-6-MM7-1-1', '6.4.0', 6],
    ['REL-6-MM7-1-2', '6.5.0', 6],
    ['REL-6-MM7-1-3', '6.7.0', 6],
    ['REL-6-MM7-1-4', '6.8.0', 6],
  ] as const
).map(([id, v, rel], rank) => ({
  id,
  namespace: MM7_NAMESPACE_PREFIX + id,
  mm7Version: v,
  release: rel,
  rank,
}));

const BY_ID = new Map(MM7_VERSIONS.map((v) => [v.id as string, v]));

export function mm7Version(id: string): Mm7VersionRow | undefined {
  return BY_ID.get(id);
}

const MM7_NAMESPACE =
  /^http:\/\/www\.3gpp\.org\/ftp\/Specs\/archive\/23_series\/23\.140\/schema\/(REL-\d+-MM7-\d+-\d+)$/;

/**
 * `REL-x-MM7-y-z` of a 3GPP MM7 namespace, also of a version we have no schema for
 * (REL-7-MM7-1-0, or the REL-6-MM7-6-7 some relays send), or undefined. Exact: namespace names
 * compare character by character (Namespaces in XML 1.0 §2.3), so a trailing slash or space,
 * https, another host or another case is another namespace, not MM7's (TS 23.140 Annex L).
 */
export function mm7VersionOfNamespace(ns: string): string | undefined {
  return MM7_NAMESPACE.exec(ns)?.[1];
}
