/**
 * Routes emulator requests to the test case that caused them, so that many SDK cases can run at
 * once against shared emulators. Each case puts a marker (`[case <id>]`) into its first user
 * message; every later request of that conversation replays it, so the marker names the case
 * whatever dialect the request was translated to.
 */
import type { RecordedRequest, Scenario } from '../../fakes/scenario.ts';

export interface ScriptedCase {
  id: string;
  /** The text to put in the first user message. */
  marker: string;
  /** Scenarios in the order the model answers them (one per accepted request). */
  scenarios: Scenario[];
  /** How many scenarios the emulator handed out, i.e. how many upstream requests it accepted. */
  served: number;
}

const markerPattern = /\[case ([a-z0-9.-]+)\]/;

export class ScriptedCases {
  private readonly cases = new Map<string, ScriptedCase>();

  add(id: string, scenarios: Scenario[]): ScriptedCase {
    if (this.cases.has(id)) throw new Error(`duplicate case id ${id}`);
    const scripted: ScriptedCase = { id, marker: `[case ${id}]`, scenarios, served: 0 };
    this.cases.set(id, scripted);
    return scripted;
  }

  /** The emulators' `respond`: called only for requests that passed validation. */
  readonly respond = (request: RecordedRequest): Scenario => {
    const id = markerPattern.exec(JSON.stringify(request.body ?? ''))?.[1];
    const scripted = id === undefined ? undefined : this.cases.get(id);
    if (scripted === undefined) return { error: { status: 500, message: `emulator: no case marker in request to ${request.url}` } };
    const scenario = scripted.scenarios[scripted.served];
    if (scenario === undefined) return { error: { status: 500, message: `emulator: case ${scripted.id} has no scenario #${scripted.served + 1}` } };
    scripted.served += 1;
    return scenario;
  };
}

/** The requests an emulator recorded for one case (recorded before validation, so rejects count too). */
export function requestsOf(requests: readonly RecordedRequest[], scripted: ScriptedCase): RecordedRequest[] {
  return requests.filter((request) => JSON.stringify(request.body ?? '').includes(scripted.marker));
}
