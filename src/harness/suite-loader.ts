import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Document, LineCounter, parseDocument, visit } from 'yaml';
import type { Json } from '../util/json.ts';
import { typescriptImports } from '../util/typescript-imports.ts';
import { withPlainEnv } from '../util/with-plain-env.ts';
import type { Iface } from '../wire/nodes.ts';
import type { DefinedCase, LoadedCase, LoadedStep, ResolvedRequirement } from './case-model.ts';
import { strongestLevel } from './case-model.ts';
import { durationMs } from './duration.ts';
import { IcsSchema } from './ics/ics-schema.ts';
import { IcsTermError, icsPathKnown, parseIcsTerm } from './ics/ics-select.ts';
import { idGlob } from './id-glob.ts';
import {
  caseIdProblem,
  findExcessiveNesting,
  MAX_SUITE_ALIASES,
  MAX_SUITE_NESTING,
  maxSuiteBytes,
} from './suite-bounds.ts';
import { cachedLoad } from './suite-cache.ts';
import { issuesToDiagnostics, type SuiteDiagnostic, stepKindOf } from './suite-diagnostics.ts';
import {
  CaseSchema,
  type CaseScope,
  type CaseSpec,
  type Expectation,
  LEVELS,
  type Level,
  type PeersSpec,
  type Requirement,
  type Step,
  SuiteFileSchema,
} from './suite-schema.ts';
import {
  checkCaseSteps,
  checkPeerKinds,
  DEFAULT_PEER_VOCABULARY,
  type PeerVocabulary,
  vocabularyKey,
} from './suite-strict.ts';
import { positionOf, type SourcePos } from './yaml-positions.ts';

export const DEFAULT_CASE_TIMEOUT_MS = 30_000;

export interface LoadOptions {
  /** The suites folder (default `suites` under the cwd). */
  root?: string;
  /** Explicit files (YAML or .case.ts) instead of discovering every suite under root. */
  files?: string[];
  /** Case-id glob(s): `mm1.send.*,mm4.*`. */
  suite?: string;
  /** Regular expression over `id title`. */
  grep?: RegExp;
  /**
   * Also discover the reference self-tests (suites/reference/, scope: reference). Off by default:
   * they test the reference MMSC itself and never count towards a target's verdicts.
   */
  includeReference?: boolean;
  /**
   * The peer kinds suites may name, with their action tables (default: the registry's). Tests
   * with peers of their own pass theirs (PeerKinds fit).
   */
  peerKinds?: PeerVocabulary;
  /** Only cases carrying one of these tags. */
  tags?: readonly string[];
}

/** The folder of the reference MMSC's self-tests under the suites root. */
export const REFERENCE_SUITES_DIR = 'reference';

export interface LoadResult {
  cases: LoadedCase[];
  diagnostics: SuiteDiagnostic[];
  files: string[];
  /** Every entry of suites/requirements.yaml. */
  catalogue: ResolvedRequirement[];
}

/** A requirement catalogue: id -> requirement (suites/requirements.yaml, filled by the catalogue task). */
export type RequirementCatalogue = Map<string, ResolvedRequirement>;

const SKIP_DIRS = new Set(['schema', 'node_modules']);

/** Whether an explicitly named suite path is a folder (`mmscert run suites/roaming`): its suites. */
function isDirectory(file: string): boolean {
  try {
    return statSync(file).isDirectory();
  } catch {
    return false;
  }
}

/** Suite files under root, sorted: every *.yaml / *.yml but requirements.yaml, and every *.case.ts. */
export function discoverSuiteFiles(root: string, opts: { includeReference?: boolean } = {}): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) {
        const reference = dir === root && name === REFERENCE_SUITES_DIR;
        if (!SKIP_DIRS.has(name) && !name.startsWith('.') && (!reference || opts.includeReference))
          walk(full);
      } else if (/\.ya?ml$/.test(name) && !/^requirements\.ya?ml$/.test(name)) out.push(full);
      else if (name.endsWith('.case.ts')) out.push(full);
    }
  };
  if (existsSync(root)) walk(root);
  return out;
}

function asLevel(v: unknown): Level | undefined {
  const s = typeof v === 'string' ? v.toUpperCase() : '';
  if (s === 'MUST' || s === 'REQUIRED') return 'SHALL';
  return (LEVELS as readonly string[]).includes(s) ? (s as Level) : undefined;
}

/**
 * Reads suites/requirements.yaml leniently (another task owns its content): `requirements:` as a
 * list of { id, spec, clause, level, text } or a map id -> { spec, clause, level, text }.
 */
export function loadRequirementCatalogue(root: string): { catalogue: RequirementCatalogue; file?: string } {
  const catalogue: RequirementCatalogue = new Map();
  const file = ['requirements.yaml', 'requirements.yml']
    .map((n) => path.join(root, n))
    .find((f) => existsSync(f));
  if (!file) return { catalogue };
  const text = readFileSync(file, 'utf8');
  const entries = cachedLoad('catalogue', path.resolve(file), [text], () => [
    ...parseCatalogue(text).entries(),
  ]);
  for (const [id, r] of entries) catalogue.set(id, r);
  return { catalogue, file };
}

function parseCatalogue(text: string): RequirementCatalogue {
  const catalogue: RequirementCatalogue = new Map();
  const doc = withPlainEnv(() => parseDocument(text));
  const data = doc.toJS() as { requirements?: unknown } | null;
  const reqs = data?.requirements ?? data;
  const add = (id: string, r: unknown) => {
    if (typeof r !== 'object' || r === null) return;
    const o = r as Record<string, unknown>;
    const level = asLevel(o.level);
    if (!level) return;
    catalogue.set(id, {
      id,
      spec: String(o.spec ?? ''),
      clause: String(o.clause ?? ''),
      level,
      ...(typeof o.text === 'string' ? { text: o.text } : {}),
    });
  };
  if (Array.isArray(reqs)) for (const r of reqs) add(String((r as { id?: unknown })?.id ?? ''), r);
  else if (reqs && typeof reqs === 'object') for (const [id, r] of Object.entries(reqs)) add(id, r);
  return catalogue;
}

/** Replaces `{{each.FIELD}}` in every string; a string that is only the placeholder takes the raw value. */
export function expandEach(value: unknown, row: Record<string, unknown>): unknown {
  if (typeof value === 'string') {
    const whole = /^\{\{\s*each\.([A-Za-z0-9_-]+)\s*\}\}$/.exec(value);
    if (whole && whole[1] in row) return row[whole[1]];
    return value.replace(/\{\{\s*each\.([A-Za-z0-9_-]+)\s*\}\}/g, (m, k: string) =>
      k in row ? String(row[k]) : m,
    );
  }
  if (Array.isArray(value)) return value.map((v) => expandEach(v, row));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = expandEach(v, row);
    return out;
  }
  return value;
}

function stepLabel(index: number, step: Step): string {
  const k = stepKindOf(step);
  const named = (step as { name?: string }).name;
  let what = '';
  if ('kind' in k) {
    const s = step as Record<string, unknown>;
    if (k.kind === 'do') what = String(s.do);
    else if (k.kind === 'behaviour') {
      const b = s.behaviour as { peer: string; kind: string };
      what = `behaviour ${b.peer} ${b.kind}`;
    } else if (k.kind === 'wait') what = `wait ${String(s.wait)}`;
    else {
      const subjectOf = (e: { message?: string | string[]; event?: string }) => {
        const x = e.message ?? e.event ?? 'observation';
        return Array.isArray(x) ? x.join('|') : x;
      };
      const e = s[k.kind] as { message?: string | string[]; event?: string; anyOf?: Expectation[] };
      what = e.anyOf ? `${k.kind} any of ${e.anyOf.map(subjectOf).join(' / ')}` : `${k.kind} ${subjectOf(e)}`;
    }
  }
  return `step ${index + 1}: ${named ?? what}`;
}

interface BuildContext {
  file: string;
  suite: string;
  catalogue: RequirementCatalogue;
  defaults: {
    interfaces?: Iface[];
    peers?: PeersSpec;
    requirements?: Requirement[];
    ics?: string[];
    scope?: CaseScope;
  };
  /** Position of a path inside this case (YAML) or the case's one position (TypeScript). */
  pos: (p: readonly PropertyKey[], opts?: { key?: boolean }) => SourcePos;
  diagnostics: SuiteDiagnostic[];
  vocabulary: PeerVocabulary;
}

function resolveRequirements(reqs: Requirement[], ctx: BuildContext, at: readonly PropertyKey[]) {
  const out: ResolvedRequirement[] = [];
  reqs.forEach((r, i) => {
    const ref = typeof r === 'string' ? r : 'ref' in r ? r.ref : undefined;
    if (ref === undefined) {
      out.push(r as ResolvedRequirement);
      return;
    }
    const found = ctx.catalogue.get(ref);
    if (found) out.push(found);
    else
      ctx.diagnostics.push({
        ...ctx.pos([...at, i]),
        message: `requirement "${ref}" is not in the requirement catalogue (suites/requirements.yaml)`,
      });
  });
  return out;
}

/** The node name the reference MMSC records its own inside under (src/mmsc config `node`). */
export const REFERENCE_MMSC_NODE = 'mmsc';

/**
 * A target case is judged from the wire only: an expectation on the reference MMSC's own node
 * (what it received, its internal events) can never be seen on another MMSC, so it is refused
 * unless the case is a reference self-test.
 */
function checkWireOnly(steps: readonly Step[], ctx: BuildContext, casePath: readonly PropertyKey[]) {
  steps.forEach((step, i) => {
    const k = stepKindOf(step);
    if (!('kind' in k) || (k.kind !== 'expect' && k.kind !== 'expect-none')) return;
    const e = (step as Record<string, unknown>)[k.kind] as {
      node?: string;
      anyOf?: Array<{ node?: string }>;
    };
    const each = e.anyOf ? e.anyOf.map((a, j) => ({ a, at: ['anyOf', j] })) : [{ a: e, at: [] }];
    for (const { a, at } of each)
      if (a.node === REFERENCE_MMSC_NODE || a.node?.startsWith(`${REFERENCE_MMSC_NODE}.`))
        ctx.diagnostics.push({
          ...ctx.pos([...casePath, 'steps', i, k.kind, ...at, 'node']),
          message: `node: ${a.node} observes the inside of the reference MMSC; a target case is judged only by what crosses the wire (observe what a peer or handset sees, or make the case a reference self-test with scope: reference)`,
        });
  });
}

/** The ICS terms of `anyOf` alternatives name ICS items that exist. */
function checkAlternativeTerms(steps: readonly Step[], ctx: BuildContext, casePath: readonly PropertyKey[]) {
  steps.forEach((step, i) => {
    const e = (step as Record<string, unknown>).expect as { anyOf?: Array<{ ics?: string[] }> } | undefined;
    e?.anyOf?.forEach((a, j) => {
      if (a.ics) checkIcsTerms(a.ics, ctx, [...casePath, 'steps', i, 'expect', 'anyOf', j, 'ics']);
    });
  });
}

function checkIcsTerms(terms: readonly string[], ctx: BuildContext, at: readonly PropertyKey[]) {
  terms.forEach((t, i) => {
    try {
      const term = parseIcsTerm(t);
      if (!icsPathKnown(IcsSchema, term.path))
        ctx.diagnostics.push({
          ...ctx.pos([...at, i]),
          message: `ICS item "${term.path.join('.')}" does not exist (see mmscert ics init)`,
        });
    } catch (e) {
      if (!(e instanceof IcsTermError)) throw e;
      ctx.diagnostics.push({ ...ctx.pos([...at, i]), message: e.message });
    }
  });
}

/** Builds the runnable cases of one validated case spec (several when it has an `each:` table). */
function buildCases(spec: CaseSpec, ctx: BuildContext, casePath: readonly PropertyKey[]): LoadedCase[] {
  const rows = spec.each ?? [undefined];
  const out: LoadedCase[] = [];
  rows.forEach((row, r) => {
    const s = (row ? expandEach({ ...spec, each: undefined }, row) : spec) as CaseSpec;
    let id = s.id;
    if (row && id === spec.id) id = `${spec.id}.${String(r + 1).padStart(3, '0')}`;
    id = id.replace(/\s+/g, '-');
    const badId = caseIdProblem(id);
    if (badId) {
      ctx.diagnostics.push({ ...ctx.pos([...casePath, 'id']), message: badId });
      return;
    }
    const reqs = resolveRequirements([...(ctx.defaults.requirements ?? []), ...(s.requirements ?? [])], ctx, [
      ...casePath,
      'requirements',
    ]);
    const scope: CaseScope = s.scope ?? ctx.defaults.scope ?? 'target';
    if (ctx.defaults.scope === 'reference' && s.scope === 'target')
      ctx.diagnostics.push({
        ...ctx.pos([...casePath, 'scope']),
        message: 'a case of a reference self-test suite cannot be a target case',
      });
    if (scope === 'target' && r === 0) checkWireOnly(spec.steps, ctx, casePath);
    const ics = [...(ctx.defaults.ics ?? []), ...(s.ics ?? [])];
    // a term naming an `each:` value ('mm1.maxMessageSize >= {{each.limit}}') is checked per row, expanded
    const perRow = (spec.ics ?? []).map((t) => /\{\{\s*each\./.test(t));
    if (row)
      checkIcsTerms(
        (s.ics ?? []).filter((_, i) => perRow[i]),
        ctx,
        [...casePath, 'ics'],
      );
    if (r === 0) {
      checkIcsTerms(
        (spec.ics ?? []).filter((_, i) => !perRow[i]),
        ctx,
        [...casePath, 'ics'],
      );
      checkAlternativeTerms(spec.steps, ctx, casePath);
    }
    if (r === 0) checkPeerKinds(spec.peers, ctx, [...casePath, 'peers']);
    // strict names, per row (an `each:` value may name the node or the field); each problem once
    const strict: SuiteDiagnostic[] = [];
    checkCaseSteps(
      s.steps,
      { ...(ctx.defaults.peers ?? {}), ...(s.peers ?? {}) },
      scope,
      { ...ctx, diagnostics: strict },
      casePath,
    );
    for (const d of strict)
      if (!ctx.diagnostics.some((x) => x.line === d.line && x.col === d.col && x.message === d.message))
        ctx.diagnostics.push(d);
    const steps: LoadedStep[] = s.steps.map((step, i) => {
      const k = stepKindOf(step);
      return {
        index: i,
        kind: 'kind' in k ? k.kind : 'wait',
        label: stepLabel(i, step),
        spec: step,
        source: ctx.pos([...casePath, 'steps', i]),
      };
    });
    out.push({
      id,
      title: s.title,
      ...(s.description !== undefined ? { description: s.description } : {}),
      ...(s.expectation !== undefined ? { expectation: s.expectation } : {}),
      requirements: reqs,
      level: strongestLevel(reqs),
      interfaces: s.interfaces ?? ctx.defaults.interfaces ?? [],
      peers: { ...(ctx.defaults.peers ?? {}), ...(s.peers ?? {}) },
      timeoutMs: durationMs(s.timeout, DEFAULT_CASE_TIMEOUT_MS),
      tags: s.tags ?? [],
      ...(s.alone !== undefined ? { alone: s.alone } : {}),
      ics,
      scope,
      steps,
      suite: ctx.suite,
      source: ctx.pos(casePath),
      ...(row ? { family: { id: spec.id, row: r, values: row as { [k: string]: Json } } } : {}),
    });
  });
  return out;
}

function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel;
}

/** Offset of the first alias naming no anchor, else of the first alias (an alias bomb), else 0. */
function firstBadAlias(doc: Document): number {
  let first: number | undefined;
  let unresolved: number | undefined;
  visit(doc, {
    Alias(_k, node) {
      const at = node.range?.[0] ?? 0;
      first ??= at;
      if (node.resolve(doc) === undefined) {
        unresolved = at;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return unresolved ?? first ?? 0;
}

/**
 * The one parse of a suite file: the Document keeps every node's range, so positions need no
 * second pass (`lines` maps offsets to line:col). The yaml package makes a YAMLError per problem
 * (a broken file has dozens) and their stacks are never read, only message and offset: they are
 * not captured here (a third of a broken file's parse).
 */
function parseSuiteYaml(text: string, lines: LineCounter): Document {
  const stackLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return withPlainEnv(() =>
      parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true }),
    );
  } finally {
    Error.stackTraceLimit = stackLimit;
  }
}

/** Parses and validates one YAML suite file. */
export function loadYamlSuiteFile(
  file: string,
  catalogue: RequirementCatalogue,
  opts: { suitesRoot?: string; requireCases?: boolean; vocabulary?: PeerVocabulary } = {},
): { cases: LoadedCase[]; diagnostics: SuiteDiagnostic[]; isSuite: boolean } {
  const shown = displayPath(file);
  const lines = new LineCounter();
  let text: string;
  const refuse = (message: string, line = 1, col = 1) => ({
    cases: [],
    diagnostics: [{ file: shown, line, col, message }],
    isSuite: true,
  });
  try {
    const size = statSync(file).size;
    const max = maxSuiteBytes();
    if (size > max)
      return refuse(
        `suite file is ${size} octets, more than the ${max} allowed (MMSCERT_MAX_SUITE_BYTES raises the bound)`,
      );
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return refuse(`cannot read: ${(e as Error).message}`);
  }
  const deep = findExcessiveNesting(text);
  if (deep)
    return refuse(`YAML: collections nested deeper than ${MAX_SUITE_NESTING} levels`, deep.line, deep.col);
  let doc: Document;
  try {
    doc = parseSuiteYaml(text, lines);
  } catch (e) {
    return refuse(`YAML: cannot parse: ${(e as Error).message.split('\n')[0]}`);
  }
  const diagnostics: SuiteDiagnostic[] = [];
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      const { line, col } = lines.linePos(e.pos[0]);
      diagnostics.push({ file: shown, line, col, message: `YAML: ${e.message.split('\n')[0]}` });
    }
    return { cases: [], diagnostics, isSuite: true };
  }
  let data: unknown;
  try {
    // An alias bomb (aliases of aliases of ...) expands exponentially: bounded here.
    data = doc.toJS({ maxAliasCount: MAX_SUITE_ALIASES }) as unknown;
  } catch (e) {
    // yaml throws a ReferenceError for an alias bomb and for an alias naming no anchor (`*x`:
    // found by `npm run fuzz`, test/fuzz-regressions/suite-yaml/); the position is that alias's
    const message = (e as Error).message.split('\n')[0];
    const at = lines.linePos(firstBadAlias(doc));
    return refuse(
      /^Unresolved alias/.test(message)
        ? `YAML: ${message}`
        : e instanceof ReferenceError
          ? `YAML: aliases expand to more than ${MAX_SUITE_ALIASES} copies (an alias bomb?)`
          : `YAML: cannot read the document: ${message}`,
      at.line,
      at.col,
    );
  }
  const looksLikeSuite = typeof data === 'object' && data !== null && 'cases' in data;
  if (!looksLikeSuite && !opts.requireCases) return { cases: [], diagnostics: [], isSuite: false };
  const parsed = SuiteFileSchema.safeParse(data);
  if (!parsed.success) {
    diagnostics.push(...issuesToDiagnostics(parsed.error.issues, data, doc, lines, shown));
    return { cases: [], diagnostics, isSuite: true };
  }
  const suiteFile = parsed.data;
  const suite =
    suiteFile.suite ??
    path
      .relative(opts.suitesRoot ?? path.dirname(file), file)
      .replace(/\.ya?ml$/, '')
      .split(path.sep)
      .join('/');
  const cases: LoadedCase[] = [];
  const vocabulary = opts.vocabulary ?? DEFAULT_PEER_VOCABULARY;
  const pos = (p: readonly PropertyKey[], o?: { key?: boolean }) => positionOf(doc, lines, shown, p, o);
  if (suiteFile.ics) checkIcsTerms(suiteFile.ics, { pos, diagnostics } as BuildContext, ['ics']);
  checkPeerKinds(suiteFile.peers, { pos, diagnostics, vocabulary }, ['peers']);
  suiteFile.cases.forEach((c, i) => {
    const ctx: BuildContext = {
      file: shown,
      suite,
      catalogue,
      defaults: {
        ...(suiteFile.interfaces ? { interfaces: suiteFile.interfaces } : {}),
        ...(suiteFile.peers ? { peers: suiteFile.peers } : {}),
        ...(suiteFile.requirements ? { requirements: suiteFile.requirements } : {}),
        ...(suiteFile.ics ? { ics: suiteFile.ics } : {}),
        ...(suiteFile.scope ? { scope: suiteFile.scope } : {}),
      },
      pos,
      diagnostics,
      vocabulary,
    };
    cases.push(...buildCases(c, ctx, ['cases', i]));
  });
  return { cases, diagnostics, isSuite: true };
}

/** Imports a suites/**\/*.case.ts module (default export: a defineCase() value or an array of them). */
export async function loadCaseModule(
  file: string,
  catalogue: RequirementCatalogue,
  opts: { suitesRoot?: string; vocabulary?: PeerVocabulary } = {},
): Promise<{ cases: LoadedCase[]; diagnostics: SuiteDiagnostic[] }> {
  const shown = displayPath(file);
  const diagnostics: SuiteDiagnostic[] = [];
  let mod: { default?: unknown };
  try {
    await typescriptImports();
    mod = (await import(pathToFileURL(path.resolve(file)).href)) as { default?: unknown };
  } catch (e) {
    return {
      cases: [],
      diagnostics: [{ file: shown, line: 1, col: 1, message: `cannot load: ${(e as Error).message}` }],
    };
  }
  const list = Array.isArray(mod.default) ? mod.default : mod.default === undefined ? [] : [mod.default];
  if (list.length === 0) {
    diagnostics.push({
      file: shown,
      line: 1,
      col: 1,
      message: 'a .case.ts file default-exports defineCase(...) or an array of them',
    });
  }
  const suite = path
    .relative(opts.suitesRoot ?? path.dirname(file), file)
    .replace(/\.case\.ts$/, '')
    .split(path.sep)
    .join('/');
  const cases: LoadedCase[] = [];
  list.forEach((raw: DefinedCase, i) => {
    const src = raw?.__source;
    const at: SourcePos = src ? { ...src, file: displayPath(src.file) } : { file: shown, line: 1, col: 1 };
    const { __source: _ignored, ...spec } = (raw ?? {}) as DefinedCase;
    const parsed = CaseSchema.safeParse(spec);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        diagnostics.push({
          ...at,
          message: `case ${i}: ${issue.path.map(String).join('.')}: ${issue.message}`,
        });
      }
      return;
    }
    cases.push(
      ...buildCases(
        parsed.data,
        {
          file: shown,
          suite,
          catalogue,
          defaults: {},
          pos: () => at,
          diagnostics,
          vocabulary: opts.vocabulary ?? DEFAULT_PEER_VOCABULARY,
        },
        [],
      ),
    );
  });
  return { cases, diagnostics };
}

/**
 * Loads every suite (or the given files), expands families, resolves requirement references and
 * filters by id glob and grep. Duplicate case ids are diagnostics. Order: files by path, cases
 * in file order — the order reports use.
 */
export async function loadSuites(opts: LoadOptions = {}): Promise<LoadResult> {
  const root = path.resolve(opts.root ?? 'suites');
  const explicit = opts.files && opts.files.length > 0;
  const files = explicit
    ? (opts.files ?? []).flatMap((f) => (isDirectory(f) ? discoverSuiteFiles(f) : [f]))
    : discoverSuiteFiles(root, { includeReference: opts.includeReference ?? false });
  const { catalogue } = loadRequirementCatalogue(root);
  const catalogueKey = JSON.stringify([...catalogue]);
  const vocabulary = opts.peerKinds ?? DEFAULT_PEER_VOCABULARY;
  const vocabKey = vocabularyKey(vocabulary);
  const diagnostics: SuiteDiagnostic[] = [];
  const all: LoadedCase[] = [];
  const usedFiles: string[] = [];
  for (const file of files) {
    if (file.endsWith('.case.ts')) {
      const r = await loadCaseModule(file, catalogue, { suitesRoot: root, vocabulary });
      all.push(...r.cases);
      diagnostics.push(...r.diagnostics);
      usedFiles.push(file);
    } else {
      const fileOpts = { suitesRoot: root, requireCases: Boolean(explicit) };
      let text: string;
      try {
        // an oversized file is not read here: loadYamlSuiteFile reports it
        text = statSync(file).size > maxSuiteBytes() ? '' : readFileSync(file, 'utf8');
      } catch {
        text = ''; // loadYamlSuiteFile reports it
      }
      const r = text
        ? cachedLoad(
            'suite',
            path.resolve(file),
            [text, JSON.stringify(fileOpts), catalogueKey, vocabKey],
            () => loadYamlSuiteFile(file, catalogue, { ...fileOpts, vocabulary }),
          )
        : loadYamlSuiteFile(file, catalogue, { ...fileOpts, vocabulary });
      if (!r.isSuite) continue;
      all.push(...r.cases);
      diagnostics.push(...r.diagnostics);
      usedFiles.push(file);
    }
  }
  const seen = new Map<string, LoadedCase>();
  for (const c of all) {
    const first = seen.get(c.id);
    if (first) {
      diagnostics.push({
        ...c.source,
        message: `duplicate case id "${c.id}" (first at ${first.source.file}:${first.source.line}:${first.source.col})`,
      });
    } else seen.set(c.id, c);
  }
  const select = idGlob(opts.suite ?? '');
  const tags = opts.tags && opts.tags.length > 0 ? new Set(opts.tags) : undefined;
  const cases = [...seen.values()].filter(
    (c) =>
      select(c.id) &&
      (!opts.grep || opts.grep.test(`${c.id} ${c.title}`)) &&
      (!tags || c.tags.some((t) => tags.has(t))),
  );
  return { cases, diagnostics, files: usedFiles, catalogue: [...catalogue.values()] };
}
