import { runCodecConformance } from './codec-conformance.ts';

runCodecConformance('anthropic-messages');
