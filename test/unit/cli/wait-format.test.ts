// The progress lines of a wait (`%7.3fs <server message>`, `...` for a repeat), the closing
// messages, and the decisions of the wait (observed generation, Ready True/False/Unknown, window).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../src/api/meta.ts';
import { progressLine, showUrl } from '../../../src/cli/serving/messages.ts';
import { ReadyTracker, simpleMessageCallback } from '../../../src/cli/serving/wait.ts';

const svc = (gen: number, observed: number | undefined, status?: 'True' | 'False' | 'Unknown', message = '', reason = ''): KubeObject => ({
  metadata: { name: 's', generation: gen },
  status: { observedGeneration: observed, conditions: status ? [{ type: 'Ready', status, message, reason }] : [] },
});

describe('wait: formats', () => {
  it('%7.3fs', () => {
    assert.equal(progressLine(247, 'The Route is still working to reflect the latest desired specification.'), '  0.247s The Route is still working to reflect the latest desired specification.');
    assert.equal(progressLine(11631.4, '...'), ' 11.631s ...');
    assert.equal(progressLine(0, 'Ready to serve.'), '  0.000s Ready to serve.');
    assert.equal(progressLine(123456.7, 'x'), '123.457s x');
  });
  it('a repeated message prints as ...', () => {
    const lines: string[] = [];
    const cb = simpleMessageCallback((l) => lines.push(l));
    cb(100, 'A');
    cb(200, 'A');
    cb(300, 'B');
    cb(400, 'A');
    assert.deepEqual(lines, ['  0.100s A', '  0.200s ...', '  0.300s B', '  0.400s A']);
  });
  it('closing lines', () => {
    assert.equal(showUrl('hello', 'created', 'hello-00001', 'http://hello.default.example.com'), "Service 'hello' created to latest revision 'hello-00001' is available at URL:\nhttp://hello.default.example.com");
    assert.equal(showUrl('hello', 'updated', 'hello-00001', 'http://u', 'hello-00001'), "Service 'hello' with latest revision 'hello-00001' (unchanged) is available at URL:\nhttp://u");
    assert.equal(showUrl('hello', '', 'hello-00001', 'http://u', 'unchanged'), "Service 'hello' with latest revision 'hello-00001' (unchanged) is available at URL:\nhttp://u");
  });
});

describe('wait: decisions', () => {
  it('skips objects whose generation is not observed, reports messages, ends on Ready=True', () => {
    const msgs: string[] = [];
    const tr = new ReadyTracker(1000, (_ms, m) => msgs.push(m), () => assert.fail('no failure expected'));
    assert.equal(tr.observe(svc(2, 1, 'True'), 1), false);
    assert.equal(tr.observe(svc(2, 2, 'Unknown', 'Configuration "s" is waiting for a Revision to become ready.'), 2), false);
    assert.equal(tr.observe(svc(2, 2, 'True', 'done'), 3), true);
    assert.deepEqual(msgs, ['Configuration "s" is waiting for a Revision to become ready.']);
    tr.stop();
  });
  it('Ready=False fails with "<Reason>: <Message>" after the window', async () => {
    const err = await new Promise<Error>((resolve) => {
      const tr = new ReadyTracker(0, () => undefined, resolve);
      tr.observe(svc(1, 1, 'False', 'Revision "s-00001" failed with message: boom.', 'RevisionFailed'), 1);
    });
    assert.equal(err.message, 'RevisionFailed: Revision "s-00001" failed with message: boom.');
  });
  it('Ready=Unknown after False disarms the window', async () => {
    let failed = false;
    const tr = new ReadyTracker(20, () => undefined, () => (failed = true));
    tr.observe(svc(1, 1, 'False', 'x', 'R'), 1);
    tr.observe(svc(1, 1, 'Unknown', 'y'), 2);
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(failed, false);
    tr.stop();
  });
});
