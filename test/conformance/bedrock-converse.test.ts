import { runCodecConformance } from './codec-conformance.ts';

runCodecConformance('bedrock-converse');
