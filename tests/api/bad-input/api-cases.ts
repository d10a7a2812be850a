// Malformed requests for every route of the public `api` function, grouped by endpoint family.
import { accessFamily, authFamily } from "./api-cases-access.ts";
import { fileFamily } from "./api-cases-files.ts";
import { activityFamily, jobFamily, workerFamily } from "./api-cases-jobs.ts";
import { organizationFamily } from "./api-cases-orgs.ts";
import type { ApiFixture } from "./api-cases-shared.ts";
import type { BadCase } from "./harness.ts";
import { workerLogReadCases } from "./worker-log-cases.ts";

export type { ApiFixture };

export function apiCaseFamilies(f: ApiFixture): Record<string, BadCase[]> {
  return {
    "auth, me and organization": authFamily(f),
    "tokens, members and secrets": accessFamily(f),
    files: fileFamily(f),
    jobs: jobFamily(f),
    "job runs, events and logs": activityFamily(f),
    "workers, hardware and local files": workerFamily(f),
    "organizations, limits and usage": organizationFamily(f),
    "worker logs": workerLogReadCases(f),
  };
}
