/**
 * The MM7 HTTP POST client lives in src/net/mm7-http-post.ts (shared with the reference relay).
 * This name stays for callers outside mocks/ (bench/mm4-mm7-mocks.bench.ts).
 */
export {
  type Mm7HttpAnswer,
  type Mm7PostOptions,
  mm7HttpPost as mm7Post,
} from '../../src/net/mm7-http-post.ts';
