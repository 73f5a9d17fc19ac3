import { HedgeLostError } from './run-hedged-pair.ts';

/** Before a hedged attempt's first byte goes to the client: go on if it won, stop (HedgeLostError) if another did. */
export function claimClient(claim: (() => boolean) | undefined): void {
  if (claim && !claim()) throw new HedgeLostError();
}
