// Names of the objects the Serving reconcilers create, as upstream derives them
// (knative.dev/pkg kmeta.ChildName and serving's resources/names packages). Pure.
import { createHash } from 'node:crypto';
import type { KubeObject } from '../meta.ts';

const LONGEST = 63;
const MD5_LEN = 32;
const HEAD = LONGEST - MD5_LEN; // 31

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

/** kmeta.ChildName: parent+suffix, shortened with an md5 of the parent when longer than 63. */
export function childName(parent: string, suffix: string): string {
  if (parent.length <= LONGEST - suffix.length) return parent + suffix;
  if (HEAD - suffix.length <= 0) {
    const h = md5(parent + suffix);
    let ret = (parent.length > HEAD ? parent.slice(0, HEAD) : parent) + h;
    const d = LONGEST - ret.length;
    if (d > 0) ret += suffix.slice(0, d);
    return ret.replace(/-+$/, '');
  }
  return parent.slice(0, HEAD - suffix.length) + md5(parent) + suffix;
}

/** `<config>-00001` for generation 1; the BYO name when the template has one. */
export function revisionName(config: { metadata: KubeObject['metadata']; spec: { template: { metadata?: { name?: string } } } }): string {
  const byo = config.spec.template.metadata?.name;
  if (byo) return byo;
  return generatedRevisionName(config.metadata.name ?? '', config.metadata.generation ?? 0);
}

export function generatedRevisionName(configName: string, generation: number): string {
  return childName(configName, `-${String(generation).padStart(5, '0')}`);
}

/** The Revision's Deployment. */
export const deploymentName = (revision: string): string => childName(revision, '-deployment');
/** The Revision's Kubernetes Service (what KIngress splits point at): the revision's own name. */
export const k8sServiceName = (revision: string): string => revision;
/** The Revision's PodAutoscaler: the revision's own name. */
export const podAutoscalerName = (revision: string): string => revision;
/** A Service's Configuration and Route take the Service's name. */
export const configurationName = (service: string): string => service;
export const routeName = (service: string): string => service;
