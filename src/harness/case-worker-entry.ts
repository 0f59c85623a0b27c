import { serveOnParentPort } from './case-worker.ts';

/** A worker thread of worker-pool.ts: one case lane without a finisher (results travel whole). */
serveOnParentPort();
