import { readFileSync } from 'node:fs';
import { ConfigError } from './config/config-error.ts';

const usage = `Usage: switchyard <command> [options]

Commands:
  start [--config FILE] [--port N] [--host H]   serve the gateway (default port 4141)
  keys create|list|revoke                        manage virtual keys on a running gateway
  logs [--follow] [--key K] [--model M]          show the request log
  spend [--by key|team|model|day] [--since ISO]  show spend
  doctor [--config FILE]                         check every provider and print the fix
  codex [--write] [--model A] [--profile NAME]   set up Codex CLI (provider block + model catalog)
  migrate [--config FILE]                        bring the storage.url database to the current schema

Options: --help (here or after a command), --version
`;

/** The version in the package.json next to the build (or the sources, from a checkout). */
function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
  return manifest.version ?? 'unknown';
}

/** `switchyard start --help`; the other commands answer `--help` themselves. */
const startHelp = `Usage: switchyard start [--config FILE] [--port N] [--host H]

Serves the gateway. Config lookup: --config, then $SWITCHYARD_CONFIG, then ./switchyard.yaml,
then built-in defaults (providers from OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY…).
SIGTERM drains in-flight requests, flushes the log and exits.
`;

// Each command is loaded only when run: `--help`, `--version` and `start` load nothing they do not use.
async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === '--version' || command === '-v' || command === 'version') {
    process.stdout.write(`${packageVersion()}\n`);
    return;
  }
  if ((command === 'start' || command === undefined) && (rest.includes('--help') || rest.includes('-h'))) {
    process.stdout.write(startHelp);
    return;
  }
  switch (command) {
    case 'start':
    case undefined:
      return (await import('./cli/start.ts')).runStart(rest);
    case 'keys':
      return (await import('./cli/keys.ts')).runKeys(rest);
    case 'logs':
      return (await import('./cli/logs.ts')).runLogs(rest);
    case 'spend':
      return (await import('./cli/spend.ts')).runSpend(rest);
    case 'doctor':
      return (await import('./cli/doctor.ts')).runDoctor(rest);
    case 'codex':
      return (await import('./cli/codex.ts')).runCodexSetup(rest);
    case 'migrate':
      return (await import('./cli/migrate.ts')).runMigrate(rest);
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
