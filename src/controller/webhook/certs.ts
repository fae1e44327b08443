// The webhook's serving certificate, managed by the controller as upstream's webhook does its own
// (knative.dev/pkg/webhook/certificates): a self-signed CA and a server certificate for the webhook
// Service's DNS names, kept in the Secret `webhook-certs` (keys ca-cert.pem, server-cert.pem,
// server-key.pem), renewed a week before it expires. Every replica reads the same Secret; the first
// to find it missing writes it, and a replica that loses that race reads the winner's.
import { generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import { createRequire } from 'node:module';
import type Forge from 'node-forge';
import type { KubeObject } from '../../api/meta.ts';
import { R } from '../../api/resources.ts';
import type { KubeClient } from '../../kube/client.ts';
import { KubeError } from '../../kube/errors.ts';

export interface CertBundle {
  caCert: string;
  serverCert: string;
  serverKey: string;
}

const require = createRequire(import.meta.url);

/**
 * node-forge, for the one thing node:crypto cannot do: build and sign a certificate. It is ≈ 2 MiB
 * of heap, needed once a year, so it is loaded for a generation and dropped from the require cache
 * afterwards (nothing else holds it: its modules are then garbage; docs/adr/0029-controller-memory.md).
 */
function withForge<T>(use: (forge: typeof Forge) => T): T {
  const path = require.resolve('node-forge');
  const root = path.slice(0, path.lastIndexOf('/lib/') + 1);
  try {
    return use(require('node-forge') as typeof Forge);
  } finally {
    for (const k of Object.keys(require.cache)) if (k.startsWith(root)) delete require.cache[k];
  }
}

const VALIDITY_DAYS = 365;
const RENEW_BEFORE_MS = 7 * 24 * 3600 * 1000;

function keyPair(forge: typeof Forge): { pub: Forge.pki.PublicKey; priv: Forge.pki.rsa.PrivateKey; pem: string } {
  // Node generates the key (native, fast); forge only builds and signs the certificate.
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  return { pub: forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString()), priv: forge.pki.privateKeyFromPem(pem), pem };
}

function certificate(forge: typeof Forge, subject: string, pub: Forge.pki.PublicKey, now: Date): Forge.pki.Certificate {
  const c = forge.pki.createCertificate();
  c.publicKey = pub;
  c.serialNumber = '01' + randomBytes(15).toString('hex');
  c.validity.notBefore = new Date(now.getTime() - 60_000);
  c.validity.notAfter = new Date(now.getTime() + VALIDITY_DAYS * 24 * 3600 * 1000);
  c.setSubject([{ name: 'commonName', value: subject }]);
  return c;
}

/** A CA and a server certificate (signed by it) for these DNS names and IP addresses. */
export function generateCerts(dnsNames: string[], ips: string[] = [], now = new Date()): CertBundle {
  return withForge((forge) => generateWith(forge, dnsNames, ips, now));
}

function generateWith(forge: typeof Forge, dnsNames: string[], ips: string[], now: Date): CertBundle {
  const ca = keyPair(forge);
  const caCert = certificate(forge, 'kn-ts webhook CA', ca.pub, now);
  caCert.setIssuer(caCert.subject.attributes);
  caCert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, digitalSignature: true, critical: true },
  ]);
  caCert.sign(ca.priv, forge.md.sha256.create());
  const srv = keyPair(forge);
  const cert = certificate(forge, dnsNames[0] ?? 'webhook', srv.pub, now);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: [...dnsNames.map((value) => ({ type: 2, value })), ...ips.map((ip) => ({ type: 7, ip }))] },
  ]);
  cert.sign(ca.priv, forge.md.sha256.create());
  return { caCert: forge.pki.certificateToPem(caCert), serverCert: forge.pki.certificateToPem(cert), serverKey: srv.pem };
}

/** True when the bundle's server certificate covers these names and is valid for at least another week. */
export function certUsable(b: CertBundle, dnsNames: string[], ips: string[], now = new Date()): boolean {
  try {
    const c = new X509Certificate(b.serverCert);
    if (new Date(c.validTo).getTime() - now.getTime() < RENEW_BEFORE_MS) return false;
    // Exact names only (no wildcard or subject CN match): what generateCerts writes.
    return dnsNames.every((n) => c.checkHost(n, { subject: 'never', wildcards: false }) === n) && ips.every((ip) => c.checkIP(ip) === ip);
  } catch {
    return false;
  }
}

type Secret = KubeObject & { data?: Record<string, string>; type?: string };
const b64 = (s: string) => Buffer.from(s).toString('base64');
const unb64 = (s: string | undefined) => (s ? Buffer.from(s, 'base64').toString() : '');

function fromSecret(s: Secret | undefined): CertBundle | undefined {
  if (!s?.data) return undefined;
  const b = { caCert: unb64(s.data['ca-cert.pem']), serverCert: unb64(s.data['server-cert.pem']), serverKey: unb64(s.data['server-key.pem']) };
  return b.caCert && b.serverCert && b.serverKey ? b : undefined;
}

/** Reads the Secret; writes a new bundle when it is missing, does not cover the names, or is about to expire. */
export async function ensureCertSecret(c: KubeClient, namespace: string, name: string, dnsNames: string[], ips: string[] = []): Promise<CertBundle> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const have = await c.find<Secret>(R.Secret, name, namespace);
    const b = fromSecret(have);
    if (b && certUsable(b, dnsNames, ips)) return b;
    const next = generateCerts(dnsNames, ips);
    const data = { 'ca-cert.pem': b64(next.caCert), 'server-cert.pem': b64(next.serverCert), 'server-key.pem': b64(next.serverKey) };
    try {
      if (have) await c.replace<Secret>(R.Secret, { ...have, data });
      else await c.create<Secret>(R.Secret, { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace }, type: 'Opaque', data });
      return next;
    } catch (e) {
      // Another replica wrote it first: read theirs.
      if (!(e instanceof KubeError && (e.conflict || e.alreadyExists))) throw e;
    }
  }
  throw new Error(`could not write the webhook certificate Secret ${namespace}/${name}: it kept changing`);
}
