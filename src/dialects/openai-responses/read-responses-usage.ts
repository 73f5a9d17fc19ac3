import type { Usage } from '../../core/ir/index.ts';
import { decodeUsage } from './map-usage.ts';
import { isRecord } from './wire.ts';

/**
 * Usage from a terminal stream event payload (`response.completed` / `.incomplete` /
 * `.failed`), for the passthrough path that forwards bytes and only meters them. Accepts the
 * bare response object as well.
 */
export function readResponsesUsage(completedEventJson: unknown): Usage | undefined {
  if (!isRecord(completedEventJson)) return undefined;
  const response = isRecord(completedEventJson.response) ? completedEventJson.response : completedEventJson;
  return decodeUsage(response.usage);
}
