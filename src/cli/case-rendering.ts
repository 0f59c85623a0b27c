import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CaseFinisher } from '../harness/case-sink.ts';
import type { Evidence } from '../report/evidence.ts';
import { type RenderedCase, renderCase } from '../report/render-case.ts';

/** The report pieces each case is rendered into where it ran; `dir`: its capture is written there too. */
export interface CaseRenderOptions {
  json: boolean;
  html: boolean;
  dir?: string;
  /** Whose capture and timeline are kept (report/evidence.ts; default all). */
  evidence?: Evidence;
}

/**
 * The reporters' finisher (harness/case-sink.ts), run in each case's lane: the case rendered
 * there (capture, results.json entry, case page: report/render-case.ts), its capture written to
 * `dir`, and the case sent on without its timeline, which stays in the lane. The rendered
 * pieces are the payload (RenderedCase), each on its own buffer, moved to the run's thread.
 */
export function caseRendering(o: CaseRenderOptions): CaseFinisher {
  let dirReady = false;
  return {
    finish(result) {
      const rendered: RenderedCase = renderCase(result, o);
      const bytes = rendered.pcapng;
      if (bytes && o.dir && result.pcapng) {
        // synchronous: one small write into the page cache costs less than a file handle's promises
        if (!dirReady) mkdirSync(o.dir, { recursive: true });
        dirReady = true;
        writeFileSync(path.join(o.dir, result.pcapng), bytes);
      }
      const light = {
        ...result,
        timeline: { originEpochMs: result.timeline.originEpochMs, observations: [] },
      };
      const transfer: ArrayBuffer[] = [];
      for (const b of [bytes, rendered.json, rendered.page])
        if (b && b.byteOffset === 0 && b.byteLength === b.buffer.byteLength)
          transfer.push(b.buffer as ArrayBuffer);
      return { result: light, payload: rendered, transfer };
    },
  };
}
