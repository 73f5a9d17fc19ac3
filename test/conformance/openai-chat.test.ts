import { runCodecConformance } from './codec-conformance.ts';

runCodecConformance('openai-chat', { clientExtensions: { 'openai-chat': { stream_options: { include_usage: true } } } });
