// kn version: the client's version, build date, git revision and the Knative APIs it speaks,
// plus the cluster's Kubernetes version when one is reachable.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './manifest.ts';

/** The Knative release whose APIs kn-ts speaks. */
export const KNATIVE_VERSION = 'v1.23.0';

export interface VersionInfo {
  Version: string;
  BuildDate: string;
  GitRevision: string;
  SupportedAPIs: { serving: string[]; eventing: string[] };
  KubernetesVersion?: string;
}

export function buildInfo(): { version: string; buildDate: string; gitRevision: string } {
  try {
    return JSON.parse(readFileSync(join(ROOT, 'dist', 'build-info.json'), 'utf8'));
  } catch {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    return { version: pkg.version, buildDate: '', gitRevision: '' };
  }
}

export function versionInfo(kubernetesVersion?: string): VersionInfo {
  const b = buildInfo();
  const info: VersionInfo = {
    Version: `v${b.version}`,
    BuildDate: b.buildDate,
    GitRevision: b.gitRevision,
    SupportedAPIs: {
      serving: [`serving.knative.dev/v1 (knative-serving ${KNATIVE_VERSION})`],
      eventing: [`sources.knative.dev/v1 (knative-eventing ${KNATIVE_VERSION})`, `eventing.knative.dev/v1 (knative-eventing ${KNATIVE_VERSION})`],
    },
  };
  if (kubernetesVersion) info.KubernetesVersion = kubernetesVersion;
  return info;
}

export function renderVersion(info: VersionInfo, output: string | undefined, clusterNote?: string): string {
  if (output === 'json') return JSON.stringify(info, null, '\t') + '\n';
  if (output === 'yaml') {
    const lines = [
      `Version: ${info.Version}`,
      `BuildDate: "${info.BuildDate}"`,
      `GitRevision: "${info.GitRevision}"`,
      'SupportedAPIs:',
      '  serving:',
      ...info.SupportedAPIs.serving.map((s) => `  - ${s}`),
      '  eventing:',
      ...info.SupportedAPIs.eventing.map((s) => `  - ${s}`),
    ];
    if (info.KubernetesVersion) lines.push(`KubernetesVersion: ${info.KubernetesVersion}`);
    return lines.join('\n') + '\n';
  }
  const lines = [
    `Version:      ${info.Version}`,
    `Build Date:   ${info.BuildDate}`,
    `Git Revision: ${info.GitRevision}`,
    'Supported APIs:',
    '* Serving',
    ...info.SupportedAPIs.serving.map((s) => `  - ${s}`),
    '* Eventing',
    ...info.SupportedAPIs.eventing.map((s) => `  - ${s}`),
  ];
  if (info.KubernetesVersion) lines.push(`Kubernetes:   ${info.KubernetesVersion}`);
  else if (clusterNote) lines.push(`Kubernetes:   ${clusterNote}`);
  return lines.join('\n') + '\n';
}

export const OUTPUT_ERROR = "invalid value for output flag, choose one among 'json' or 'yaml'";

/** `kn version --client [-o json|yaml]` without oclif; undefined when the argv needs the full parser. */
export function versionFastPath(args: string[]): number | undefined {
  let output: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--client' || a === '--client=true') continue;
    if (a === '-o' || a === '--output') output = args[++i];
    else if (a.startsWith('--output=')) output = a.slice(9);
    else if (a.startsWith('-o=')) output = a.slice(3);
    else if (a.startsWith('-o') && a.length > 2) output = a.slice(2);
    else return undefined;
  }
  if (output !== undefined && output !== 'json' && output !== 'yaml') {
    process.stderr.write(`Error: ${OUTPUT_ERROR}\nRun 'kn version --help' for usage\n`);
    return 1;
  }
  process.stdout.write(renderVersion(versionInfo(), output));
  return 0;
}
