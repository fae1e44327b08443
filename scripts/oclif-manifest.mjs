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
// Stable output: commands sorted by id.
manifest.commands = Object.fromEntries(Object.entries(manifest.commands).sort(([a], [b]) => a.localeCompare(b)));
writeFileSync(join(root, 'oclif.manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
console.log(`oclif.manifest.json: ${Object.keys(manifest.commands).length} commands`);
