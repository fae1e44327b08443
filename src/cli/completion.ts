// Shell completion. The scripts are small wrappers that ask `kn __complete <words…>` for
// candidates, which main.ts answers from the manifest (no oclif, no cluster), as cobra does.
import { GLOBAL_FLAGS } from './global-flags.ts';
import { canonicalGroup } from './groups.ts';
import { childrenOf, commandIndex, isTopic, type Manifest } from './manifest.ts';
import { listPlugins } from './plugins.ts';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;

/** Candidates for the last (possibly empty) word, given the words before it. */
export function complete(m: Manifest, words: string[]): string[] {
  const cur = words.at(-1) ?? '';
  const before = words.slice(0, -1).filter((w) => !w.startsWith('-'));
  if (before.length) before[0] = canonicalGroup(before[0]!);
  const idx = commandIndex(m);
  let id: string | undefined;
  for (let k = before.length; k > 0 && !id; k--) id = idx.get(before.slice(0, k).join(':'));
  if (cur.startsWith('-')) {
    const flags = id ? Object.values(m.commands[id]!.flags).filter((f) => !f.hidden) : [];
    const names = [...flags.flatMap((f) => [`--${f.name}`, ...(f.allowNo ? [`--no-${f.name}`] : [])]), ...GLOBAL_FLAGS.filter((f) => !f.hidden).map((f) => `--${f.name}`)];
    return [...new Set(names)].filter((n) => n.startsWith(cur)).sort();
  }
  const topic = before.join(':');
  if (before.length && !isTopic(m, topic)) return [];
  const subs = childrenOf(m, topic);
  if (!before.length) subs.push(...listPlugins().map((p) => p.words[0]!));
  return [...new Set(subs)].filter((s) => s.startsWith(cur)).sort();
}

export function script(shell: (typeof SHELLS)[number]): string {
  switch (shell) {
    case 'bash':
      return `# bash completion for kn (kn-ts)
# Load it with: source <(kn completion bash)
_kn_complete() {
  local cur="\${COMP_WORDS[COMP_CWORD]}"
  local IFS=$'\\n'
  COMPREPLY=( $(kn __complete "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null) )
  return 0
}
complete -o default -F _kn_complete kn
`;
    case 'zsh':
      return `#compdef kn
# zsh completion for kn (kn-ts)
# Load it with: source <(kn completion zsh)
_kn() {
  local -a candidates
  candidates=("\${(@f)$(kn __complete "\${words[@]:1:CURRENT-1}" 2>/dev/null)}")
  compadd -- "\${candidates[@]}"
}
if [ "$funcstack[1]" = "_kn" ]; then _kn "$@"; else compdef _kn kn; fi
`;
    case 'fish':
      return `# fish completion for kn (kn-ts)
# Load it with: kn completion fish | source
function __kn_complete
  set -l words (commandline -opc)
  set -e words[1]
  kn __complete $words (commandline -ct) 2>/dev/null
end
complete -c kn -f -a '(__kn_complete)'
`;
  }
}
