/** Severity order of `logging.level`: a message is written when it is at least the set level. */
export const logLevels = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof logLevels)[number];

let threshold = logLevels.indexOf('info');

/** Sets the process-wide level (from `logging.level` at start and on reload). */
export function setLogLevel(level: LogLevel): void {
  threshold = logLevels.indexOf(level);
}

function at(level: LogLevel, write: (...args: unknown[]) => void) {
  const rank = logLevels.indexOf(level);
  return (...args: unknown[]): void => {
    if (rank >= threshold) write(...args);
  };
}

/** The gateway's operational log: stderr, filtered by `logging.level`. Never given secrets. */
export const log = {
  debug: at('debug', (...args) => console.debug(...args)),
  info: at('info', (...args) => console.info(...args)),
  warn: at('warn', (...args) => console.warn(...args)),
  error: at('error', (...args) => console.error(...args)),
};
