import { runCodecConformance } from './codec-conformance.ts';

runCodecConformance('openai-responses');
