import { fakeLoopHarness } from "./fake-loop-harness.ts";
import { defineWorkerLoopScenarios } from "./worker-loop.scenarios.ts";

defineWorkerLoopScenarios(fakeLoopHarness);
