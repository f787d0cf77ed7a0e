/** Runs a CLI's main: exit with its code, or print the cause (and the fix, when known) and exit 1. */
import { DataDirBusyError } from '../storage/data-dir-lock.ts';

export function runCli(verb: 'Import' | 'Export' | 'Demo', main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      if (error instanceof DataDirBusyError) {
        console.error(`${error.message}\nStop the server first, or go through it: add --server http://HOST:PORT.`);
      } else {
        console.error(`${verb} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      process.exit(1);
    },
  );
}
