/** Recorded provider traffic (one copy each) under test/fixtures/providers/<dialect>/<file>; provenance in SOURCES.md there. */
import { readFileSync, readdirSync } from 'node:fs';
import type { DialectId } from '../../src/core/ir/index.ts';

const root = new URL('../fixtures/providers/', import.meta.url);

export function providerFixtureUrl(dialect: DialectId, name: string): URL {
  return new URL(`${dialect}/${name}`, root);
}

export function providerFixtureText(dialect: DialectId, name: string): string {
  return readFileSync(providerFixtureUrl(dialect, name), 'utf8');
}

/** The recorded bytes (binary framings such as the AWS event stream). */
export function providerFixtureBytes(dialect: DialectId, name: string): Buffer {
  return readFileSync(providerFixtureUrl(dialect, name));
}

/** Every recorded file of a dialect, sorted. */
export function providerFixtureNames(dialect: DialectId): string[] {
  return readdirSync(new URL(`${dialect}/`, root))
    .map(String)
    .sort();
}
