// Writes oclif.manifest.json from the built commands in dist/commands (what `oclif manifest`
// does, without pulling the whole oclif packer into the project).
import { Plugin } from '@oclif/core';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const plugin = new Plugin({ root, type: 'core', ignoreManifest: true, errorOnManifestCreate: process.env.KN_TS_BUILD_LENIENT !== '1', isRoot: true });
await plugin.load();
const manifest = plugin.manifest;
// Booleans: oclif leaves their default out of the manifest; the help shows it (`(default true)`),
// so it is copied from the command class (or its helpDefault, when the code applies the default).
for (const cmd of plugin.commands) {
  const C = await cmd.load();
  for (const [name, f] of Object.entries(C.flags ?? {})) {
    const cached = manifest.commands[cmd.id]?.flags?.[name];
    const def = f.helpDefault ?? f.default;
    if (cached && f.type === 'boolean' && typeof def === 'boolean') cached.default = def;
  }
}
// Stable output: commands sorted by id.
manifest.commands = Object.fromEntries(Object.entries(manifest.commands).sort(([a], [b]) => a.localeCompare(b)));
writeFileSync(join(root, 'oclif.manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
console.log(`oclif.manifest.json: ${Object.keys(manifest.commands).length} commands`);
