import { serveOnParentPort } from '../harness/case-worker.ts';
import { type CaseRenderOptions, caseRendering } from './case-rendering.ts';

/**
 * A worker thread of `mmscert run`: one case lane (harness/case-worker.ts) whose cases are
 * rendered into the reports where they ran (case-rendering.ts, options from the pool's `sink`).
 */
serveOnParentPort((setup) =>
  caseRendering((setup.sink ?? { json: false, html: false }) as CaseRenderOptions),
);
