// Kubernetes' name grammars (apimachinery pkg/util/validation), with its rule texts, so that a
// name Kubernetes would refuse is refused before any request. Pure.

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

export type NameGrammar = 'dns1123-label' | 'dns1123-subdomain' | 'dns1035-label';

/** The rule of each grammar as Kubernetes words it (IsDNS1123Label & co). */
export const NAME_RULES: Record<NameGrammar, string> = {
  'dns1123-label':
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (at most 63 characters, e.g. 'my-name')",
  'dns1123-subdomain':
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (at most 253 characters, e.g. 'example.com')",
  'dns1035-label':
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (at most 63 characters, e.g. 'my-name')",
};

/** Undefined when name is valid in the grammar, else the rule it breaks. Empty names break every rule. */
export function nameError(name: string, grammar: NameGrammar): string | undefined {
  if (name === '') return 'must not be empty';
  const max = grammar === 'dns1123-subdomain' ? 253 : 63;
  if (name.length > max) return `must be no more than ${max} characters`;
  const re = grammar === 'dns1123-label' ? DNS1123_LABEL : grammar === 'dns1035-label' ? DNS1035_LABEL : DNS1123_SUBDOMAIN;
  return re.test(name) ? undefined : NAME_RULES[grammar];
}

/**
 * A label or annotation key: an optional DNS-1123 subdomain prefix and `/`, then a name of at most
 * 63 characters (IsQualifiedName). Undefined when valid.
 */
export function qualifiedNameError(key: string): string | undefined {
  if (key === '') return 'must not be empty';
  const parts = key.split('/');
  let name = key;
  if (parts.length === 2) {
    const prefix = parts[0]!;
    name = parts[1]!;
    if (prefix === '') return 'prefix part must be non-empty';
    const e = nameError(prefix, 'dns1123-subdomain');
    if (e) return `prefix part ${e}`;
  } else if (parts.length > 2) {
    return "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character, with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')";
  }
  if (name === '') return 'name part must be non-empty';
  if (name.length > 63) return 'name part must be no more than 63 characters';
  if (!QUALIFIED_NAME.test(name)) {
    return "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName', 'my.name' or '123-abc')";
  }
  return undefined;
}

/** A label value: empty, or at most 63 characters of alphanumerics, '-', '_', '.' starting and ending alphanumeric. */
export function labelValueError(v: string): string | undefined {
  if (v.length > 63) return 'must be no more than 63 characters';
  return LABEL_VALUE.test(v)
    ? undefined
    : "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue', 'my_value' or '12345')";
}

/**
 * An environment variable name as the API server accepts it (RelaxedEnvironmentVariableValidation,
 * on by default since Kubernetes 1.34): printable ASCII other than '='.
 */
export function envVarNameError(name: string): string | undefined {
  if (name === '') return 'must not be empty';
  if (!/^[\x20-\x3c\x3e-\x7e]+$/.test(name)) return "a valid environment variable name must consist only of printable ASCII characters other than '='";
  return undefined;
}
