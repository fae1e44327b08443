import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { HttpLogger, redactBody, redactHeaders } from '../../../src/kube/log-http.ts';

describe('--log-http redaction', () => {
  it('redacts Authorization and cookies', () => {
    assert.deepEqual(redactHeaders({ Authorization: 'Bearer abc.def', 'Proxy-Authorization': 'Basic eA==', Cookie: 'a=b', Accept: 'application/json' }), {
      Authorization: 'Bearer <redacted>',
      'Proxy-Authorization': 'Basic <redacted>',
      Cookie: '<redacted>',
      Accept: 'application/json',
    });
  });
  it('redacts tokens and private keys in bodies', () => {
    const body = JSON.stringify({ status: { token: 'secret-token' }, data: { 'client-key-data': 'AAAA' } });
    const out = redactBody(body);
    assert.doesNotMatch(out, /secret-token|AAAA/);
    assert.match(redactBody('-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----'), /BEGIN RSA PRIVATE KEY-----<redacted>-----END/);
    assert.equal(redactBody('Authorization: Bearer abc123'), 'Authorization: Bearer <redacted>');
  });
  it('logs request and response', () => {
    let out = '';
    const w = new Writable({ write: (c, _e, cb) => ((out += String(c)), cb()) });
    const l = new HttpLogger(w);
    l.request('GET', 'https://127.0.0.1:6443/api', { Authorization: 'Bearer t0k3n' });
    l.response(200, 'https://127.0.0.1:6443/api', { 'content-type': 'application/json' }, '{"token":"x"}');
    assert.match(out, /===== REQUEST =====\nGET https:\/\/127.0.0.1:6443\/api\nAuthorization: Bearer <redacted>/);
    assert.match(out, /===== RESPONSE =====\n200 /);
    assert.doesNotMatch(out, /t0k3n/);
  });
});
