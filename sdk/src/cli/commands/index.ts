import type { Command } from "../command.ts";
import { eventsList, jobsDownload, runsList } from "./activity.ts";
import {
  secretsImport,
  secretsList,
  secretsRemove,
  secretsSet,
  worker,
  workersList,
  workersShutdown,
} from "./admin.ts";
import { login, logout, whoami } from "./auth.ts";
import { completionCommands } from "./completion.ts";
import { exec } from "./exec.ts";
import { filesFetch, filesGet, filesList, filesUpload } from "./files.ts";
import { jobsCancel, jobsGet, jobsList, jobsRestart, jobsWait } from "./jobs.ts";
import { logs } from "./logs.ts";
import { membersAdd, membersList, membersRemove, membersRole } from "./members.ts";
import { orgCreate, orgLimits, orgList, orgSwitch, orgUsage } from "./org.ts";
import { tokenCreate, tokenList, tokenRevoke } from "./tokens.ts";
import { workersLogs } from "./worker-logs.ts";

/** Top-level shortcuts share their implementation with the long form. */
const alias = (command: Command, path: string[]): Command => ({ ...command, path });

export const COMMANDS: Command[] = [
  login,
  logout,
  whoami,
  tokenList,
  tokenCreate,
  tokenRevoke,
  filesUpload,
  filesList,
  filesGet,
  filesFetch,
  alias(filesFetch, ["fetch"]),
  jobsList,
  jobsGet,
  jobsCancel,
  jobsRestart,
  jobsWait,
  alias(jobsList, ["ls"]),
  alias(jobsCancel, ["cancel"]),
  logs,
  exec,
  secretsSet,
  secretsList,
  secretsRemove,
  secretsImport,
  workersList,
  workersShutdown,
  workersLogs,
  worker,
  orgList,
  orgCreate,
  orgSwitch,
  orgLimits,
  orgUsage,
  membersList,
  membersAdd,
  membersRemove,
  membersRole,
  runsList,
  eventsList,
  jobsDownload,
  ...completionCommands(() => COMMANDS),
];
