// -o json|yaml|name|go-template|jsonpath for objects and lists; the go-template subset.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../src/api/meta.ts';
import { R } from '../../../src/api/resources.ts';
import { formatOutput, parseOutput, validateOutput } from '../../../src/cli/output/format.ts';
import { goFormat, goTemplate } from '../../../src/cli/output/gotemplate.ts';

const svc = (name: string): KubeObject => ({
  metadata: { uid: 'u', name, namespace: 'ns', managedFields: [{ manager: 'kn' }], labels: { b: '2', a: '1' } },
  status: { url: `http://${name}.ns.example.com`, conditions: [{ type: 'Ready', status: 'True' }] },
  spec: { template: { spec: { containers: [{ image: 'img&x' }] } } },
});

describe('formatOutput', () => {
  it('json: one object as the Go struct: field order, the zero values Go writes, no managedFields, 4 spaces, Go escaping', async () => {
    const out = await formatOutput({ object: svc('a') }, R.Service, { output: 'json' });
    const o = JSON.parse(out);
    assert.deepEqual(Object.keys(o), ['kind', 'apiVersion', 'metadata', 'spec', 'status']);
    assert.equal(o.apiVersion, 'serving.knative.dev/v1');
    assert.equal(o.kind, 'Service');
    // ObjectMeta's order; creationTimestamp is a struct Go never omits (null when unset).
    assert.deepEqual(Object.keys(o.metadata), ['name', 'namespace', 'uid', 'creationTimestamp', 'labels']);
    assert.equal(o.metadata.creationTimestamp, null);
    assert.deepEqual(o.spec.template.metadata, { creationTimestamp: null });
    assert.deepEqual(Object.keys(o.spec.template.spec.containers[0]), ['name', 'image', 'resources']);
    assert.deepEqual(Object.keys(o.status), ['conditions', 'url']);
    assert.match(out, /^\{\n {4}"kind": "Service",\n {4}"apiVersion": "serving\.knative\.dev\/v1",\n/);
    assert.match(out, /"img\\u0026x"/);
    assert.ok(out.endsWith('}\n'));
  });
  it('--show-managed-fields keeps them', async () => {
    const o = JSON.parse(await formatOutput({ object: svc('a') }, R.Service, { output: 'json', showManagedFields: true }));
    assert.deepEqual(o.metadata.managedFields, [{ manager: 'kn' }]);
  });
  it('json list: kind <Kind>List, keys sorted everywhere', async () => {
    const o = JSON.parse(await formatOutput({ items: [svc('a'), svc('b')] }, R.Service, { output: 'json' }));
    assert.deepEqual(Object.keys(o), ['apiVersion', 'items', 'kind']);
    assert.equal(o.kind, 'ServiceList');
    assert.deepEqual(Object.keys(o.items[0].metadata), ['creationTimestamp', 'labels', 'name', 'namespace', 'uid']);
    assert.deepEqual(Object.keys(o.items[0].metadata.labels), ['a', 'b']);
  });
  it('yaml: sorted keys, list items not indented, ambiguous strings quoted', async () => {
    const out = await formatOutput({ object: { metadata: { name: 'a' }, spec: { x: 'True', list: [{ b: 1, a: 'yes' }] } } }, R.Route, { output: 'yaml' });
    assert.equal(
      out,
      'apiVersion: serving.knative.dev/v1\nkind: Route\nmetadata:\n  creationTimestamp: null\n  name: a\nspec:\n  list:\n  - a: "yes"\n    b: 1\n  x: "True"\nstatus: {}\n',
    );
  });
  it('name, for objects and lists', async () => {
    assert.equal(await formatOutput({ object: svc('a') }, R.Service, { output: 'name' }), 'service.serving.knative.dev/a\n');
    assert.equal(await formatOutput({ items: [svc('a'), svc('b')] }, R.Revision, { output: 'name' }), 'revision.serving.knative.dev/a\nrevision.serving.knative.dev/b\n');
    assert.equal(await formatOutput({ items: [] }, R.DomainMapping, { output: 'name' }), '');
  });
  it('jsonpath, jsonpath-as-json, go-template via -o and --template, template files', async () => {
    const items = { items: [svc('a'), svc('b')] };
    assert.equal(await formatOutput(items, R.Service, { output: 'jsonpath={.items[*].status.url}' }), 'http://a.ns.example.com http://b.ns.example.com');
    assert.equal(await formatOutput(items, R.Service, { output: 'jsonpath', template: '{.kind}' }), 'ServiceList');
    assert.equal(await formatOutput(items, R.Service, { output: 'jsonpath-as-json={.items[0].metadata.name}' }), '[\n    "a"\n]\n');
    assert.equal(await formatOutput(items, R.Service, { output: 'go-template={{range .items}}{{.metadata.name}};{{end}}' }), 'a;b;');
    assert.equal(await formatOutput(items, R.Service, { output: 'template', template: '{{.kind}}' }), 'ServiceList');
    const f = join(tmpdir(), `kn-ts-format-${process.pid}.tpl`);
    writeFileSync(f, '{{len .items}}');
    assert.equal(await formatOutput(items, R.Service, { output: `go-template-file=${f}` }), '2');
    assert.equal(await formatOutput(items, R.Service, { output: 'templatefile', template: f }), '2');
  });
  it('errors: unknown format, missing template, bad templates, missing keys', async () => {
    assert.throws(() => parseOutput({ output: 'wide' }), /unable to match a printer suitable for the output format "wide", allowed formats are: go-template,go-template-file,json,jsonpath,/);
    assert.equal(parseOutput({ output: 'url', extra: ['url'] }).format, 'url');
    assert.throws(() => parseOutput({ output: 'jsonpath' }), /template format specified but no template given/);
    await assert.rejects(validateOutput({ output: 'jsonpath={.a' }), /error parsing jsonpath \{\.a, unclosed action/);
    await assert.rejects(validateOutput({ output: 'go-template={{.a' }), /error parsing template \{\{\.a, unclosed action/);
    await assert.rejects(formatOutput({ object: svc('a') }, R.Service, { output: 'jsonpath={.nope}', allowMissingTemplateKeys: false }), /nope is not found/);
    await assert.rejects(formatOutput({ object: svc('a') }, R.Service, { output: 'go-template={{.nope}}', allowMissingTemplateKeys: false }), /map has no entry for key "nope"/);
  });
});

describe('go-template subset', () => {
  const d = { items: [{ n: 'a', v: 1, tags: ['x', 'y'] }, { n: 'b', v: 2 }], m: { z: 1, a: 'q' }, s: '' };
  const cases: [string, string][] = [
    ['{{.items}}', '[map[n:a tags:[x y] v:1] map[n:b v:2]]'],
    ['{{range .items}}{{.n}}{{end}}', 'ab'],
    ['{{range $i, $e := .items}}{{$i}}={{$e.n}} {{end}}', '0=a 1=b '],
    ['{{range .none}}x{{else}}empty{{end}}', 'empty'],
    ['{{if .s}}yes{{else if .m}}m{{else}}no{{end}}', 'm'],
    ['{{with .m}}{{.a}}{{end}}', 'q'],
    ['{{index .items 1 "n"}}', 'b'],
    ['{{len .items}} {{len .m}}', '2 2'],
    ['{{printf "%s-%d-%v-%q" "a" 3 .m.z "x"}}', 'a-3-1-"x"'],
    ['{{.items | len}}', '2'],
    ['{{if eq .m.a "q"}}eq{{end}}{{if ne .m.z 1}}ne{{end}}{{if and .m (not .s)}}and{{end}}', 'eqand'],
    ['{{range .m}}{{.}},{{end}}', 'q,1,'],
    ['{{- "a" -}}  {{- "b"}}', 'ab'],
    ['{{$x := .m.a}}{{$x}}{{$}}', 'qmap[items:[map[n:a tags:[x y] v:1] map[n:b v:2]] m:map[a:q z:1] s:]'],
    ['{{.missing}}', '<no value>'],
  ];
  for (const [tpl, want] of cases) it(tpl, () => assert.equal(goTemplate(tpl, d), want));
  it('unsupported actions name jsonpath', () => {
    assert.throws(() => goTemplate('{{define "x"}}{{end}}', d), /not supported by kn-ts's go-template subset; use -o jsonpath=… instead/);
    assert.throws(() => goTemplate('{{toJson .}}', d), /function "toJson" not defined/);
  });
  it('goFormat follows Go %v', () => {
    assert.equal(goFormat(null), '<nil>');
    assert.equal(goFormat({ b: [1, 2], a: true }), 'map[a:true b:[1 2]]');
  });
});
