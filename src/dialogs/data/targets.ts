import type { Policy, RestoreTargetRef } from '../../restore';
import { shortKey } from '../keys';
import type { ChoiceOption } from '../views';

export function targetKey(name: string): string {
  return shortKey('t', name);
}

/** Containers the policy allows for a restore that runs in `region`. */
export function targetsFor(policy: Policy, region: string): RestoreTargetRef[] {
  return policy.targetsIn(region);
}

export function targetOptions(targets: readonly RestoreTargetRef[]): ChoiceOption[] {
  return targets.map((t) => ({ value: targetKey(t.name), label: t.name, description: t.containerUrl }));
}
