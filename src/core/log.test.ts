import { test } from 'node:test';
import assert from 'node:assert/strict';
import { log, setLogLevel } from './log.ts';

test('logging.level filters the operational log by severity', (t) => {
  const written: string[] = [];
  for (const method of ['debug', 'info', 'warn', 'error'] as const)
    t.mock.method(console, method, (...args: unknown[]) => void written.push(`${method}:${args.join(' ')}`));
  try {
    setLogLevel('warn');
    log.debug('d');
    log.info('i');
    log.warn('w');
    log.error('e');
    assert.deepEqual(written, ['warn:w', 'error:e']);
    written.length = 0;
    setLogLevel('debug');
    log.debug('d');
    assert.deepEqual(written, ['debug:d']);
  } finally {
    setLogLevel('info');
  }
});
