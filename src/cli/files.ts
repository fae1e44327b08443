// Files named on the command line (--containers, --env-file, -f, --config, kubeconfig): one
// wording for the ways reading them fails, and no file content ever echoed into an error.

/** Why text cannot be a text file (binary content), or undefined. */
export function textFileProblem(text: string): string | undefined {
  if (text.includes('\u0000')) return 'is not a text file (it contains NUL bytes)';
  // U+FFFD marks bytes that are not UTF-8; a few may be a stray Latin-1 character, many are binary.
  const replaced = text.length ? (text.match(/\uFFFD/g)?.length ?? 0) / text.length : 0;
  if (replaced > 0.05) return 'is not a text file (it is not UTF-8)';
  return undefined;
}

/** The first line of a YAML/JSON parser error, without the excerpt of the input it carries. */
export function yamlProblem(e: unknown): string {
  const first = String((e as Error)?.message ?? e).split('\n')[0]!.replace(/:\s*$/, '').trim();
  return first.length > 160 ? `${first.slice(0, 157)}...` : first;
}

/** Node's fs error codes as the user should read them, with what to do. */
export function fileErrorText(path: string, e: unknown): string {
  const code = (e as { code?: string }).code;
  switch (code) {
    case 'ENOENT':
      return `${path} does not exist; check the path`;
    case 'EISDIR':
      return `${path} is a directory, not a file; give the path of a file`;
    case 'EACCES':
    case 'EPERM':
      return `${path} cannot be read (permission denied); check its permissions`;
    case 'ENOTDIR':
      return `${path} is not a valid path (a part of it is a file, not a directory)`;
    default:
      return `${path} cannot be read (${String((e as Error)?.message ?? e).split('\n')[0]})`;
  }
}
