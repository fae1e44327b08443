// The command groups of kn, their aliases and their place in the root help: declared once here,
// used by the argv normaliser, the root help, group errors and completion. Only groups that have
// commands in this build (oclif.manifest.json) are listed or accepted: a group added here before
// its commands exist stays invisible (availableGroups).

export interface Group {
  name: string;
  summary: string;
  section: 'Serving Commands' | 'Eventing Commands' | 'Other Commands';
  aliases: string[];
  /** The group's own help text and usage, where upstream's differ from the summary and the name. */
  description?: string;
  use?: string;
}

export const GROUPS: Group[] = [
  { name: 'service', summary: 'Manage Knative services', section: 'Serving Commands', aliases: ['ksvc', 'services'] },
  { name: 'revision', summary: 'Manage service revisions', section: 'Serving Commands', aliases: ['revisions'] },
  { name: 'route', summary: 'List and describe service routes', section: 'Serving Commands', aliases: ['routes'] },
  { name: 'domain', summary: 'Manage domain mappings', section: 'Serving Commands', aliases: ['domains'], use: 'domain COMMAND' },
  { name: 'container', summary: "Manage service's containers (experimental)", section: 'Serving Commands', aliases: ['containers'] },
  { name: 'source', summary: 'Manage event sources', section: 'Eventing Commands', aliases: ['sources'] },
  { name: 'broker', summary: 'Manage message brokers', section: 'Eventing Commands', aliases: ['brokers'] },
  { name: 'trigger', summary: 'Manage event triggers', section: 'Eventing Commands', aliases: ['triggers'] },
  { name: 'channel', summary: 'Manage event channels', section: 'Eventing Commands', aliases: ['channels'] },
  { name: 'subscription', summary: 'Manage event subscriptions', section: 'Eventing Commands', aliases: ['subscriptions', 'sub'] },
  { name: 'eventtype', summary: 'Manage eventtypes', section: 'Eventing Commands', aliases: ['eventtypes'] },
  {
    name: 'plugin',
    summary: 'Manage kn plugins',
    section: 'Other Commands',
    aliases: ['plugins'],
    description:
      'Manage kn plugins\n\nPlugins provide extended functionality that is not part of the core kn command-line distribution.\nPlease refer to the documentation and examples for more information about how to write your own plugins.',
  },
  { name: 'secret', summary: 'Manage secrets', section: 'Other Commands', aliases: ['secrets'] },
  { name: 'completion', summary: 'Output shell completion code', section: 'Other Commands', aliases: [] },
  { name: 'version', summary: 'Show the version of this client', section: 'Other Commands', aliases: [] },
  { name: 'quickstart', summary: 'Get started quickly with a local Knative cluster (kind or minikube)', section: 'Other Commands', aliases: [] },
];

/** Subtopics with aliases of their own (kn source ping …). */
export const SUBGROUP_ALIASES: Record<string, Record<string, string>> = {};

export const SECTIONS = ['Serving Commands', 'Eventing Commands', 'Other Commands'] as const;

const byAlias = new Map<string, string>();
for (const g of GROUPS) for (const a of g.aliases) byAlias.set(a, g.name);

/** The canonical group name for a word typed at the top level (ksvc → service). */
export function canonicalGroup(word: string): string {
  return byAlias.get(word) ?? word;
}

/** The groups this build has commands for (topIds: the manifest's top-level words). */
export function availableGroups(topIds: readonly string[]): Group[] {
  const have = new Set(topIds);
  return GROUPS.filter((g) => have.has(g.name));
}
