import type { IncomingHttpHeaders } from 'node:http';
import type { AttributionConfig } from '../config/runtime-config.ts';
import { isAttributeName } from '../core/attribute-name.ts';
import { invalidRequest } from '../core/errors.ts';
import type { RequestAttribution } from '../store/spend-store.ts';

/** Bounds on what a request may say about itself: attributes land in logs, ledgers and (configured) metric labels. */
export const attributionLimits = {
  valueChars: 256,
  tags: 16,
  tagChars: 64,
  metadataBytes: 4096,
  metadataEntries: 16,
} as const;

const tagPattern = /^[A-Za-z0-9_.:@/+-]+$/;
// Control characters (C0, DEL, C1) and bidi/zero-width formatting: a value must read as it is stored.
// biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
const unprintable = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/;

const none: RequestAttribution = Object.freeze({ attributes: Object.freeze({}) as Record<string, string>, tags: Object.freeze([]) as unknown as string[] });

/**
 * What a request says about itself (contract §2 `attribution`): the attributes of the
 * configured headers, `x-switchyard-metadata` (a JSON object of strings, numbers and booleans)
 * and `x-switchyard-tags: a,b`. A configured header wins over a metadata entry of the same
 * name. Anything out of bounds or malformed is a 400 naming the header: a silently dropped
 * attribute would bill the wrong repo.
 */
export function readAttribution(headers: IncomingHttpHeaders, config: AttributionConfig): RequestAttribution {
  const metadata = single(headers, 'x-switchyard-metadata');
  const tagsHeader = single(headers, 'x-switchyard-tags');
  const configured = Object.entries(config.headers);
  if (metadata === undefined && tagsHeader === undefined && !configured.some(([, header]) => headers[header] !== undefined)) return none;

  const attributes: Record<string, string> = metadata === undefined ? {} : readMetadata(metadata);
  for (const [name, header] of configured) {
    const value = single(headers, header)?.trim();
    if (value === undefined || value === '') continue;
    attributes[name] = checkValue(value, header);
  }
  return { attributes, tags: tagsHeader === undefined ? [] : readTags(tagsHeader) };
}

function readMetadata(text: string): Record<string, string> {
  const header = 'x-switchyard-metadata';
  if (Buffer.byteLength(text) > attributionLimits.metadataBytes) throw invalidHeader(header, `is longer than ${attributionLimits.metadataBytes} bytes`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalidHeader(header, 'is not JSON (send an object such as {"repo":"billing"})');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw invalidHeader(header, 'must be a JSON object');
  const entries = Object.entries(parsed);
  if (entries.length > attributionLimits.metadataEntries) throw invalidHeader(header, `has more than ${attributionLimits.metadataEntries} entries`);
  const attributes: Record<string, string> = {};
  for (const [name, value] of entries) {
    if (!isAttributeName(name)) throw invalidHeader(header, `entry "${name.slice(0, 64)}": names are lower-case letters, digits and _`);
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean')
      throw invalidHeader(header, `entry "${name}": values are strings, numbers or booleans`);
    const text = String(value).trim();
    if (text !== '') attributes[name] = checkValue(text, header);
  }
  return attributes;
}

function readTags(text: string): string[] {
  const header = 'x-switchyard-tags';
  const tags = [
    ...new Set(
      text
        .split(',')
        .map((tag) => tag.trim())
        .filter(Boolean),
    ),
  ];
  if (tags.length > attributionLimits.tags) throw invalidHeader(header, `has more than ${attributionLimits.tags} tags`);
  for (const tag of tags) {
    if (tag.length > attributionLimits.tagChars || !tagPattern.test(tag))
      throw invalidHeader(header, `tag "${tag.slice(0, 64)}": at most ${attributionLimits.tagChars} of letters, digits and _ . : @ / + -`);
  }
  return tags;
}

function checkValue(value: string, header: string): string {
  if (value.length > attributionLimits.valueChars) throw invalidHeader(header, `is longer than ${attributionLimits.valueChars} characters`);
  if (unprintable.test(value)) throw invalidHeader(header, 'contains control or invisible formatting characters');
  return value;
}

function single(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  // Node joins repeated custom headers with ", "; an array only comes from set-cookie-like ones.
  return Array.isArray(value) ? value.join(',') : value;
}

function invalidHeader(header: string, problem: string) {
  return invalidRequest(`Header ${header} ${problem}.`, header);
}
