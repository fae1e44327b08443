// The controller as its own process (so the benchmark can read its RSS): node controller-proc.ts <args>.
import { main } from '../../src/controller/main.ts';

await main(process.argv.slice(2));
