// Configuration status helpers (serving:pkg/apis/serving/v1/configuration_lifecycle.go): a living
// set with no dependents, driven by the latest created and latest ready revisions.
import type { Status } from '../../api/meta.ts';
import { ConditionManager, livingSet, READY } from '../../api/serving/conditions.ts';
import type { ConfigurationStatusFields } from '../../api/serving/types.ts';

export type ConfigurationStatus = Status & ConfigurationStatusFields;
export const configurationConditionSet = livingSet();
export const configurationConditions = (s: ConfigurationStatus, now?: () => Date) => new ConditionManager(configurationConditionSet, s, now);

export function setLatestCreatedRevisionName(s: ConfigurationStatus, m: ConditionManager, name: string): void {
  s.latestCreatedRevisionName = name;
  if (s.latestReadyRevisionName !== name) m.markUnknown(READY, '', '');
}

export function setLatestReadyRevisionName(s: ConfigurationStatus, m: ConditionManager, name: string): void {
  s.latestReadyRevisionName = name;
  if (s.latestReadyRevisionName === s.latestCreatedRevisionName) m.markTrue(READY);
}

export function markLatestCreatedFailed(m: ConditionManager, name: string, message: string): void {
  m.markFalse(READY, 'RevisionFailed', `Revision "${name}" failed with message: ${message}.`);
}

export function markRevisionCreationFailed(m: ConditionManager, message: string): void {
  m.markFalse(READY, 'RevisionFailed', `Revision creation failed with message: ${message}.`);
}

export function markLatestReadyDeleted(m: ConditionManager): void {
  m.markFalse(READY, 'RevisionDeleted', 'Latest ready revision has been deleted.');
}
