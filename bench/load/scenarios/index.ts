/** The scenarios by their letter on the command line (`--scenario a,b,c,d,e`). */
import type { ServerKind } from '../../servers.ts';
import type { RunContext } from '../options.ts';
import type { Results } from '../results.ts';
import { scenarioA } from './a-one-session.ts';
import { scenarioB } from './b-ramp.ts';
import { scenarioC } from './c-many-sessions.ts';
import { scenarioD } from './d-long-history.ts';
import { scenarioE } from './e-cluster.ts';

export type ScenarioName = keyof Results;
type ResultOf<K extends ScenarioName> = Exclude<NonNullable<Results[K]>[ServerKind], undefined>;

export const SCENARIOS: { [K in ScenarioName]: (kind: ServerKind, ctx: RunContext) => Promise<ResultOf<K>> } = {
  a: scenarioA,
  b: scenarioB,
  c: scenarioC,
  d: scenarioD,
  e: scenarioE,
};

export function isScenarioName(name: string): name is ScenarioName {
  return Object.hasOwn(SCENARIOS, name);
}
