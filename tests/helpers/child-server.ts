/** Runs the real server (`npm start`'s command) as a child process, for crash and signal tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT } from '../../server/config.ts';
import { TEST_ADMIN_TOKEN } from './server.ts';

export interface ChildServer {
  child: ChildProcess;
  port: number;
  url: string;
  collabUrl: string;
  output(): string;
  /** Resolves with the exit code (or signal name) once the process ended. */
  exited: Promise<number | string>;
}

/** Starts `node --import tsx server/main.ts` with `env`; resolves once it listens. */
export function startChildServer(dataDir: string, env: Record<string, string> = {}): Promise<ChildServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'server', 'main.ts')], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, ADMIN_TOKEN: TEST_ADMIN_TOKEN, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /MCPAD_READY port=(\d+)/.exec(output);
      if (match) {
        const port = Number(match[1]);
        resolve({ child, port, url: `http://127.0.0.1:${port}`, collabUrl: `ws://127.0.0.1:${port}/collab`, output: () => output, exited });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then((code) => reject(new Error(`server exited (${code}) before listening:\n${output}`)));
    setTimeout(() => reject(new Error(`server did not start in 20 s:\n${output}`)), 20_000).unref();
  });
}
