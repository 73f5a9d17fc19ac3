import { runCodecConformance } from './codec-conformance.ts';

runCodecConformance('gemini', { clientExtensions: { gemini: { generationConfig: { thinkingConfig: { includeThoughts: true } } } } });
