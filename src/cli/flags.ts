// Flag builders in kn's vocabulary. Each sets helpValue to the pflag type name kn's help shows
// (string, stringArray, int, duration…), so the manifest-driven help reads like upstream's.
import { Flags, type Interfaces } from '@oclif/core';

type Char = Interfaces.AlphabetLowercase | Interfaces.AlphabetUppercase;
type Common = { char?: Char; hidden?: boolean; aliases?: string[]; helpGroup?: string; description?: string };

export const str = (summary: string, o: Common & { options?: readonly string[]; helpValue?: string } = {}) =>
  Flags.string({ summary, helpValue: 'string', ...o, options: o.options as string[] | undefined });

export const strDefault = (summary: string, def: string, o: Common & { helpValue?: string } = {}) =>
  Flags.string({ summary, helpValue: 'string', default: def, ...o });

export const strArray = (summary: string, o: Common & { helpValue?: string } = {}) =>
  Flags.string({ summary, multiple: true, multipleNonGreedy: true, helpValue: 'stringArray', ...o });

export const int = (summary: string, o: Common & { min?: number; max?: number; helpValue?: string } = {}) =>
  Flags.integer({ summary, helpValue: 'int', ...o });

export const intDefault = (summary: string, def: number, o: Common & { min?: number; max?: number; helpValue?: string } = {}) =>
  Flags.integer({ summary, helpValue: 'int', default: def, ...o });

/**
 * A bool; with allowNo, --no-X is accepted too (upstream's --X / --no-X pairs). `helpDefault` is
 * the default the help shows when the code, not oclif, applies it (the flag stays unset unless given).
 */
export const bool = (summary: string, o: Common & { default?: boolean; allowNo?: boolean; helpDefault?: boolean } = {}) => {
  const { helpDefault, ...rest } = o;
  const f = Flags.boolean({ summary, ...rest });
  return helpDefault === undefined ? f : Object.assign(f, { helpDefault });
};

export const namespaceFlag = { namespace: str('Specify the namespace to operate in.', { char: 'n' }) };

export const allNamespacesFlag = {
  'all-namespaces': bool(
    'If present, list the requested object(s) across all namespaces. Namespace in current context is ignored even if specified with --namespace.',
    { char: 'A' },
  ),
};

/** Upstream's persistent flags, accepted by every command (see global-flags.ts for the text). */
export const globalFlags = {
  as: Flags.string({ summary: 'Username to impersonate for the operation', helpGroup: 'GLOBAL', helpValue: 'string' }),
  'as-group': Flags.string({
    summary: 'Group to impersonate for the operation, this flag can be repeated to specify multiple groups.',
    multiple: true,
    multipleNonGreedy: true,
    helpGroup: 'GLOBAL',
    helpValue: 'stringArray',
  }),
  'as-uid': Flags.string({ summary: 'UID to impersonate for the operation', helpGroup: 'GLOBAL', helpValue: 'string' }),
  cluster: Flags.string({ summary: 'name of the kubeconfig cluster to use', helpGroup: 'GLOBAL', helpValue: 'string' }),
  config: Flags.string({ summary: 'kn configuration file (default: ~/.config/kn/config.yaml)', helpGroup: 'GLOBAL', helpValue: 'string' }),
  context: Flags.string({ summary: 'name of the kubeconfig context to use', helpGroup: 'GLOBAL', helpValue: 'string' }),
  kubeconfig: Flags.string({ summary: 'kubectl configuration file (default: ~/.kube/config)', helpGroup: 'GLOBAL', helpValue: 'string' }),
  'log-http': Flags.boolean({ summary: 'log http traffic', allowNo: true, helpGroup: 'GLOBAL' }),
  'plugins-dir': Flags.string({ summary: 'kn plugins directory (default: ~/.config/kn/plugins)', hidden: true, helpGroup: 'GLOBAL' }),
};
