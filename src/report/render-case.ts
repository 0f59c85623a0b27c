import type { CaseResult } from '../harness/run-result.ts';
import { bytesToJson } from '../util/json.ts';
import { buildPcapng } from '../wire/build-pcapng.ts';
import type { Observation } from '../wire/timeline.ts';
import { casePage } from './case-page.ts';
import { type Evidence, keepsEvidence } from './evidence.ts';
import { caseJson } from './results-json.ts';

/**
 * A case's share of the reports, rendered where the case ran (a worker thread, or the runner's
 * own thread): its capture, its entry of results.json and its page (cases/<id>.html). The run's
 * reports are then assembled from these pieces (write-reports.ts) with exactly the text a whole-run
 * rendering gives; the case's timeline need not travel. Under `evidence: 'failing'` a case that
 * passed (or was not applicable) keeps no capture and no observations (CaseResult.evidenceOmitted).
 */
export interface RenderedCase {
  /** The case's PCAPNG, or null when it recorded no bytes. */
  pcapng: Uint8Array | null;
  /**
   * The case as an element of results.json's `cases` array (indented for that place), if asked,
   * as UTF-8. Text leaves the case's thread as octets: each on its own ArrayBuffer, so it moves
   * to the pool's thread without a copy, and the run's reports are written from the pieces
   * without joining and encoding ~80 MB of text on one thread at the end of the run.
   */
  json?: Uint8Array;
  /** The case's page, cases/<id>.html (UTF-8), if asked (html reporter). */
  page?: Uint8Array;
}

const fromUtf8 = new TextDecoder();

/**
 * `text` as UTF-8 on an ArrayBuffer of its own (never Buffer's shared pool, so it can be
 * transferred). Not TextEncoder: Node 20's is ~5x slower than a Buffer write (measured on the
 * full run's case JSON: ~0.2-0.4 s of CPU per lane).
 */
function utf8(text: string): Uint8Array {
  const out = Buffer.allocUnsafeSlow(Buffer.byteLength(text));
  out.write(text);
  return out;
}

/** A rendered piece as text (tests, and callers that want a string). */
export function renderedText(bytes: Uint8Array | undefined): string | undefined {
  return bytes === undefined ? undefined : fromUtf8.decode(bytes);
}

/** `mm1.send.001` -> `mm1.send.001.pcapng` (anything but [A-Za-z0-9._-] becomes `_`). */
export function casePcapName(id: string): string {
  return `${id.replace(/[^A-Za-z0-9._-]/g, '_')}.pcapng`;
}

/**
 * The case with each observation's `raw` octets already in their JSON form ({ $base64 }), the
 * form jsonReplacer gives them. Same text, much less work: JSON.stringify calls a Buffer's own
 * toJSON (an array of every octet as a number) before the replacer sees and replaces it.
 */
function withRawAsJson(c: CaseResult): CaseResult {
  const observations = c.timeline.observations.map((o) => {
    if (!('raw' in o) || !(o.raw instanceof Uint8Array)) return o;
    // a copy with the same keys in the same order (a spread is slow here, see Timeline.publish)
    const copy: Record<string, unknown> = {};
    const from = o as unknown as Record<string, unknown>;
    for (const k of Object.keys(from)) copy[k] = k === 'raw' ? bytesToJson(o.raw) : from[k];
    return copy as unknown as Observation;
  });
  const out: Record<string, unknown> = {};
  const from = c as unknown as Record<string, unknown>;
  for (const k of Object.keys(from)) out[k] = k === 'timeline' ? { ...c.timeline, observations } : from[k];
  return out as unknown as CaseResult;
}

/**
 * Renders one case. Sets `c.pcapng` (the capture's file name) when it recorded bytes, before the
 * JSON and HTML are made, so both link the capture (as writeReports always did).
 */
export function renderCase(
  c: CaseResult,
  parts: { json?: boolean; html?: boolean; evidence?: Evidence } = {},
): RenderedCase {
  if (!keepsEvidence(c, parts.evidence ?? 'all')) {
    c.evidenceOmitted = true;
    c.timeline = { originEpochMs: c.timeline.originEpochMs, observations: [] };
  }
  const obs = c.timeline.observations;
  let pcapng: Uint8Array | null = null;
  if (obs.some((o) => o.kind === 'bytes')) {
    const shared = c.sharedStreams?.length
      ? `; the connections of the shared peers ${c.sharedStreams.join(', ')} (one for the whole run, other cases' traffic between this case's) are in run.pcapng only: their messages routed to this case are in results.json`
      : '';
    pcapng = buildPcapng(obs, {
      originEpochMs: c.timeline.originEpochMs,
      title: `mmscert case ${c.id}${shared}`,
    });
    c.pcapng = casePcapName(c.id);
  }
  const out: RenderedCase = { pcapng };
  if (parts.json) {
    out.json = utf8(caseJson(withRawAsJson(c)));
  }
  if (parts.html) out.page = utf8(casePage(c));
  return out;
}
