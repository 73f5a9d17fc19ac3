import { ConfigError } from './config/config-error.ts';
import { runStart } from './cli/start.ts';
import { runKeys } from './cli/keys.ts';
import { runLogs } from './cli/logs.ts';
import { runSpend } from './cli/spend.ts';
import { runCodexSetup } from './cli/codex.ts';
import { runDoctor } from './cli/doctor.ts';

const usage = `Usage: switchyard <command> [options]

Commands:
  start [--config FILE] [--port N] [--host H]   serve the gateway (default port 4141)
  keys create|list|revoke                        manage virtual keys on a running gateway
  logs [--follow] [--key K] [--model M]          show the request log
  spend [--by key|team|model|day] [--since ISO]  show spend
  doctor [--config FILE]                         check every provider and print the fix
  codex [--write] [--model ALIAS]                set up Codex CLI (provider block + model catalog)
`;

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'start':
    case undefined:
      return runStart(rest);
    case 'keys':
      return runKeys(rest);
    case 'logs':
      return runLogs(rest);
    case 'spend':
      return runSpend(rest);
    case 'doctor':
      return runDoctor(rest);
    case 'codex':
      return runCodexSetup(rest);
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(usage);
      return;
    default:
      process.stderr.write(`switchyard: unknown command "${command}"\n\n${usage}`);
      process.exitCode = 2;
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(`switchyard: config error: ${error.message}`);
  else console.error(`switchyard: ${(error as Error).message ?? error}`);
  process.exit(1);
});
