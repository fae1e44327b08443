// What `kn service create|update|apply|delete|import|wait` print, word for word as upstream kn
// (pkg/commands/service/*.go, pkg/wait/wait_for_ready.go). Pure.

export const CREATE_NAME_REQUIRED = "'service create' requires the service name given as single argument";
export const CREATE_IMAGE_REQUIRED = "'service create' requires the image name to run provided with the --image option";
export const UPDATE_NAME_REQUIRED = "'service update' requires the service name given as single argument";
export const APPLY_NAME_REQUIRED = "'service apply' requires the service name given as single argument";
export const APPLY_IMAGE_REQUIRED = "'service apply' requires the image name to run provided with the --image option";
export const DELETE_NAME_REQUIRED = "'service delete' requires the service name(s)";
export const DELETE_ALL_NO_ARGS = "'service delete' with --all flag requires no arguments";
export const WAIT_NAME_REQUIRED = "'service wait' requires the service name given as single argument";
export const EXPORT_NAME_REQUIRED = "'kn service export' requires name of the service as single argument";
export const EXPORT_OUTPUT_REQUIRED = "'kn service export' requires output format";
export const IMPORT_FILE_REQUIRED = "'kn service import' requires filename of import file as single argument";
export const IMPORT_NO_NAME =
  "provided import file doesn't contain service name, please note that only kn's custom export format is supported";
export const APPLY_WARNING = "Warning: 'kn service apply' should be used only for services created by 'kn service apply'";
export const NO_BASE_REVISION_WARNING = 'Warning: No revision found to update image digest';

export const alreadyExists = (name: string, ns: string) =>
  `cannot create service '${name}' in namespace '${ns}' because the service already exists and no --force option was given`;
export const importExists = (name: string, ns: string) =>
  `cannot import service '${name}' in namespace '${ns}' because the service already exists`;
export const nameMismatch = (arg: string, file: string) => `provided service name '${arg}' doesn't match name from file '${file}'`;
export const NO_NAME = 'no service name provided in command parameter or file';
export const markedForDeletion = (name: string) => `can't update service ${name} because it has been marked for deletion`;
export const deleteMarked = (name: string) => `can't delete service '${name}' because it has been already marked for deletion`;
export const notFound = (name: string) => `services.serving.knative.dev "${name}" not found`;
export const urlFetchFailed = (name: string, ns: string, why: string) =>
  `cannot fetch service '${name}' in namespace '${ns}' for extracting the URL: ${why}`;

/** `Creating service 'x' in namespace 'ns':` (the verb is Creating, Replacing, Applying, Importing). */
export const doing = (verb: string, name: string, ns: string) => `${verb} service '${name}' in namespace '${ns}':`;
/** `Service 'x' created in namespace 'ns'.` (no wait, or --target). */
export const done = (verb: string, name: string, ns: string) => `Service '${name}' ${verb} in namespace '${ns}'.`;
export const replacedUnchanged = (name: string, ns: string) => `Service '${name}' replaced in namespace '${ns}' (unchanged).`;
export const updating = (name: string, ns: string) => `Updating Service '${name}' in namespace '${ns}':`;
export const NO_NEW_REVISION = 'No new revision has been created.';
export const noChangesToApply = (name: string) => `No changes to apply to service '${name}'.`;
export const waitingFor = (name: string, ns: string) => `Waiting for Service '${name}' in namespace '${ns}':`;
export const isReadyMsg = (name: string, ns: string) => `Service '${name}' in namespace '${ns}' is ready.`;
export const deleted = (name: string, ns: string) => `Service '${name}' successfully deleted in namespace '${ns}'.`;
export const NO_SERVICES = 'No services found.';

/**
 * The closing lines after a successful wait (upstream showUrl). `original` is the latest ready
 * revision before an update ('' for create; 'unchanged' for apply without changes).
 */
export function showUrl(name: string, verbDone: string, latestReady: string, url: string, original = ''): string {
  if ((original !== '' && original === latestReady) || original === 'unchanged') {
    return `Service '${name}' with latest revision '${latestReady}' (unchanged) is available at URL:\n${url}`;
  }
  return `Service '${name}' ${verbDone} to latest revision '${latestReady}' is available at URL:\n${url}`;
}

/** `%7.3fs <msg>`: seconds since the wait began, right-aligned in 7 columns, 3 decimals. */
export function progressLine(ms: number, message: string): string {
  const secs = Math.round(ms) / 1000;
  return `${secs.toFixed(3).padStart(7)}s ${message}`;
}

export const READY_TO_SERVE = 'Ready to serve.';

export const waitTimeout = (kind: string, name: string, seconds: number) => `timeout: ${kind} '${name}' not ready after ${seconds} seconds`;
