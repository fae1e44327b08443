// The name argument of a command, checked before any request: an empty name is never "all" (only
// --all is), and a name Kubernetes could not store is refused with its rule. One place for every
// command that takes a name.
import { nameError, type NameGrammar } from '../api/names.ts';
import { UserError } from './errors.ts';

export interface NameKind {
  /** "service", "revision", "route", "domain mapping" */
  noun: string;
  grammar: NameGrammar;
}

export const SERVICE_NAME: NameKind = { noun: 'service', grammar: 'dns1035-label' };
export const REVISION_NAME: NameKind = { noun: 'revision', grammar: 'dns1035-label' };
export const ROUTE_NAME: NameKind = { noun: 'route', grammar: 'dns1035-label' };
export const DOMAIN_NAME: NameKind = { noun: 'domain mapping', grammar: 'dns1123-subdomain' };

/**
 * Throws a one-line UserError unless name is valid for kind. `allHint` names the flag that means
 * "all" for commands that have one (delete --all), so the message points at it; `flag` is set when
 * the name comes from a flag rather than the argument.
 */
export function checkName(kind: NameKind, name: string, o: { allHint?: string; flag?: string } = {}): string {
  if (name === '') {
    if (o.flag) throw new UserError(`${o.flag} needs a ${kind.noun} name, got an empty string`);
    const fix = o.allHint ? `give the name of the ${kind.noun}, or ${o.allHint}` : `give the name of the ${kind.noun}`;
    throw new UserError(`the ${kind.noun} name is empty: ${fix}`);
  }
  const err = nameError(name, kind.grammar);
  if (err) throw new UserError(`invalid ${kind.noun} name ${JSON.stringify(name)}${o.flag ? ` for ${o.flag}` : ''}: ${err}`);
  return name;
}

/** checkName over several names (delete NAME...). */
export function checkNames(kind: NameKind, names: readonly string[], o: { allHint?: string } = {}): string[] {
  for (const n of names) checkName(kind, n, o);
  return [...names];
}
