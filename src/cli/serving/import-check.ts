// `kn service import FILE`: the Service and every Revision of the export checked before anything
// is created, so an import with one bad revision imports nothing (upstream creates the Service
// and fails on the revision, leaving it half imported).
import { nameError } from '../../api/names.ts';
import { metadataProblems, podSpecProblems } from '../../api/serving/podspec-validation.ts';
import type { Revision, Service } from '../../api/serving/types.ts';
import { formatErrors, validateRevisionSpec, validateService } from '../../api/serving/validation.ts';
import { UserError } from '../errors.ts';
import { checkKubernetesRules } from './podspec-rules.ts';
import { checkAutoscalingAnnotations } from './validate.ts';

export function checkImport(svc: Service, revisions: readonly Revision[], file: string): void {
  const bad = (msg: string): never => {
    throw new UserError(`cannot import ${file}: ${msg}; nothing was imported`);
  };
  if (svc.kind !== undefined && svc.kind !== 'Service') bad(`spec.service is a ${svc.kind}, not a Service`);
  const svcErrs = validateService(svc);
  if (svcErrs.length) bad(`invalid service: ${formatErrors(svcErrs).split('\n')[0]}`);
  try {
    checkKubernetesRules(svc, {}, file);
    checkAutoscalingAnnotations(svc.spec?.template?.metadata?.annotations ?? {});
  } catch (e) {
    bad(`invalid service: ${(e as Error).message}`);
  }
  const prefix = `${svc.metadata.name}-`;
  revisions.forEach((r, i) => {
    const where = `spec.revisions[${i}]`;
    if (r === null || typeof r !== 'object' || !r.metadata) bad(`${where} is not a Revision`);
    if (r.kind !== undefined && r.kind !== 'Revision') bad(`${where} is a ${r.kind}, not a Revision`);
    const name = r.metadata.name ?? '';
    const ne = nameError(name, 'dns1035-label');
    if (ne) bad(`${where} has the invalid name ${JSON.stringify(name)}: ${ne}`);
    if (!name.startsWith(prefix)) bad(`${where} (${name}) does not belong to the service: its name must start with "${prefix}"`);
    const specErrs = validateRevisionSpec(r.spec, undefined, `${where}.spec`);
    if (specErrs.length) bad(`invalid revision ${name}: ${formatErrors(specErrs).split('\n')[0]}`);
    const problems = [...metadataProblems(r.metadata, `${where}.metadata`), ...podSpecProblems(r.spec, `${where}.spec`)];
    if (problems.length) bad(`invalid revision ${name}: ${problems[0]!.path}: ${problems[0]!.message}`);
    try {
      checkAutoscalingAnnotations(r.metadata.annotations ?? {});
    } catch (e) {
      bad(`invalid revision ${name}: ${(e as Error).message}`);
    }
  });
}
