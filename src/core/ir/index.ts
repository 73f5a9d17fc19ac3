export type * from './content.ts';
export type * from './request.ts';
export type * from './response.ts';
export type * from './stream.ts';
export { emptyUsage } from './response.ts';
export { StreamFold, foldStream } from './fold-stream.ts';
