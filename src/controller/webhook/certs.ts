// The webhook's serving certificate, managed by the controller as upstream's webhook does its own
// (knative.dev/pkg/webhook/certificates): a self-signed CA and a server certificate for the webhook
// Service's DNS names, kept in the Secret `webhook-certs` (keys ca-cert.pem, server-cert.pem,
// server-key.pem), renewed a week before it expires. Every replica reads the same Secret; the first
// to find it missing writes it, and a replica that loses that race reads the winner's.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';
import type { KubeObject } from '../../api/meta.ts';
import { R } from '../../api/resources.ts';
import type { KubeClient } from '../../kube/client.ts';
import { KubeError } from '../../kube/errors.ts';

export interface CertBundle {
  caCert: string;
  serverCert: string;
  serverKey: string;
}

const VALIDITY_DAYS = 365;
const RENEW_BEFORE_MS = 7 * 24 * 3600 * 1000;

function keyPair(): { pub: forge.pki.PublicKey; priv: forge.pki.rsa.PrivateKey; pem: string } {
  // Node generates the key (native, fast); forge only builds and signs the certificate.
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  return { pub: forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString()), priv: forge.pki.privateKeyFromPem(pem), pem };
}

function certificate(subject: string, pub: forge.pki.PublicKey, now: Date): forge.pki.Certificate {
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
  const ca = keyPair();
  const caCert = certificate('kn-ts webhook CA', ca.pub, now);
  caCert.setIssuer(caCert.subject.attributes);
  caCert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, digitalSignature: true, critical: true },
  ]);
  caCert.sign(ca.priv, forge.md.sha256.create());
  const srv = keyPair();
  const cert = certificate(dnsNames[0] ?? 'webhook', srv.pub, now);
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
    const c = forge.pki.certificateFromPem(b.serverCert);
    if (c.validity.notAfter.getTime() - now.getTime() < RENEW_BEFORE_MS) return false;
    const san = (c.getExtension('subjectAltName') as { altNames?: { type: number; value?: string; ip?: string }[] } | null)?.altNames ?? [];
    const have = new Set(san.map((a) => (a.type === 7 ? a.ip : a.value)));
    return [...dnsNames, ...ips].every((n) => have.has(n));
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
