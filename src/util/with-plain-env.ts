/**
 * The environment variables the yaml package reads while it parses (yaml 2.x: `LOG_TOKENS` once
 * per lexical token in dist/parse/parser.js `Parser#next`, `LOG_STREAM` once per top-level token
 * in dist/compose/composer.js `Composer#next`).
 */
export const YAML_PARSE_ENV = ['LOG_TOKENS', 'LOG_STREAM'] as const;

/**
 * Runs `f` with `process.env` replaced by a plain object, then puts the real one back.
 *
 * Node answers each read of the real `process.env` through a C++ interceptor, which costs about
 * as much as a whole YAML parse (a 2.4 KB suite file: 1.8 ms with the real object, 1.0 ms with a
 * plain one, measured). The stand-in holds the `hot` variables as its own properties, read once
 * here, and finds any other through the real `process.env`, its prototype: building it costs ~5 µs
 * where a copy of the whole environment cost ~240 µs (35 variables), a tenth of the loader's time
 * per small suite file. `f` must be synchronous: nothing else runs in this thread meanwhile, so
 * nobody sees the stand-in, and a write through it would be lost (the YAML parse writes nothing).
 */
export function withPlainEnv<T>(f: () => T, hot: readonly string[] = YAML_PARSE_ENV): T {
  const real = process.env;
  const plain: NodeJS.ProcessEnv = Object.create(real);
  for (const k of hot) plain[k] = real[k];
  process.env = plain;
  try {
    return f();
  } finally {
    process.env = real;
  }
}
