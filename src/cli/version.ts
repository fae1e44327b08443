// kn version: the client's version, build date, git revision and the Knative APIs it speaks,
// plus the cluster's Kubernetes version when one is reachable.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './manifest.ts';

/** The Knative release whose APIs kn-ts speaks. */
export const KNATIVE_VERSION = 'v1.23.0';

/**
 * The Knative APIs this build serves, by area, each with the Knative component it matches: the one
 * place `kn version` reads. Add an area (or a group to one) when its commands and controllers ship.
 */
export const SERVED_APIS: Record<string, { component: string; groups: string[] }> = {
  serving: { component: 'knative-serving', groups: ['serving.knative.dev/v1'] },
};

export interface VersionInfo {
  Version: string;
  BuildDate: string;
  GitRevision: string;
  /** Area (serving, eventing) → the API groups/versions of it this build serves. */
  SupportedAPIs: Record<string, string[]>;
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
    SupportedAPIs: Object.fromEntries(
      Object.entries(SERVED_APIS).map(([area, a]) => [area, a.groups.map((g) => `${g} (${a.component} ${KNATIVE_VERSION})`)]),
    ),
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
      ...Object.entries(info.SupportedAPIs).flatMap(([area, apis]) => [`  ${area}:`, ...apis.map((s) => `  - ${s}`)]),
    ];
    if (info.KubernetesVersion) lines.push(`KubernetesVersion: ${info.KubernetesVersion}`);
    return lines.join('\n') + '\n';
  }
  const lines = [
    `Version:      ${info.Version}`,
    `Build Date:   ${info.BuildDate}`,
    `Git Revision: ${info.GitRevision}`,
    'Supported APIs:',
    ...Object.entries(info.SupportedAPIs).flatMap(([area, apis]) => [`* ${area[0]!.toUpperCase()}${area.slice(1)}`, ...apis.map((s) => `  - ${s}`)]),
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
