// The true global flags of kn (upstream's persistent flags). Plain data: the argv normaliser
// and the help printer read it without loading oclif; base.ts turns it into oclif flags.

export interface GlobalFlagSpec {
  name: string;
  type: 'string' | 'stringArray' | 'bool';
  description: string;
  hidden?: boolean;
}

export const GLOBAL_FLAGS: GlobalFlagSpec[] = [
  { name: 'as', type: 'string', description: 'Username to impersonate for the operation' },
  { name: 'as-group', type: 'stringArray', description: 'Group to impersonate for the operation, this flag can be repeated to specify multiple groups.' },
  { name: 'as-uid', type: 'string', description: 'UID to impersonate for the operation' },
  { name: 'cluster', type: 'string', description: 'name of the kubeconfig cluster to use' },
  { name: 'config', type: 'string', description: 'kn configuration file (default: ~/.config/kn/config.yaml)' },
  { name: 'context', type: 'string', description: 'name of the kubeconfig context to use' },
  { name: 'kubeconfig', type: 'string', description: 'kubectl configuration file (default: ~/.kube/config)' },
  { name: 'log-http', type: 'bool', description: 'log http traffic' },
  { name: 'plugins-dir', type: 'string', description: 'kn plugins directory (default: ~/.config/kn/plugins)', hidden: true },
];

export const GLOBAL_FLAG_NAMES = new Set(GLOBAL_FLAGS.flatMap((f) => (f.type === 'bool' ? [f.name, `no-${f.name}`] : [f.name])));
