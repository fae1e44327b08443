import assert from 'node:assert/strict';
import { test } from 'node:test';
import { envVarNameError, labelValueError, nameError, qualifiedNameError } from '../../../src/api/names.ts';
import { checkName, DOMAIN_NAME, SERVICE_NAME } from '../../../src/cli/names.ts';

test('an empty name is an error, never "all"', () => {
  assert.throws(() => checkName(SERVICE_NAME, ''), { message: 'the service name is empty: give the name of the service' });
  assert.throws(() => checkName(SERVICE_NAME, '', { allHint: 'use --all to delete every service in the namespace' }), {
    message: 'the service name is empty: give the name of the service, or use --all to delete every service in the namespace',
  });
  assert.throws(() => checkName(SERVICE_NAME, '', { flag: '--prune' }), { message: '--prune needs a service name, got an empty string' });
});

test('names Kubernetes would refuse are refused with its rule', () => {
  for (const bad of ['Foo', '1abc', 'a_b', 'a.b', '../x', 'x'.repeat(64), 'a b', '-a', 'a-']) {
    assert.throws(() => checkName(SERVICE_NAME, bad), { message: new RegExp(`^invalid service name ${JSON.stringify(bad).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `) }, bad);
  }
  assert.equal(checkName(SERVICE_NAME, 'hello-1'), 'hello-1');
  assert.equal(checkName(DOMAIN_NAME, 'hello.example.com'), 'hello.example.com');
  assert.throws(() => checkName(DOMAIN_NAME, 'Hello.example.com'), /RFC 1123 subdomain/);
  assert.equal(nameError('a'.repeat(253), 'dns1123-subdomain'), undefined);
  assert.match(nameError('a'.repeat(254), 'dns1123-subdomain')!, /no more than 253/);
});

test('qualified names, label values and env names follow apimachinery', () => {
  assert.equal(qualifiedNameError('example.com/my-key'), undefined);
  assert.equal(qualifiedNameError('my_key.1'), undefined);
  assert.match(qualifiedNameError('a/b/c')!, /qualified name/);
  assert.match(qualifiedNameError('/x')!, /prefix part must be non-empty/);
  assert.match(qualifiedNameError('Bad_Prefix/x')!, /prefix part/);
  assert.match(qualifiedNameError('-x')!, /name part/);
  assert.equal(labelValueError(''), undefined);
  assert.match(labelValueError('a b')!, /valid label/);
  assert.equal(envVarNameError('MY_VAR.1-x'), undefined);
  assert.equal(envVarNameError('1ST'), undefined, 'relaxed rule: a leading digit is allowed');
  assert.match(envVarNameError('ÄRGER')!, /printable ASCII/);
  assert.match(envVarNameError('A=B')!, /other than '='/);
  assert.equal(envVarNameError(''), 'must not be empty');
});
