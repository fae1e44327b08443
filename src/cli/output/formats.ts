// kn's generic -o formats, in the order its help and errors list them (no imports: the flag
// definitions read it on every run).
export const OUTPUT_FORMATS = [
  'json',
  'yaml',
  'name',
  'go-template',
  'go-template-file',
  'template',
  'templatefile',
  'jsonpath',
  'jsonpath-as-json',
  'jsonpath-file',
] as const;
