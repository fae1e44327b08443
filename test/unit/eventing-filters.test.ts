// Trigger filters (src/api/eventing/filters.ts, cesql.ts) as one table: legacy attributes, the
// Subscriptions API dialects, and CloudEvents SQL v1 expressions, with upstream's semantics.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evalCesql, parseCesql } from '../../src/api/eventing/cesql.ts';
import { filterErrors, triggerMatcher } from '../../src/api/eventing/filters.ts';
import type { SubscriptionsAPIFilter, TriggerSpec } from '../../src/api/eventing/types.ts';

const EV = {
  specversion: '1.0',
  id: 'abc-1',
  type: 'dev.knative.foo.created',
  source: '/apis/v1/namespaces/default/pingsources/p',
  subject: 'tmp-1',
  myext: 'bar',
  count: 42,
  flag: true,
  empty: '',
  num: '17',
};
const A = (attributes: Record<string, string>): TriggerSpec => ({ filter: { attributes } });
const F = (...filters: SubscriptionsAPIFilter[]): TriggerSpec => ({ filters });
const Q = (cesql: string): TriggerSpec => F({ cesql });

const rows: [string, TriggerSpec, boolean][] = [
  // legacy filter.attributes
  ['no filter passes', {}, true],
  ['empty attributes pass', A({}), true],
  ['exact type', A({ type: 'dev.knative.foo.created' }), true],
  ['type differs', A({ type: 'dev.knative.foo' }), false],
  ['case-sensitive value', A({ type: 'DEV.knative.foo.created' }), false],
  ['two keys both match', A({ type: 'dev.knative.foo.created', source: '/apis/v1/namespaces/default/pingsources/p' }), true],
  ['two keys, one differs', A({ type: 'dev.knative.foo.created', source: '/x' }), false],
  ['extension exact', A({ myext: 'bar' }), true],
  ['extension differs', A({ myext: 'baz' }), false],
  ['missing extension fails', A({ other: 'x' }), false],
  ['wildcard "" on present attribute', A({ type: '' }), true],
  ['wildcard "" on missing extension', A({ other: '' }), false],
  ['wildcard "" on empty value', A({ empty: '' }), false],
  ['non-string extension never equals', A({ count: '42' }), false],
  ['string extension holding digits', A({ num: '17' }), true],
  ['missing optional context attribute', A({ dataschema: 'x' }), false],
  // exact / prefix / suffix
  ['exact type', F({ exact: { type: 'dev.knative.foo.created' } }), true],
  ['exact mismatch', F({ exact: { type: 'org.wrong.type' } }), false],
  ['exact on missing attribute', F({ exact: { nope: 'x' } }), false],
  ['exact stringifies numbers', F({ exact: { count: '42' } }), true],
  ['exact stringifies booleans', F({ exact: { flag: 'true' } }), true],
  ['exact with an empty value is skipped (passes)', F({ exact: { type: '' } }), true],
  ['prefix source', F({ prefix: { source: '/apis/v1/' } }), true],
  ['prefix mismatch', F({ prefix: { source: 'org.wrong' } }), false],
  ['prefix whole value', F({ prefix: { type: 'dev.knative.foo.created' } }), true],
  ['suffix type', F({ suffix: { type: '.created' } }), true],
  ['suffix mismatch', F({ suffix: { type: '.deleted' } }), false],
  ['suffix on missing attribute', F({ suffix: { nope: 'x' } }), false],
  ['prefix two keys AND', F({ prefix: { type: 'dev.', source: '/apis' } }), true],
  ['prefix two keys, one fails', F({ prefix: { type: 'dev.', source: '/x' } }), false],
  // combinations
  ['filters list is an implicit all (both pass)', F({ exact: { type: 'dev.knative.foo.created' } }, { prefix: { source: '/apis' } }), true],
  ['filters list is an implicit all (one fails)', F({ exact: { type: 'dev.knative.foo.created' } }, { prefix: { source: '/x' } }), false],
  ['all passes', F({ all: [{ exact: { myext: 'bar' } }, { suffix: { type: 'created' } }] }), true],
  ['all fails on one', F({ all: [{ exact: { myext: 'bar' } }, { suffix: { type: 'deleted' } }] }), false],
  ['all empty passes', F({ all: [] }), true],
  ['any first passes', F({ any: [{ exact: { myext: 'bar' } }, { exact: { myext: 'no' } }] }), true],
  ['any second passes', F({ any: [{ exact: { myext: 'no' } }, { exact: { myext: 'bar' } }] }), true],
  ['any none passes', F({ any: [{ exact: { myext: 'no' } }, { exact: { type: 'no' } }] }), false],
  ['any empty passes', F({ any: [] }), true],
  ['any of multiple exact filters', F({ any: [{ exact: { type: 'a' } }, { exact: { type: 'dev.knative.foo.created' } }] }), true],
  ['not inverts a pass', F({ not: { exact: { myext: 'bar' } } }), false],
  ['not inverts a fail', F({ not: { exact: { myext: 'baz' } } }), true],
  ['not of an empty filter passes', F({ not: {} }), true],
  ['not of missing attribute passes', F({ not: { exact: { nope: 'x' } } }), true],
  ['nested not(any)', F({ not: { any: [{ exact: { type: 'x' } }, { exact: { type: 'y' } }] } }), true],
  ['nested all(any, not)', F({ all: [{ any: [{ prefix: { type: 'dev' } }] }, { not: { suffix: { type: 'x' } } }] }), true],
  ['an element with no dialect is dropped', F({}), true],
  ['non-empty filters override filter.attributes', { filter: { attributes: { type: 'nope' } }, filters: [{ prefix: { type: 'dev' } }] }, true],
  ['empty filters do not override filter.attributes', { filter: { attributes: { type: 'nope' } }, filters: [] }, false],
  // cesql
  ['cesql equality', Q("type = 'dev.knative.foo.created'"), true],
  ['cesql inequality', Q("type != 'dev.knative.foo.created'"), false],
  ['cesql <> operator', Q("myext <> 'baz'"), true],
  ['cesql AND', Q("type = 'dev.knative.foo.created' AND myext = 'bar'"), true],
  ['cesql OR', Q("type = 'x' OR myext = 'bar'"), true],
  ['cesql XOR both true', Q("myext = 'bar' XOR flag"), false],
  ['cesql NOT', Q("NOT (myext = 'bar')"), false],
  ['cesql LIKE suffix', Q("type LIKE '%.created'"), true],
  ['cesql LIKE prefix', Q("subject LIKE 'tmp%'"), true],
  ['cesql LIKE single char', Q("subject LIKE 'tmp-_'"), true],
  ['cesql NOT LIKE', Q("subject NOT LIKE 'tmp%'"), false],
  ['cesql LIKE on missing attribute fails', Q("nope LIKE '%value'"), false],
  ['cesql missing attribute is an error (fails)', Q("nope = 'x'"), false],
  ['cesql EXISTS present', Q('EXISTS myext'), true],
  ['cesql EXISTS missing', Q('EXISTS nope'), false],
  ['cesql NOT EXISTS', Q('NOT EXISTS nope'), true],
  ['cesql IN', Q("myext IN ('foo', 'bar')"), true],
  ['cesql NOT IN', Q("myext NOT IN ('foo', 'bar')"), false],
  ['cesql integer compare with cast', Q('num > 10'), true],
  ['cesql integer extension', Q('count = 42'), true],
  ['cesql arithmetic', Q('count + 8 = 50'), true],
  ['cesql modulo', Q('count % 5 = 2'), true],
  ['cesql division by zero fails', Q('count / 0 = 1'), false],
  ['cesql boolean extension', Q('flag'), true],
  ['cesql non-boolean result fails', Q("'abc'"), false],
  ['cesql LENGTH', Q('LENGTH(myext) = 3'), true],
  ['cesql UPPER', Q("UPPER(myext) = 'BAR'"), true],
  ['cesql CONCAT', Q("CONCAT(myext, '-', id) = 'bar-abc-1'"), true],
  ['cesql keywords are case-insensitive', Q("type like '%created' and exists myext"), true],
  ['cesql unparsable expression fails', Q("type = = 'x'"), false],
  ['cesql in any', F({ any: [{ cesql: "type = 'no'" }, { cesql: "source LIKE '/apis/%'" }] }), true],
];

describe('trigger filters', () => {
  it(`has at least 60 rows (${rows.length})`, () => assert.ok(rows.length >= 60));
  for (const [name, spec, want] of rows) {
    it(`${want ? 'pass' : 'fail'}: ${name}`, () => assert.equal(triggerMatcher({ spec })(EV), want));
  }
});

describe('filter validation (what upstream\'s webhook rejects)', () => {
  const bad: [string, TriggerSpec, RegExp][] = [
    ['upper-case key', A({ SOURCE: 'x' }), /Attribute name must start with a letter/],
    ['key with a dash', A({ 's-pace-s': 'x' }), /lowercase alphanumeric/],
    ['key starting with a digit', A({ '123': 'x' }), /lowercase alphanumeric/],
    ['two dialects in one element', F({ exact: { type: 'a' }, prefix: { type: 'b' } }), /multiple dialects found/],
    ['nested two dialects', F({ any: [{ exact: { type: 'a' }, suffix: { type: 'b' } }] }), /spec\.filters\[0\]\.any\[0\]/],
    ['cesql that does not parse', Q("type = 'x"), /unterminated string/],
    ['cesql unknown function', Q('FOO(type)'), /unknown function FOO/],
    ['prefix key upper-case', F({ prefix: { Type: 'x' } }), /spec\.filters\[0\]\.prefix\.Type/],
  ];
  for (const [name, spec, re] of bad) it(name, () => assert.match(filterErrors({ spec }).join('\n'), re));
  it('good filters have no errors', () => assert.deepEqual(filterErrors({ spec: F({ cesql: "type LIKE 'a%'" }, { any: [{ exact: { type: 'a' } }] }) }), []));
});

describe('CloudEvents SQL v1 evaluation', () => {
  const attrs = (n: string) => (EV as Record<string, string | number | boolean>)[n];
  const cases: [string, unknown][] = [
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['-5 + 2', -3],
    ['7 / 2', 3],
    ['-7 / 2', -3],
    ["'a' = 'a' AND 1 = 1", true],
    ['TRUE OR FALSE AND FALSE', false], // one precedence level, left to right
    ["SUBSTRING('hello', 2)", 'ello'],
    ["SUBSTRING('hello', 2, 2)", 'el'],
    ["SUBSTRING('hello', -3)", 'llo'],
    ["LEFT('hello', 2)", 'he'],
    ["RIGHT('hello', 2)", 'lo'],
    ["CONCAT_WS(',', 'a', 'b')", 'a,b'],
    ["TRIM('  x ')", 'x'],
    ['ABS(-3)', 3],
    ["INT('12')", 12],
    ["BOOL('TRUE')", true],
    ['STRING(12)', '12'],
    ["IS_INT('x')", false],
    ["IS_BOOL('false')", true],
    ["'100' = 100", true],
    ["'abc' LIKE 'a\\%c'", false],
    ["'a%c' LIKE 'a\\%c'", true],
    ['count IN (41, 42)', true],
  ];
  for (const [expr, want] of cases) it(`${expr} → ${JSON.stringify(want)}`, () => assert.deepEqual(evalCesql(expr, attrs), want));
  it('rejects an integer literal out of range', () => assert.throws(() => parseCesql('2147483648 = 1'), /out of range/));
  it('overflow is an error', () => assert.throws(() => evalCesql('2147483647 + 1', attrs), /overflow/));
});
