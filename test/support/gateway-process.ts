import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface GatewayProcess {
  child: ChildProcess;
  url: string;
  /** SIGKILL, resolved once the process is gone. */
  kill(): Promise<void>;
}

/**
 * One gateway in its own OS process (`run-gateway-process.ts`, config from YAML), started on
 * 127.0.0.1 port 0; resolves once it serves, rejects if it exits first or takes over 30 s.
 */
export function spawnGatewayProcess(yaml: string, options: { configFile?: string } = {}): Promise<GatewayProcess> {
  const script = fileURLToPath(new URL('./run-gateway-process.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, SWITCHYARD_TEST_CONFIG: yaml, ...(options.configFile ? { SWITCHYARD_TEST_CONFIG_FILE: options.configFile } : {}) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const kill = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void kill();
      reject(new Error('gateway process did not listen within 30 s'));
    }, 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`gateway process exited ${code} before listening`));
    });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening (\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1]!, kill });
      }
    });
  });
}
