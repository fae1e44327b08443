#!/usr/bin/env node
// The control-plane image's entry point: `control-plane.js <component>`.
//   controller   reconcilers for the Knative APIs (leader-elected)
//   gateway      the Kourier-like gateway (routing, and later activation)
//   broker       the in-memory broker: ingress, trigger fan-out and delivery for every Broker
//   apiserver-adapter  the receive adapter of one ApiServerSource (its Deployment runs this)
import module from 'node:module';

module.enableCompileCache?.();
const components = {
  controller: '../dist/controller/main.js',
  gateway: '../dist/dataplane/gateway/main.js',
  broker: '../dist/dataplane/broker/main.js',
  'apiserver-adapter': '../dist/dataplane/adapters/apiserver.js',
};
const [component, ...args] = process.argv.slice(2);
if (!component || !(component in components)) {
  process.stderr.write(`usage: control-plane.js <${Object.keys(components).join('|')}> [options]\n`);
  process.exit(2);
}
const { main } = await import(components[component]);
await main(args);
