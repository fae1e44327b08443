// kubectl's JSONPath template dialect.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { executeJsonPathAsJson, jsonpath, JsonPathError, parseJsonPath } from '../../../src/cli/output/jsonpath.ts';

const data = {
  kind: 'List',
  items: [
    { metadata: { name: 'a', labels: { 'app.kubernetes.io/name': 'x' } }, status: { conditions: [{ type: 'Ready', status: 'True' }], n: 1 } },
    { metadata: { name: 'b' }, status: { conditions: [{ type: 'Ready', status: 'False' }], n: 5 } },
    { metadata: { name: 'c' }, status: { conditions: [{ type: 'Ready', status: 'True' }], n: 10 } },
  ],
};

describe('jsonpath', () => {
  const cases: [string, string][] = [
    ['{.kind}', 'List'],
    ['{$.kind}', 'List'],
    ['kind={.kind}!', 'kind=List!'],
    ['{.items[*].metadata.name}', 'a b c'],
    ['{.items[0].metadata.name}', 'a'],
    ['{.items[-1].metadata.name}', 'c'],
    ['{.items[0:2].metadata.name}', 'a b'],
    ['{.items[1:].metadata.name}', 'b c'],
    ['{.items[::2].metadata.name}', 'a c'],
    ['{.items[0,2].metadata.name}', 'a c'],
    ['{.items[?(@.status.conditions[0].status=="True")].metadata.name}', 'a c'],
    ["{.items[?(@.status.conditions[0].status!='True')].metadata.name}", 'b'],
    ['{.items[?(@.status.n>4)].metadata.name}', 'b c'],
    ['{.items[?(@.status.n<=5)].metadata.name}', 'a b'],
    ['{.items[?(@.metadata.labels)].metadata.name}', 'a'],
    ['{range .items[*]}{.metadata.name}{"\\n"}{end}', 'a\nb\nc\n'],
    ['{range .items[*]}[{.metadata.name},{.status.n}]{end}', '[a,1][b,5][c,10]'],
    ['{..name}', 'a b c'],
    ['{.items[0].metadata.labels.app\\.kubernetes\\.io/name}', 'x'],
    ["{.items[0].metadata.labels['app.kubernetes.io/name']}", 'x'],
    ['{.items[1].status}', '{"conditions":[{"type":"Ready","status":"False"}],"n":5}'],
    ['{.kind} {.items[0].metadata.name}', 'List a'],
    ['{.nope}', ''],
    ['{.items[7].metadata.name}', ''],
    ['{.items[0].metadata["name"]}', 'a'],
  ];
  for (const [tpl, want] of cases) it(tpl, () => assert.equal(jsonpath(tpl, data), want));

  it('Go-style escaping of <, > and & inside JSON values', () => {
    assert.equal(jsonpath('{.a}', { a: { s: '<&>' } }), '{"s":"\\u003c\\u0026\\u003e"}');
  });

  it('missing keys fail when not allowed', () => {
    assert.throws(() => jsonpath('{.nope}', data, { allowMissingKeys: false }), /nope is not found/);
    assert.throws(() => jsonpath('{.items[7]}', data, { allowMissingKeys: false }), /array index out of bounds: index 7, length 3/);
  });

  it('parse errors', () => {
    for (const [tpl, msg] of [
      ['{.items', /unclosed action/],
      ['{.items[}', /unclosed array expect \]/],
      ['{range .items[*]}{.x}', /unclosed range/],
      ['{end}', /not in range, nothing to end/],
      ['{items}', /unrecognized identifier items/],
      ['{.items[?(@.x =~ "a")]}', /regular expression/],
      ['{.items[a]}', /invalid array index a/],
    ] as const) {
      assert.throws(() => parseJsonPath(tpl), (e: Error) => e instanceof JsonPathError && msg.test(e.message), tpl);
    }
  });

  it('jsonpath-as-json prints all results as one indented array', () => {
    assert.equal(executeJsonPathAsJson(parseJsonPath('{.items[*].metadata.name}'), data), '[\n    "a",\n    "b",\n    "c"\n]\n');
  });
});
