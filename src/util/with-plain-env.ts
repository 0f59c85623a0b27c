/**
 * Runs `f` with `process.env` replaced by a plain copy of itself, then puts the real one back.
 *
 * The yaml package reads `process.env.LOG_TOKENS` once per lexical token (yaml 2.x,
 * dist/parse/parser.js `Parser#next`); Node answers each read of the real `process.env` through
 * a C++ interceptor, which costs about as much as the whole parse (a 2.4 KB suite file: 1.8 ms
 * with the real object, 1.0 ms with a copy, measured). `f` must be synchronous: nothing else runs
 * in this thread meanwhile, so nobody sees the copy, and a write through it would be lost (the
 * YAML parse writes nothing).
 */
export function withPlainEnv<T>(f: () => T): T {
  const real = process.env;
  process.env = { ...real };
  try {
    return f();
  } finally {
    process.env = real;
  }
}
