import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { buildOpenApi } from '../../src/app';
import { actor, createUser, http, type HttpAnswer, type TestSystem, startTestSystem } from '../harness';
import { completeNote, readyDraft } from '../factories';

/**
 * Property-based fuzzing of every operation in openapi.json (DESIGN §4): whatever a client sends —
 * random, oversized, wrong-typed, odd Unicode, prototype-pollution keys, malformed JSON, the wrong
 * content type, path ids that are not UUIDs or name nothing — the API
 *
 *  - never answers 5xx;
 *  - answers every 4xx as application/problem+json with a stable `code` (and its own `status`), and a
 *    400 VALIDATION_FAILED names at least one field in `errors`;
 *  - changes nothing stored when it refuses: a fingerprint of the database (row count and newest row
 *    version, xmin, of every table but the security log, which records refusals by design) is the
 *    same before and after every refused request;
 *  - never pollutes a prototype of the process serving it.
 *
 * Requests are built from the operation's parameters and request schema in openapi.json, so a new
 * route is fuzzed as soon as the document lists it (and a route the running app serves that the
 * document lacks is fuzzed by the last test). Each operation is called as the roles that get past
 * its role guard (the secretariat and an applicant first), so requests reach validation, and its
 * path ids are drawn from a fixture world (a draft, a submitted note, a meeting…) as well as from
 * random UUIDs and junk. Bodies start from ones the fixture world had accepted (or from the
 * schema) and are then broken in one to three places. Besides the random runs, a sweep sends every
 * valid body once with each of its values (at any depth) replaced by null.
 *
 * FUZZ_RUNS sets the requests per operation (default 15; a full run: FUZZ_RUNS=500). A failure prints
 * the request and fast-check's seed: FUZZ_SEED=<seed> with `-t '<METHOD> <path>'` replays it,
 * FUZZ_SHRINK=1 shrinks it first, FUZZ_STATS=1 prints per operation how often each status and code
 * was answered (to see that requests get past validation).
 */

const RUNS = Math.max(1, Number(process.env.FUZZ_RUNS) || 15);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
/** FUZZ_STATS=1 prints, per operation, how often each status and code was answered. */
const STATS = process.env.FUZZ_STATS === '1';
/** Per operation: generous, so a full run (or shrinking after a failure) is not cut short. */
const TIMEOUT_MS = 30_000 + RUNS * 500;
/**
 * The sweeps send a fixed number of requests (every field of every body), whatever FUZZ_RUNS; on
 * a busy two-core machine they take a few minutes at most. A sweep that timed out would go on
 * sending requests in the background and disturb the next test's fingerprints, so the bound is wide.
 */
const SWEEP_TIMEOUT_MS = 8 * 60_000;

// ---------------------------------------------------------------------------------------------
// The OpenAPI document

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

interface Schema {
  $ref?: string;
  allOf?: Schema[];
  type?: string;
  format?: string;
  enum?: unknown[];
  example?: unknown;
  default?: unknown;
  nullable?: boolean;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Schema;
}

interface OpenApiOperation {
  operationId?: string;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema?: Schema }> };
  security?: unknown[];
}

interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, Schema> };
}

interface Operation {
  method: Method;
  /** The path as the document writes it: `/api/v1/concept-notes/{id}`. */
  path: string;
  parameters: Parameter[];
  body?: { contentType: string; schema: Schema };
  secured: boolean;
}

const METHODS: Method[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

function operationsOf(document: OpenApiDocument): Operation[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method.toUpperCase() as Method))
      .map(([method, op]) => {
        const [contentType, media] = Object.entries(op.requestBody?.content ?? {})[0] ?? [];
        return {
          method: method.toUpperCase() as Method,
          path,
          parameters: op.parameters ?? [],
          body: contentType ? { contentType, schema: media?.schema ?? {} } : undefined,
          secured: (op.security ?? []).length > 0,
        };
      }),
  );
}

const DOCUMENT = JSON.parse(readFileSync(join(__dirname, '../../openapi.json'), 'utf8')) as OpenApiDocument;
const OPERATIONS = operationsOf(DOCUMENT);
const operationName = (op: Pick<Operation, 'method' | 'path'>) => `${op.method} ${op.path}`;

/** Follows $ref and merges allOf, so a generator sees one plain schema. */
function resolve(schema: Schema | undefined, document: OpenApiDocument = DOCUMENT, seen = 0): Schema {
  if (!schema || seen > 20) return {};
  if (schema.$ref) {
    const name = schema.$ref.split('/').pop()!;
    const { $ref: _ref, ...rest } = schema;
    return { ...resolve(document.components?.schemas?.[name], document, seen + 1), ...rest };
  }
  if (schema.allOf) {
    const { allOf, ...rest } = schema;
    const parts = allOf.map((part) => resolve(part, document, seen + 1));
    // `Object` is what the generator writes for a property typed as a union: it constrains nothing.
    const constraining = parts.filter(
      (p) => !(p.type === 'object' && Object.keys(p.properties ?? {}).length === 0),
    );
    return Object.assign({}, ...constraining, rest) as Schema;
  }
  return schema;
}

// ---------------------------------------------------------------------------------------------
// Nasty values

/** A property key defined as an own, enumerable property (so `__proto__` is a key, not a setter). */
function withKey<T extends object>(target: T, key: string, value: unknown): T {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  return target;
}

/** The marker a successful prototype pollution would leave on Object.prototype. */
const POLLUTION_MARK = 'fuzzPolluted';
const POLLUTION_KEYS = ['__proto__', 'constructor', 'prototype'];

function pollutionPayloads(): unknown[] {
  return [
    { [POLLUTION_MARK]: true },
    { prototype: { [POLLUTION_MARK]: true } },
    withKey({}, '__proto__', { [POLLUTION_MARK]: true }),
    { toString: 'x', valueOf: 1, hasOwnProperty: null, [POLLUTION_MARK]: 'yes' },
  ];
}

function deep(levels: number, leaf: unknown, kind: 'object' | 'array' | 'proto'): unknown {
  let value = leaf;
  for (let i = 0; i < levels; i++) {
    value =
      kind === 'array' ? [value] : kind === 'proto' ? withKey({ a: 1 }, '__proto__', value) : { a: value };
  }
  return value;
}

const SPECIAL_CHARS = [
  '\u0000', // NUL
  '\ud800', // lone high surrogate
  '\udfff', // lone low surrogate
  '\u202e', // right-to-left override
  '\u200f', // right-to-left mark
  '\u200d', // zero-width joiner
  '\u200b', // zero-width space
  '\ufeff', // byte-order mark
  '\u0301', // combining acute accent
  '\u2028', // line separator
  '\uffff',
  '\u001b',
  '\r\n',
  '\t',
  '👨‍👩‍👧‍👦',
  '🏳️‍🌈',
  '💥',
  '𝕏',
  'İ',
  'ß',
  'ﷺ',
  '"',
  '\\',
  "'",
  '<',
  '%',
  '%00',
  '../',
];

const specialChar = fc.constantFrom(...SPECIAL_CHARS);
const nastyChar = fc.oneof(
  { arbitrary: specialChar, weight: 3 },
  { arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), weight: 2 },
  { arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)), weight: 1 },
  { arbitrary: fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)), weight: 1 },
);

const UNICODE_SAMPLES = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud83d',
  'x\udc00y',
  '\u202eevil\u202c',
  'مشروع الهجرة',
  '‏עברית‏',
  'Z̷̧̛̩͓a̸̛͈l̵̢̰g̷̱̓o̵̺͑',
  'e\u0301'.repeat(50),
  '\u0301\u0301\u0301',
  '👩🏽‍💻👨‍👩‍👧‍👦🏴󠁧󠁢󠁳󠁣󠁴󠁿',
  '\ufeffIOM',
  'SRB\u200d',
  'TA2\u0000',
  'null',
  'undefined',
  'NaN',
  'true',
  '0',
  '-1',
  '[]',
  '{}',
  '{"__proto__":{"fuzzPolluted":true}}',
  "'; DROP TABLE users; --",
  '${7*7}{{7*7}}',
  '2027-02-30T25:61',
  '0000-00-00',
  '9999-12-31T23:59:59.999Z',
  'Europe/Atlantis',
];

const LONG_STRINGS = fc
  .tuple(
    fc.constantFrom(256, 301, 2_001, 5_001, 10_001, 20_001, 100_000, 900_000),
    fc.constantFrom('a', 'é', '💥', 'e\u0301', '\u0000', ' '),
  )
  .map(([n, unit]) => unit.repeat(Math.ceil(n / unit.length)));

const nastyString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...UNICODE_SAMPLES), weight: 4 },
  { arbitrary: fc.string({ unit: nastyChar, maxLength: 12 }), weight: 4 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 24 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 24 }), weight: 2 },
  { arbitrary: LONG_STRINGS, weight: 1 },
);

const nastyNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(
    0,
    -0,
    -1,
    1,
    0.5,
    1.005,
    0.001,
    99.999,
    -1e21,
    1e21,
    2 ** 31,
    2 ** 53,
    2 ** 53 + 2,
    Number.MAX_VALUE,
    Number.MIN_VALUE,
    -Number.MAX_VALUE,
  ),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
);

/** JSON literals JSON.stringify cannot write (Infinity, precision beyond a double…), spliced into the text. */
const RAW_NUMBERS = [
  '1e999',
  '-1e999',
  '123456789012345678901234567890',
  '1.00000000000000000001',
  '1e-400',
  '-0.0',
];

const HUGE_ARRAYS = [
  () => new Array(10_000).fill(1),
  () => new Array(10_000).fill('SRB'),
  () => new Array(2_000).fill({ organizationCode: 'IOM', directCostsUsd: 1 }),
  () => new Array(100_000).fill(0),
];

const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: nastyString, weight: 5 },
  { arbitrary: nastyNumber, weight: 3 },
  {
    arbitrary: fc.constantFrom(null, true, false, [], {}, [null], [[]], { a: 1 }, ['a', 1, null], [{}]),
    weight: 4,
  },
  { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 2 },
  { arbitrary: fc.constantFrom(...pollutionPayloads()), weight: 2 },
  {
    arbitrary: fc
      .tuple(
        fc.constantFrom<'object' | 'array' | 'proto'>('object', 'array', 'proto'),
        fc.constantFrom(200, 201, 2_000),
      )
      .map(([kind, levels]) => deep(levels, { [POLLUTION_MARK]: true }, kind)),
    weight: 1,
  },
  { arbitrary: fc.constantFrom(...HUGE_ARRAYS).map((make) => make()), weight: 1 },
  { arbitrary: fc.constantFrom(...RAW_NUMBERS).map((raw) => `@@raw:${raw}@@`), weight: 1 },
);

const nastyKey: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...POLLUTION_KEYS), weight: 4 },
  {
    arbitrary: fc.constantFrom(
      'toString',
      'valueOf',
      'hasOwnProperty',
      '__defineGetter__',
      '',
      ' ',
      'id',
      'status',
    ),
    weight: 2,
  },
  { arbitrary: nastyString.filter((s) => s.length < 200), weight: 1 },
);

/** `arbitrary` in `percent` % of the values, null otherwise (unlike fc.option, whose `freq` sets how rare null is). */
function sometimes<T>(arbitrary: fc.Arbitrary<T>, percent: number): fc.Arbitrary<T | null> {
  return fc.oneof({ arbitrary: fc.constant(null), weight: 100 - percent }, { arbitrary, weight: percent });
}

/** Percent-encodes the UTF-8 bytes of `text` (lone surrogates become U+FFFD, as any client would send). */
function percentEncode(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const char = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Path segments and query fragments sent as they are: broken percent-encoding, dot segments. */
const RAW_URL_FRAGMENTS = [
  '%',
  '%ZZ',
  '%00',
  '%E0%A4%A',
  '%C0%AF',
  '%uD800',
  '%F0%9F%98',
  '..',
  '.',
  '%2e%2e',
  '%2F',
  'a%2Fb',
  '%252F',
];

// ---------------------------------------------------------------------------------------------
// Valid-looking values from a schema (the starting point mutations break)

interface Pools {
  /** Every id of the fixture world (users, notes, meetings…): what a uuid field may name. */
  anyIds: string[];
  /** Valid values per path parameter, chosen by the resource the path names. */
  pathValues(op: Operation, name: string): string[];
  /** Bodies the operation accepted while the fixture world was built: the best starting points. */
  seeds(op: Operation): unknown[];
}

/** Words, mostly: free text that passes length checks, so a request gets past validation. */
function text(minLength = 0, maxLength = 60): fc.Arbitrary<string> {
  const max = Math.max(minLength, Math.min(maxLength, 60));
  return fc.oneof(
    {
      arbitrary: fc
        .lorem({ maxCount: 8 })
        .map((words) => (words.length >= minLength ? words : words.padEnd(minLength, 'x')).slice(0, max)),
      weight: 3,
    },
    { arbitrary: fc.string({ minLength, maxLength: max }), weight: 1 },
  );
}

/** `every`: with every property of every object, not just the required ones. */
function validValue(
  schema: Schema | undefined,
  pools: Pools,
  depth = 0,
  every = false,
): fc.Arbitrary<unknown> {
  const s = resolve(schema);
  let arb: fc.Arbitrary<unknown>;
  if (depth > 8) return fc.constant({});
  // A bare `object` is how the generator writes a union (a number or null, say): it says nothing.
  const bare = s.type === 'object' && Object.keys(s.properties ?? {}).length === 0;
  const declared = bare ? undefined : s.type;
  const type = declared ?? (s.minimum !== undefined || s.maximum !== undefined ? 'integer' : undefined);
  if (s.enum && s.enum.length > 0) {
    arb = fc.constantFrom(...s.enum);
  } else if (type === 'string') {
    arb =
      s.format === 'uuid'
        ? fc.oneof({ arbitrary: fc.constantFrom(...pools.anyIds), weight: 4 }, fc.uuid())
        : text(s.minLength ?? 0, s.maxLength ?? 60);
  } else if (type === 'number' || type === 'integer') {
    arb = fc.integer({ min: Math.ceil(s.minimum ?? 0), max: Math.floor(s.maximum ?? 1_000_000) });
  } else if (type === 'boolean') {
    arb = fc.boolean();
  } else if (type === 'array') {
    arb = fc.array(validValue(s.items, pools, depth + 1, every), { minLength: every ? 1 : 0, maxLength: 3 });
  } else if (s.properties && !bare) {
    const props = Object.fromEntries(
      Object.entries(s.properties).map(([key, value]) => [key, validValue(value, pools, depth + 1, every)]),
    );
    const required = every ? Object.keys(props) : (s.required ?? []).filter((key) => key in props);
    arb = fc.record(props, { requiredKeys: required });
  } else {
    // Untyped (a union the generator could not describe): text or a number.
    arb = fc.oneof(text(), fc.integer({ min: 0, max: 1_000_000 }));
  }
  if (s.example !== undefined) arb = fc.oneof({ arbitrary: fc.constant(s.example), weight: 3 }, arb);
  if (s.default !== undefined) arb = fc.oneof(arb, fc.constant(s.default));
  if (s.nullable) arb = fc.oneof({ arbitrary: arb, weight: 4 }, fc.constant(null));
  return arb;
}

/** A scalar valid for the parameter's schema, written as a query or header value. */
function validText(schema: Schema | undefined, pools: Pools): fc.Arbitrary<string> {
  const s = resolve(schema);
  return validValue(s, pools).map((value) => (typeof value === 'string' ? value : JSON.stringify(value)));
}

// ---------------------------------------------------------------------------------------------
// Mutations of a valid body

type Mutation =
  | { kind: 'replace'; at: number; value: unknown }
  | { kind: 'taint'; at: number; char: string; position: number }
  | { kind: 'addKey'; at: number; key: string; value: unknown }
  | { kind: 'drop'; at: number; which: number }
  | { kind: 'retype'; at: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  {
    arbitrary: fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: nastyValue }),
    weight: 5,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('taint' as const),
      at: fc.nat(),
      char: nastyChar,
      position: fc.nat(),
    }),
    weight: 3,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('addKey' as const),
      at: fc.nat(),
      key: nastyKey,
      value: fc.oneof(nastyValue, fc.constantFrom(...pollutionPayloads())),
    }),
    weight: 3,
  },
  { arbitrary: fc.record({ kind: fc.constant('drop' as const), at: fc.nat(), which: fc.nat() }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('retype' as const), at: fc.nat() }), weight: 2 },
);

interface Slot {
  /** Where the value sits, as validation errors name it (`participatingOrganizations.0.directCostsUsd`). */
  path: string;
  get(): unknown;
  set(value: unknown): void;
}

/** Every value inside `root` (itself included), each with a way to replace it. */
function slots(holder: { root: unknown }): Slot[] {
  const out: Slot[] = [{ path: '', get: () => holder.root, set: (v) => (holder.root = v) }];
  const visit = (value: unknown, path: string, depth: number) => {
    if (depth > 12 || value === null || typeof value !== 'object') return;
    for (const key of Object.keys(value)) {
      const container = value as Record<string, unknown>;
      const at = path ? `${path}.${key}` : key;
      out.push({ path: at, get: () => container[key], set: (v) => withKey(container, key, v) });
      visit(container[key], at, depth + 1);
    }
  };
  visit(holder.root, '', 0);
  return out;
}

/** A copy with own `__proto__` keys kept as keys (JSON.parse defines them, object spread would not). */
const copy = <T>(value: T): T => (value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T));

function mutate(body: unknown, mutations: Mutation[]): unknown {
  const holder = { root: copy(body) };
  for (const m of mutations) {
    const all = slots(holder);
    const slot = all[m.at % all.length];
    const current = slot.get();
    switch (m.kind) {
      case 'replace':
        slot.set(copy(m.value));
        break;
      case 'taint':
        if (typeof current === 'string') {
          const at = m.position % (current.length + 1);
          slot.set(current.slice(0, at) + m.char + current.slice(at));
        } else slot.set(`${JSON.stringify(current) ?? ''}${m.char}`);
        break;
      case 'addKey': {
        const target =
          current !== null && typeof current === 'object' && !Array.isArray(current) ? current : undefined;
        if (target) withKey(target, m.key, copy(m.value));
        else slot.set(withKey({}, m.key, copy(m.value)));
        break;
      }
      case 'drop':
        if (current !== null && typeof current === 'object') {
          const keys = Object.keys(current);
          if (keys.length > 0) delete (current as Record<string, unknown>)[keys[m.which % keys.length]];
        }
        break;
      case 'retype':
        // The same content in the wrong JSON type: numbers as strings, arrays as objects and back.
        slot.set(
          typeof current === 'number' || typeof current === 'boolean'
            ? String(current)
            : typeof current === 'string'
              ? Number(current) || current.length
              : Array.isArray(current)
                ? { ...current }
                : current !== null && typeof current === 'object'
                  ? [current]
                  : {},
        );
        break;
    }
  }
  return holder.root;
}

/** JSON text, with `@@raw:…@@` strings spliced in as bare literals. */
function toJson(value: unknown): string {
  return (JSON.stringify(value) ?? '').replace(/"@@raw:([^"@]*)@@"/g, '$1');
}

// ---------------------------------------------------------------------------------------------
// Requests

interface Payload {
  label: string;
  contentType?: string;
  data?: string | Buffer;
}

const MALFORMED_JSON = [
  '{',
  '}',
  '{"a":',
  '{"a":1,}',
  '[1,2',
  "{'a':1}",
  '{a:1}',
  'undefined',
  'NaN',
  '{"a":NaN}',
  '{"a":Infinity}',
  '{"a":1}{"b":2}',
  '{"a":1} trailing',
  '\ufeff{}',
  '{"a":"\\x41"}',
  '{"a":"\\u12"}',
  '{"a":"unterminated}',
  '{"a":01}',
  '{"a":-}',
  '{"a":.5}',
  '{"a":+1}',
  '\u0000',
  '{"__proto__":{"fuzzPolluted":true}}',
  '{"a":{"__proto__":{"fuzzPolluted":true}}}',
  '{"constructor":{"prototype":{"fuzzPolluted":true}}}',
  '[{"constructor":{"prototype":{"fuzzPolluted":true}}}]',
  '{"a":1,"a":2,"__proto__":[]}',
  '"just a string"',
  '42',
  'null',
  'true',
  '[]',
  `${'['.repeat(5_000)}${']'.repeat(5_000)}`,
  `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`,
];

const WRONG_CONTENT_TYPES = [
  'text/plain',
  'text/plain; charset=utf-8',
  'application/x-www-form-urlencoded',
  'application/xml',
  'application/octet-stream',
  'multipart/form-data',
  'multipart/form-data; boundary=fuzz',
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'application/jsonx',
  'APPLICATION/JSON',
  'application/json; boundary=x; charset=utf-8; q=0.1',
  'image/png',
  '*/*',
  ';',
  'application/',
];

function multipartBody(
  parts: { name: string; filename?: string; type?: string; data: Buffer }[],
  boundary: string,
) {
  return Buffer.concat([
    ...parts.map((part) =>
      Buffer.concat([
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"${
            part.filename === undefined ? '' : `; filename="${part.filename}"`
          }\r\nContent-Type: ${part.type ?? 'application/octet-stream'}\r\n\r\n`,
        ),
        part.data,
        Buffer.from('\r\n'),
      ]),
    ),
    Buffer.from(`--${boundary}--\r\n`),
  ]);
}

function payloadArb(op: Operation, pools: Pools): fc.Arbitrary<Payload | undefined> {
  const json = (label: string, value: unknown, contentType = 'application/json'): Payload => ({
    label,
    contentType,
    data: toJson(value),
  });
  const common: fc.WeightedArbitrary<Payload | undefined>[] = [
    {
      arbitrary: fc
        .constantFrom(...MALFORMED_JSON)
        .map((data) => ({ label: 'malformed JSON', contentType: 'application/json', data })),
      weight: 2,
    },
    {
      arbitrary: fc
        .tuple(
          fc.constantFrom(...WRONG_CONTENT_TYPES),
          fc.oneof(fc.constant('{"a":1}'), fc.constant('a=1&b=2'), nastyString),
        )
        .map(([contentType, data]) => ({ label: 'wrong content type', contentType, data })),
      weight: 2,
    },
    {
      arbitrary: fc.constantFrom<Payload>(
        { label: 'empty JSON body', contentType: 'application/json', data: '' },
        { label: 'whitespace JSON body', contentType: 'application/json', data: ' \r\n' },
        {
          label: 'body larger than the limit',
          contentType: 'application/json',
          data: `{"a":"${'x'.repeat(1_100_000)}"}`,
        },
        { label: 'body without a content type', data: '{"a":1}' },
      ),
      weight: 1,
    },
    { arbitrary: fc.jsonValue({ maxDepth: 4 }).map((value) => json('random JSON', value)), weight: 1 },
  ];

  if (!op.body && op.method === 'GET') return fc.constant(undefined);
  if (!op.body) {
    // Actions without a body: nothing (usual), or a body they must not choke on.
    return fc.oneof({ arbitrary: fc.constant(undefined), weight: 10 }, ...common);
  }
  if (op.body.contentType.startsWith('multipart/')) {
    const boundary = 'fuzzboundary';
    return fc.oneof(
      ...common,
      {
        arbitrary: fc
          .tuple(
            fc.oneof(nastyString, fc.constantFrom('a.pdf', '../../etc/passwd', 'x.exe', '')),
            fc.constantFrom('file', 'other', '__proto__', ''),
            fc.uint8Array({ maxLength: 64 }),
          )
          .map(([filename, name, bytes]) => ({
            label: 'multipart with an odd file',
            contentType: `multipart/form-data; boundary=${boundary}`,
            data: multipartBody(
              [{ name, filename: filename.replace(/["\r\n]/g, '_'), data: Buffer.from(bytes) }],
              boundary,
            ),
          })),
        weight: 3,
      },
      {
        arbitrary: fc.constantFrom<Payload>(
          {
            label: 'multipart without parts',
            contentType: `multipart/form-data; boundary=${boundary}`,
            data: `--${boundary}--\r\n`,
          },
          {
            label: 'multipart cut short',
            contentType: `multipart/form-data; boundary=${boundary}`,
            data: `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF`,
          },
          {
            label: 'multipart, field only',
            contentType: `multipart/form-data; boundary=${boundary}`,
            data: multipartBody([{ name: 'kind', data: Buffer.from('template') }], boundary),
          },
          {
            label: 'multipart, two files',
            contentType: `multipart/form-data; boundary=${boundary}`,
            data: multipartBody(
              [
                { name: 'file', filename: 'a.pdf', data: Buffer.from('%PDF-1.4') },
                { name: 'file', filename: 'b.pdf', data: Buffer.from('%PDF-1.4') },
              ],
              boundary,
            ),
          },
          { label: 'multipart without a boundary', contentType: 'multipart/form-data', data: 'x' },
          { label: 'JSON to a multipart route', contentType: 'application/json', data: '{"file":"x"}' },
        ),
        weight: 3,
      },
    );
  }
  const seeds = pools.seeds(op);
  const generated = validValue(op.body.schema, pools);
  const valid = seeds.length > 0 ? fc.oneof(fc.constantFrom(...seeds), generated) : generated;
  return fc.oneof(
    ...common,
    { arbitrary: valid.map((value) => json('valid body', value)), weight: 1 },
    {
      arbitrary: fc
        .tuple(valid, fc.array(mutation, { minLength: 1, maxLength: 3 }))
        .map(([value, mutations]) => json('mutated body', mutate(value, mutations))),
      weight: 10,
    },
    {
      // Pollution keys at every depth of an otherwise valid body.
      arbitrary: fc
        .tuple(valid, fc.nat(), fc.constantFrom(...POLLUTION_KEYS), fc.constantFrom(...pollutionPayloads()))
        .map(([value, at, key, poison]) =>
          json('pollution key', mutate(value, [{ kind: 'addKey', at, key, value: poison }])),
        ),
      weight: 3,
    },
    {
      arbitrary: fc.tuple(valid, fc.nat()).map(([value, cut]) => {
        const text = toJson(value);
        return {
          label: 'truncated JSON',
          contentType: 'application/json',
          data: text.slice(0, cut % Math.max(text.length, 1)),
        };
      }),
      weight: 1,
    },
    {
      arbitrary: fc
        .tuple(valid, fc.constantFrom(...WRONG_CONTENT_TYPES))
        .map(([value, contentType]) => json('valid body, wrong content type', value, contentType)),
      weight: 1,
    },
  );
}

type PathValue = { text: string; raw?: boolean };

function pathValueArb(op: Operation, name: string, pools: Pools): fc.Arbitrary<PathValue> {
  const valid = pools.pathValues(op, name);
  const junk: fc.WeightedArbitrary<PathValue>[] = [
    { arbitrary: fc.uuid().map((text) => ({ text })), weight: 3 },
    {
      arbitrary: fc
        .constantFrom(
          '00000000-0000-0000-0000-000000000000',
          'ffffffff-ffff-ffff-ffff-ffffffffffff',
          '00000000000000000000000000000000',
          '{00000000-0000-0000-0000-000000000000}',
          `${randomUUID()}\u0000`,
          ` ${randomUUID()}`,
          `${randomUUID()}x`,
          '0',
          '1',
          '2',
          '-1',
          '1.5',
          '1e3',
          '99999999999999999999',
          '9007199254740993',
          'NaN',
          'Infinity',
          '0x10',
          'null',
          'undefined',
          'mine',
          'IOM',
        )
        .map((text) => ({ text })),
      weight: 2,
    },
    { arbitrary: nastyString.map((text) => ({ text })), weight: 2 },
    { arbitrary: fc.constantFrom(...RAW_URL_FRAGMENTS).map((text) => ({ text, raw: true })), weight: 1 },
  ];
  if (valid.length === 0) return fc.oneof(...junk);
  return fc.oneof(
    { arbitrary: fc.constantFrom(...valid).map((text) => ({ text })), weight: 8 },
    { arbitrary: fc.constantFrom(...valid).map((text) => ({ text: text.toUpperCase() })), weight: 1 },
    ...junk,
  );
}

type QueryPair = [string, string];

function queryArb(op: Operation, pools: Pools): fc.Arbitrary<{ pairs: QueryPair[]; raw?: string }> {
  const params = op.parameters.filter((p) => p.in === 'query');
  const nastyQueryValue = fc.oneof(
    {
      arbitrary: fc.constantFrom(
        '',
        '0',
        '-1',
        '101',
        '1e3',
        '1.5',
        'NaN',
        '99999999999999999999999',
        'true',
        'null',
        '[]',
        '{}',
      ),
      weight: 2,
    },
    { arbitrary: nastyString.filter((s) => s.length < 10_000), weight: 3 },
  );
  // Valid values (or none), then one or two of them broken or repeated: a request that fails on
  // one parameter at a time gets as far as that parameter allows.
  const own = fc.tuple(
    ...params.map((p) =>
      sometimes(validText(p.schema, pools), p.required ? 95 : 60).map((v) => [p.name, v] as const),
    ),
  );
  const breaks = fc.array(fc.record({ at: fc.nat(), value: nastyQueryValue, repeat: fc.boolean() }), {
    maxLength: params.length > 0 ? 2 : 0,
  });
  const extra = fc.array(
    fc.tuple(
      fc.oneof(
        fc.constantFrom(
          ...POLLUTION_KEYS,
          '__proto__[fuzzPolluted]',
          'constructor[prototype][fuzzPolluted]',
          'a[b]',
          'page[]',
        ),
        nastyString.filter((s) => s.length < 100),
      ),
      nastyString.filter((s) => s.length < 1_000),
    ),
    { minLength: 1, maxLength: 2 },
  );
  return fc
    .tuple(
      own,
      breaks,
      sometimes(extra, 10),
      sometimes(fc.constantFrom(...RAW_URL_FRAGMENTS, '=', '&&', 'a=%E0%A4%A', '%=%'), 5),
    )
    .map(([values, broken, more, raw]) => {
      const pairs: QueryPair[] = values.flatMap(([name, v]) => (v === null ? [] : [[name, v] as QueryPair]));
      for (const b of broken) {
        const name = params[b.at % params.length].name;
        const index = pairs.findIndex(([key]) => key === name);
        if (b.repeat || index < 0) pairs.push([name, b.value]);
        else pairs[index] = [name, b.value];
      }
      return { pairs: [...pairs, ...(more ?? [])], raw: raw ?? undefined };
    });
}

const headerText = fc.oneof(
  fc.string({ unit: 'grapheme-ascii', maxLength: 60 }),
  fc.string({
    unit: fc
      .integer({ min: 0x20, max: 0xff })
      .filter((c) => c !== 0x7f)
      .map((c) => String.fromCharCode(c)),
    maxLength: 30,
  }),
  fc.constantFrom('', '*', 'W/"1"', '"1"', '1', '0', '-1', '99999999999999999999', 'null', 'x'.repeat(8_000)),
);

/** The If-Match value the resource answers now (read just before the request). */
const CURRENT_ETAG = '@@current-etag@@';

function headersArb(op: Operation, pools: Pools): fc.Arbitrary<Record<string, string>> {
  const params = op.parameters.filter((p) => p.in === 'header');
  const perParam = params.map((p) => {
    const valid =
      p.name.toLowerCase() === 'if-match'
        ? fc.constantFrom(CURRENT_ETAG, '"1"', '1')
        : p.name.toLowerCase() === 'idempotency-key'
          ? fc
              .string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 40 })
              .map((s) => `fuzz-${s.replace(/\s/g, '_')}`)
          : validText(p.schema, pools);
    return sometimes(fc.oneof({ arbitrary: valid, weight: 3 }, headerText), 70).map(
      (v) => [p.name, v] as const,
    );
  });
  return fc
    .tuple(
      fc.tuple(...perParam),
      sometimes(
        fc.constantFrom('application/xml', 'text/csv', '*/*', 'application/problem+json', '', 'x'),
        10,
      ),
    )
    .map(([pairs, accept]) => {
      const headers: Record<string, string> = {};
      for (const [name, v] of pairs) if (v !== null) headers[name.toLowerCase()] = v;
      if (accept !== null) headers.accept = accept;
      return headers;
    });
}

const BAD_AUTHORIZATION = [
  'Bearer',
  'Bearer ',
  'Bearer x',
  'Bearer a.b.c',
  'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
  'Basic dXNlcjpwYXNz',
  'bearer  ',
  `Bearer ${'x'.repeat(10_000)}`,
];

class FuzzRequest {
  constructor(
    readonly op: Operation,
    readonly actor: string,
    readonly path: Record<string, PathValue>,
    readonly query: { pairs: QueryPair[]; raw?: string },
    readonly headers: Record<string, string>,
    readonly payload: Payload | undefined,
    readonly authorization: string | undefined,
  ) {}

  url(): string {
    const path = this.op.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
      const value = this.path[name];
      return value.raw ? value.text : percentEncode(value.text);
    });
    const parts = this.query.pairs.map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`);
    if (this.query.raw) parts.push(this.query.raw);
    return parts.length > 0 ? `${path}?${parts.join('&')}` : path;
  }

  [fc.toStringMethod](): string {
    return describeRequest(this);
  }
}

const clip = (text: string, max = 600) =>
  text.length > max ? `${text.slice(0, max)}… (${text.length} characters)` : text;

function describeRequest(request: FuzzRequest): string {
  const data = request.payload?.data;
  return [
    `${request.op.method} ${clip(request.url(), 2_000)} as ${request.actor}`,
    request.authorization !== undefined ? `authorization: ${clip(request.authorization, 60)}` : '',
    Object.keys(request.headers).length ? `headers: ${clip(JSON.stringify(request.headers), 300)}` : '',
    request.payload
      ? `body (${request.payload.label}, ${request.payload.contentType ?? 'no content type'}): ${clip(
          typeof data === 'string' ? JSON.stringify(data) : JSON.stringify(data?.toString('latin1') ?? ''),
          4_000,
        )}`
      : '',
  ]
    .filter(Boolean)
    .join('\n  ');
}

function requestArb(op: Operation, actors: string[], pools: Pools): fc.Arbitrary<FuzzRequest> {
  const pathNames = op.parameters.filter((p) => p.in === 'path').map((p) => p.name);
  const pathArb =
    pathNames.length === 0
      ? fc.constant<Record<string, PathValue>>({})
      : fc.record(Object.fromEntries(pathNames.map((name) => [name, pathValueArb(op, name, pools)])));
  return fc
    .tuple(
      fc.constantFrom(...actors),
      pathArb,
      queryArb(op, pools),
      headersArb(op, pools),
      payloadArb(op, pools),
      sometimes(fc.constantFrom(...BAD_AUTHORIZATION), op.secured ? 4 : 20),
    )
    .map(
      ([who, path, query, headers, payload, authorization]) =>
        new FuzzRequest(op, who, path, query, headers, payload, authorization ?? undefined),
    );
}

// ---------------------------------------------------------------------------------------------
// The suite

type SignedIn = Awaited<ReturnType<typeof actor>>;

interface Answer {
  status: number;
  contentType: string;
  body: unknown;
  text: string;
}

describe('fuzzing every operation of openapi.json', () => {
  let system: TestSystem;
  const tokens: Record<string, string | undefined> = { anonymous: undefined };
  /** Actors in the order operations try them: the secretariat and an applicant first. */
  const ACTOR_NAMES = [
    'secretariat',
    'applicant',
    'admin',
    'resident_coordinator',
    'rc_office',
    'reviewer',
    'steering_committee',
  ];
  const world = {
    draftId: '',
    submittedId: '',
    inReviewId: '',
    meetingId: '',
    spareUserId: '',
    actorIds: [] as string[],
  };
  let fingerprintSql = '';
  const seeds = new Map<string, unknown[]>();
  const seed = (method: Method, template: string, body: Record<string, unknown>) => {
    const key = operationName({ method, path: template });
    seeds.set(key, [...(seeds.get(key) ?? []), copy(body)]);
  };
  const allowedActors = new Map<string, string[]>();
  /** Answers of the operation being fuzzed, by status and code (printed with FUZZ_STATS=1). */
  const outcomes = new Map<string, number>();

  beforeAll(async () => {
    // Tokens outlive a full run (FUZZ_RUNS=500 takes longer than the default 15 minutes).
    system = await startTestSystem({ env: { JWT_TTL: 'PT12H' } });
    const signedIn: Record<string, SignedIn> = {};
    const country = 'SRB';
    signedIn.secretariat = await actor(system, ['secretariat']);
    signedIn.applicant = await actor(system, ['applicant'], { organizationCode: 'IOM' });
    signedIn.admin = await actor(system, ['admin']);
    signedIn.resident_coordinator = await actor(system, ['resident_coordinator'], {
      countryCodes: [country],
    });
    signedIn.rc_office = await actor(system, ['rc_office'], { countryCodes: [country] });
    signedIn.reviewer = await actor(system, ['reviewer'], {
      organizationCode: 'UNHCR',
      thematicAreaCodes: ['TA4'],
    });
    signedIn.steering_committee = await actor(system, ['steering_committee']);
    for (const [name, who] of Object.entries(signedIn)) tokens[name] = who.token;
    world.actorIds = Object.values(signedIn).map((who) => who.user.id);
    const member = await actor(system, ['applicant'], { organizationCode: 'ILO' });
    world.spareUserId = (await createUser(system, { roles: ['applicant'], organizationCode: 'ILO' })).id;

    /** One setup request; its body, accepted, becomes a seed of the operation it was sent to. */
    const step = async (
      method: Method,
      template: string,
      ids: Record<string, string>,
      token: string,
      body: Record<string, unknown> | undefined,
      status: number,
    ): Promise<HttpAnswer> => {
      const url = template.replace(/\{(\w+)\}/g, (_, name: string) => ids[name]);
      const answer = await http(system, method, url, { token, body });
      if (answer.status !== status) {
        throw new Error(`${method} ${url}: ${answer.status} ${JSON.stringify(answer.body)}`);
      }
      if (body !== undefined) seed(method, template, body);
      return answer;
    };
    const year = new Date().getUTCFullYear() + 1;
    const secretariat = signedIn.secretariat.token;
    const applicant = signedIn.applicant.token;
    const meeting = {
      title: 'Fuzz meeting',
      kind: 'in_person',
      startsLocal: `${year}-06-01T10:00`,
      timeZone: 'UTC',
      location: 'Geneva',
      envelopeUsd: 5_000_000,
    };
    world.meetingId = (await step('POST', '/api/v1/meetings', {}, secretariat, meeting, 201)).body.id;
    seed('PATCH', '/api/v1/meetings/{id}', { title: 'Fuzz meeting, renamed', envelopeUsd: 6_000_000.5 });

    const national = { scope: 'national', countryCodes: [country] };
    seed('POST', '/api/v1/concept-notes', completeNote(national));
    seed('PATCH', '/api/v1/concept-notes/{id}', completeNote(national));
    seed('PATCH', '/api/v1/concept-notes/{id}', { title: 'A new title', durationMonths: 18 });
    world.draftId = await readyDraft(system, applicant, national);
    const draft = { id: world.draftId };
    await step(
      'PUT',
      '/api/v1/concept-notes/{id}/team',
      draft,
      applicant,
      { memberIds: [member.user.id] },
      200,
    );
    const comment = {
      body: 'Fuzz comment',
      visibility: 'team',
      needsAnswer: true,
      replyBy: `${year}-01-20T17:00:00Z`,
    };
    await step('POST', '/api/v1/concept-notes/{id}/comments', draft, secretariat, comment, 201);

    world.submittedId = await readyDraft(system, applicant, national);
    const submitted = { id: world.submittedId };
    await step(
      'POST',
      '/api/v1/concept-notes/{id}/endorsement-requests',
      submitted,
      applicant,
      undefined,
      200,
    );
    const endorsed = await step(
      'POST',
      '/api/v1/concept-notes/{id}/endorsements',
      submitted,
      signedIn.resident_coordinator.token,
      { decision: 'endorse', comment: 'Endorsed' },
      200,
    );
    expect(endorsed.body.status).toBe('submitted');
    // A third note in review, with a reviewer assigned: review-assignment ids that name something.
    world.inReviewId = await readyDraft(system, applicant, national);
    const inReview = { id: world.inReviewId };
    await step(
      'POST',
      '/api/v1/concept-notes/{id}/endorsement-requests',
      inReview,
      applicant,
      undefined,
      200,
    );
    const rc = signedIn.resident_coordinator.token;
    await step('POST', '/api/v1/concept-notes/{id}/endorsements', inReview, rc, { decision: 'endorse' }, 200);
    const manual = ['E9', 'E10', 'E11'].map((code) => ({ code, result: 'pass' }));
    const screening = { checklist: manual, outcome: 'eligible' };
    await step('POST', '/api/v1/concept-notes/{id}/screening', inReview, secretariat, screening, 201);
    const assignment = { reviewerId: signedIn.reviewer.user.id, dueAt: `${year}-02-01T17:00:00.000Z` };
    await step(
      'POST',
      '/api/v1/concept-notes/{id}/review-assignments',
      inReview,
      secretariat,
      assignment,
      201,
    );
    const scores = [4, 3, 3, 2, 4, 3, 2, 1, 4].map((score, i) => ({ code: `Q${i + 1}`, score }));
    seed('PUT', '/api/v1/review-assignments/{id}/review', { scores, recommendation: 'fund', submit: false });

    const delegation = {
      delegateId: signedIn.rc_office.user.id,
      startsOn: `${year}-01-04`,
      endsOn: `${year}-01-15`,
    };
    await step('POST', '/api/v1/delegations', {}, signedIn.resident_coordinator.token, delegation, 201);

    // Bodies of a valid shape for operations the world above does not call (sent only by the fuzzer).
    seed('POST', '/api/v1/auth/login', { email: 'nobody@test.mptf.org', password: 'not the password' });
    seed('POST', '/api/v1/auth/invitations/accept', {
      token: 'no-such-token',
      password: 'a long enough password',
    });
    seed('PATCH', '/api/v1/me', { name: 'Fuzz', locale: 'fr', timeZone: 'Europe/Zurich' });
    seed('POST', '/api/v1/users', {
      email: 'fuzz@test.mptf.org',
      name: 'Fuzz',
      roles: ['applicant'],
      organizationCode: 'IOM',
    });
    seed('PATCH', '/api/v1/users/{id}', { name: 'Fuzz', roles: ['reviewer'], thematicAreaCodes: ['TA2'] });
    seed('POST', '/api/v1/organizations', { code: 'FUZZ', name: 'Fuzz organization' });
    seed('PATCH', '/api/v1/organizations/{code}', { name: 'International Organization for Migration' });
    const rules = await http(system, 'GET', '/api/v1/fund-rules', { token: secretariat });
    if (rules.status === 200 && rules.body && typeof rules.body === 'object') {
      const body = rules.body as { rules?: Record<string, unknown> };
      seed('PUT', '/api/v1/fund-rules', body.rules ?? body);
    }
    seed('POST', '/api/v1/concept-notes/{id}/withdraw', { reason: 'No longer needed' });
    seed('POST', '/api/v1/concept-notes/{id}/lead', { userId: member.user.id });
    seed('POST', '/api/v1/meetings/{id}/agenda', { conceptNoteId: world.submittedId, reason: 'Urgent' });
    seed('PATCH', '/api/v1/meetings/{id}/agenda/{itemId}', { position: 1, groupLabel: 'TA4' });
    seed('POST', '/api/v1/concept-notes/{id}/screening', {
      checklist: manual,
      outcome: 'revision_requested',
      revisionKind: 'technical',
      points: ['Clarify the budget'],
    });
    seed('POST', '/api/v1/review-assignments/{id}/conflict', { reason: 'I advised the applicant' });
    seed('POST', '/api/v1/concept-notes/{id}/reviews/close', { reason: 'Enough reviews' });
    seed('POST', '/api/v1/meetings/{id}/decisions', {
      conceptNoteId: world.submittedId,
      outcome: 'funded',
      totalAmountUsd: 1_000_000,
      rationale: 'Strong proposal',
      fullProgrammeDueOn: `${year}-09-30`,
    });
    seed('POST', '/api/v1/decisions/{id}/corrections', { reason: 'Typo', rationale: 'Corrected' });

    // Every table but the security log (which records refused requests by design) and TypeORM's own.
    const tables = await system.dataSource.query<{ name: string }[]>(
      `SELECT table_name AS name FROM information_schema.tables
        WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
          AND table_name NOT IN ('security_events', 'migrations', 'typeorm_metadata')
        ORDER BY table_name`,
    );
    expect(tables.map((t) => t.name)).toEqual(
      expect.arrayContaining(['audit_events', 'concept_notes', 'meetings', 'users']),
    );
    fingerprintSql = tables
      .map(
        ({ name }) =>
          `SELECT '${name}' AS t, count(*)::text || '/' || coalesce(max(xmin::text::bigint), 0)::text AS v FROM "${name}"`,
      )
      .join(' UNION ALL ');
  }, 120_000);

  afterAll(() => system?.close());

  /** Row count and newest row version of each table: any committed insert, update or delete moves it. */
  async function fingerprint(): Promise<Record<string, string>> {
    const rows = await system.dataSource.query<{ t: string; v: string }[]>(fingerprintSql);
    return Object.fromEntries(rows.map((r) => [r.t, r.v]));
  }

  /** Ids of the world as it is now (fuzzed requests that succeed add to it). */
  async function pools(): Promise<Pools> {
    const ids = async (sql: string) =>
      (await system.dataSource.query<{ id: string }[]>(sql)).map((r) => r.id);
    const notes = [
      world.draftId,
      world.submittedId,
      world.inReviewId,
      ...(await ids(`SELECT id FROM concept_notes ORDER BY created_at DESC LIMIT 3`)),
    ];
    const meetings = [
      world.meetingId,
      ...(await ids(`SELECT id FROM meetings ORDER BY created_at DESC LIMIT 2`)),
    ];
    const table: Record<string, string[]> = {
      'concept-notes': notes,
      pipeline: notes,
      conceptNoteId: notes,
      meetings,
      users: [world.spareUserId],
      attachmentId: await ids(`SELECT id FROM attachments LIMIT 5`),
      itemId: await ids(`SELECT id FROM agenda_items LIMIT 5`),
      decisions: await ids(`SELECT id FROM decisions LIMIT 5`),
      decisionId: await ids(`SELECT id FROM decisions LIMIT 5`),
      'review-assignments': await ids(`SELECT id FROM review_assignments LIMIT 5`),
      delegations: await ids(`SELECT id FROM delegations LIMIT 5`),
      organizations: ['IOM', 'ILO', 'iom'],
      a: ['1', '2'],
      b: ['1', '2'],
    };
    const anyIds = [
      ...new Set([
        ...notes,
        ...meetings,
        ...world.actorIds,
        world.spareUserId,
        ...Object.values(table).flat(),
      ]),
    ].filter((id) => /^[0-9a-f-]{36}$/.test(id));
    return {
      anyIds,
      seeds: (op) => seeds.get(operationName(op)) ?? [],
      pathValues(op, name) {
        if (table[name]) return table[name];
        const segments = op.path.split('/');
        const before = segments[segments.indexOf(`{${name}}`) - 1];
        return table[before] ?? anyIds;
      },
    };
  }

  async function send(request: FuzzRequest): Promise<Answer> {
    const headers: Record<string, string> = { ...request.headers };
    const token = tokens[request.actor];
    if (request.authorization !== undefined) headers.authorization = request.authorization;
    else if (token) headers.authorization = `Bearer ${token}`;
    if (headers['if-match'] === CURRENT_ETAG) {
      const read = await system.app.inject({
        method: 'GET',
        url: request.url(),
        headers: { authorization: headers.authorization ?? '' },
      });
      headers['if-match'] = String(read.headers.etag ?? '"0"');
    }
    if (request.payload?.contentType !== undefined) headers['content-type'] = request.payload.contentType;
    const response = await system.app.inject({
      method: request.op.method,
      url: request.url(),
      headers,
      payload: request.payload?.data,
    });
    const contentType = String(response.headers['content-type'] ?? '');
    let body: unknown = response.body;
    if (/json/.test(contentType)) {
      try {
        body = JSON.parse(response.body);
      } catch {
        body = response.body;
      }
    }
    return { status: response.statusCode, contentType, body, text: response.body };
  }

  const PROTOTYPES = [
    Object.prototype,
    Array.prototype,
    Function.prototype,
    String.prototype,
    Number.prototype,
  ];
  const prototypeKeys = () =>
    PROTOTYPES.map((p) => Reflect.ownKeys(p).map(String).sort().join(',')).join('|');
  const pristinePrototypes = prototypeKeys();

  /** What is wrong with the answer to one request (empty when nothing is). */
  async function violations(request: FuzzRequest): Promise<string[]> {
    const before = await fingerprint();
    const answer = await send(request);
    const problems: string[] = [];
    const body = (answer.body ?? {}) as { code?: unknown; status?: unknown; errors?: unknown };
    const outcome = `${answer.status} ${typeof body.code === 'string' ? body.code : ''}`.trim();
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    if (answer.status >= 500) problems.push(`answered ${answer.status}`);
    if (answer.status >= 400) {
      if (!answer.contentType.startsWith('application/problem+json'))
        problems.push(`a ${answer.status} of type "${answer.contentType}", not application/problem+json`);
      if (typeof body.code !== 'string' || body.code.length === 0)
        problems.push(`a ${answer.status} without a code`);
      if (body.status !== answer.status)
        problems.push(`a ${answer.status} whose problem says status ${String(body.status)}`);
      if (answer.status === 400 && body.code === 'VALIDATION_FAILED') {
        const errors = body.errors as { field?: unknown }[] | undefined;
        if (
          !Array.isArray(errors) ||
          errors.length === 0 ||
          !errors.every((e) => typeof e?.field === 'string' && e.field.length > 0)
        )
          problems.push('a VALIDATION_FAILED that names no field');
      }
      const after = await fingerprint();
      const changed = Object.keys({ ...before, ...after }).filter((t) => before[t] !== after[t]);
      if (changed.length > 0)
        problems.push(`refused with ${answer.status}, yet changed ${changed.join(', ')}`);
    }
    if (
      prototypeKeys() !== pristinePrototypes ||
      ({} as Record<string, unknown>)[POLLUTION_MARK] !== undefined
    )
      problems.push('a prototype of the server process was polluted');
    if (problems.length > 0) problems.push(`answer: ${answer.status} ${clip(answer.text, 800)}`);
    return problems;
  }

  /** The actors whose roles get past the operation's role guard (403 for the others). */
  async function actorsFor(op: Operation): Promise<string[]> {
    const key = operationName(op);
    const known = allowedActors.get(key);
    if (known) return known;
    if (!op.secured) return ['anonymous', 'secretariat'];
    const probe = op.path.replace(/\{([^}]+)\}/g, (_, name: string) =>
      name === 'code' ? 'ZZZ' : randomUUID(),
    );
    const allowed: string[] = [];
    for (const name of ACTOR_NAMES) {
      const answer = await system.app.inject({
        method: op.method,
        url: probe,
        headers: { authorization: `Bearer ${tokens[name]}` },
      });
      if (answer.statusCode !== 403 && answer.statusCode !== 401) allowed.push(name);
    }
    const result = allowed.length > 0 ? allowed : ['secretariat'];
    allowedActors.set(key, result);
    return result;
  }

  async function fuzz(op: Operation): Promise<void> {
    outcomes.clear();
    const arbitrary = requestArb(op, await actorsFor(op), await pools());
    await fc.assert(
      fc.asyncProperty(arbitrary, async (request) => {
        const problems = await violations(request);
        if (problems.length > 0) throw new Error(problems.join('\n'));
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: process.env.FUZZ_SHRINK !== '1' },
    );
    if (STATS) {
      const counts = [...outcomes].sort((a, b) => b[1] - a[1]).map(([o, n]) => `${n}× ${o}`);
      console.log(`${operationName(op)}\n  ${counts.join('\n  ')}`);
    }
  }

  it('has a fingerprint that notices any committed write, even one that changes no value', async () => {
    const before = await fingerprint();
    await system.dataSource.query(`UPDATE meetings SET title = title WHERE id = $1`, [world.meetingId]);
    const after = await fingerprint();
    expect(after.meetings).not.toBe(before.meetings);
    expect({ ...after, meetings: '' }).toEqual({ ...before, meetings: '' });
  });

  it.each(OPERATIONS.map((op) => [operationName(op), op] as const))(
    '%s',
    (_name, op) => fuzz(op),
    TIMEOUT_MS,
  );

  it(
    'also fuzzes the routes the running app serves that openapi.json does not list yet',
    async () => {
      const live = operationsOf(buildOpenApi(system.app) as unknown as OpenApiDocument);
      const listed = new Set(OPERATIONS.map(operationName));
      const missing = live.filter((op) => !listed.has(operationName(op)));
      for (const op of missing) await fuzz(op);
      expect(live.length).toBeGreaterThan(0);
    },
    TIMEOUT_MS * 2,
  );

  /**
   * Every operation with a JSON body, each valid body (every seed, alone and completed with every
   * property the schema lists), each caller: `replacements` says what to put in place of each value,
   * one at a time. A sweep, not a sample: what it tries, it tries everywhere.
   */
  async function sweepBodies(
    label: string,
    replacements: (value: unknown) => unknown[],
    callers: (op: Operation) => Promise<string[]>,
  ): Promise<string[]> {
    const world = await pools();
    const failures: string[] = [];
    for (const op of OPERATIONS.filter((o) => o.body?.contentType === 'application/json')) {
      const [full] = fc.sample(validValue(op.body!.schema, world, 0, true), { numRuns: 1, seed: 42 });
      const seeded = world.seeds(op) as Record<string, unknown>[];
      const bodies =
        seeded.length > 0 ? seeded.flatMap((seed) => [seed, { ...(full as object), ...seed }]) : [full];
      const path = Object.fromEntries(
        op.parameters
          .filter((p) => p.in === 'path')
          .map((p) => [p.name, { text: world.pathValues(op, p.name)[0] ?? randomUUID() }]),
      );
      const ifMatch = op.parameters.some((p) => p.in === 'header' && p.name.toLowerCase() === 'if-match');
      const headers: Record<string, string> = ifMatch ? { 'if-match': CURRENT_ETAG } : {};
      for (const who of await callers(op)) {
        for (const body of bodies) {
          const found = slots({ root: copy(body) });
          for (let at = 1; at < found.length; at++) {
            for (const value of replacements(found[at].get())) {
              const data = toJson(mutate(body, [{ kind: 'replace', at, value }]));
              const payload = { label, contentType: 'application/json', data };
              const request = new FuzzRequest(op, who, path, { pairs: [] }, headers, payload, undefined);
              const problems = await violations(request);
              if (problems.length > 0)
                failures.push(
                  `${operationName(op)} as ${who}, ${found[at].path}: ${String(value)} — ${problems[0]}`,
                );
            }
          }
        }
      }
    }
    return failures;
  }

  it(
    'answers null in place of any value of a valid body without a 5xx (a sweep, not a sample)',
    async () => {
      expect(await sweepBodies('null in a valid body', () => [null], actorsFor)).toEqual([]);
    },
    SWEEP_TIMEOUT_MS,
  );

  /** Numbers past what a numeric column or a JavaScript integer holds, written as JSON literals. */
  const OUT_OF_RANGE = [
    '@@raw:1e13@@',
    '@@raw:-1e13@@',
    '@@raw:1e21@@',
    '@@raw:9007199254740993@@',
    '@@raw:1e-7@@',
  ];

  it(
    'answers an out-of-range number in place of any number of a valid body without a 5xx, naming the field it refuses (a sweep)',
    async () => {
      const failures = await sweepBodies(
        'an out-of-range number in a valid body',
        (value) => (typeof value === 'number' ? OUT_OF_RANGE : []),
        // The first caller allowed to call the route: the one whose request reaches validation and beyond.
        async (op) => (await actorsFor(op)).slice(0, 1),
      );
      expect(failures).toEqual([]);
    },
    SWEEP_TIMEOUT_MS,
  );

  it(
    'answers an out-of-range value of any numeric query parameter without a 5xx, naming the parameter it refuses (a sweep)',
    async () => {
      const world = await pools();
      const failures: string[] = [];
      for (const op of OPERATIONS) {
        const numeric = op.parameters.filter(
          (p) => p.in === 'query' && (p.schema?.type === 'integer' || p.schema?.type === 'number'),
        );
        if (numeric.length === 0) continue;
        const path = Object.fromEntries(
          op.parameters
            .filter((p) => p.in === 'path')
            .map((p) => [p.name, { text: world.pathValues(op, p.name)[0] ?? randomUUID() }]),
        );
        const [who] = await actorsFor(op);
        for (const parameter of numeric) {
          for (const value of ['99999999999999999999999', '1e21', '-1e21', '9007199254740993', '0.5', '-0']) {
            const query = { pairs: [[parameter.name, value] as QueryPair] };
            const request = new FuzzRequest(op, who, path, query, {}, undefined, undefined);
            const problems = await violations(request);
            if (problems.length > 0)
              failures.push(`${operationName(op)} as ${who}, ?${parameter.name}=${value} — ${problems[0]}`);
          }
        }
      }
      expect(failures).toEqual([]);
    },
    SWEEP_TIMEOUT_MS,
  );

  it('refuses pollution keys at any depth without storing them or polluting a prototype', async () => {
    const create = OPERATIONS.find((op) => op.method === 'POST' && op.path === '/api/v1/concept-notes');
    expect(create).toBeDefined();
    for (const levels of [0, 1, 5, 50, 200]) {
      for (const key of POLLUTION_KEYS) {
        const poison = deep(
          levels,
          withKey({}, key, { [POLLUTION_MARK]: true, prototype: { [POLLUTION_MARK]: true } }),
          'object',
        );
        const body = withKey({ title: 'Pollution' }, 'markers', poison);
        const request = new FuzzRequest(
          create!,
          'applicant',
          {},
          { pairs: [] },
          {},
          { label: 'pollution', contentType: 'application/json', data: JSON.stringify(body) },
          undefined,
        );
        const problems = await violations(request);
        expect({ levels, key, problems }).toEqual({ levels, key, problems: [] });
      }
    }
    const stored = await system.dataSource.query<{ n: number }[]>(
      `SELECT ((SELECT count(*) FROM concept_notes t WHERE t::text LIKE $1)
             + (SELECT count(*) FROM concept_note_revisions t WHERE t::text LIKE $1))::int AS n`,
      [`%${POLLUTION_MARK}%`],
    );
    expect(stored[0].n).toBe(0);
  });
});
