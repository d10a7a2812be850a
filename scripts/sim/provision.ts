// One create_worker action against the simulated provider: each choice (first, then fallbacks)
// is asked in turn; a call takes `createCallSeconds`, may fail for no reason of capacity (then it
// is retried once), and is refused when the GPU type has no capacity in that window. The time all
// of this takes is charged: the pod starts (and bills) only once a call succeeds, and the next
// create of the same tick starts after it.
import type { CreateWorkerAction, HardwareChoice } from "../../supabase/functions/_shared/scaling/types.ts";
import type { SimPolicy } from "./policies.ts";
import type { World } from "./world.ts";

export interface Provisioned {
  readonly choice: HardwareChoice | null;
  /** When the successful call returned (pod billing starts), or when the last refusal came back. */
  readonly doneMs: number;
  readonly refusals: number;
}

export function provision(
  world: World,
  policy: SimPolicy,
  action: CreateWorkerAction,
  startMs: number,
  callKey: string,
): Provisioned {
  const callMs = world.options.createCallSeconds * 1000;
  let at = startMs;
  let refusals = 0;
  for (const choice of [action.hardware, ...action.fallbacks]) {
    for (let attempt = 0; attempt < 2; attempt++) {
      at += callMs;
      if (world.createErrors(`${callKey}\u0000${choice.hardwareType}\u0000${attempt}`)) {
        refusals += 1;
        policy.onCreateFailure(action.organizationId, choice, "provider_error", at);
        continue;
      }
      if (!world.hasCapacity(choice.gpu, choice.count, at)) {
        refusals += 1;
        policy.onCreateFailure(action.organizationId, choice, "no_capacity", at);
        at += policy.refusalRetrySeconds * 1000;
        break;
      }
      policy.onCreateSuccess(action.organizationId, choice, at);
      return { choice, doneMs: at, refusals };
    }
  }
  return { choice: null, doneMs: at, refusals };
}
