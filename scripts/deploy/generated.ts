// Every file of the deploy layout that is generated rather than written (path → content).
import { generatedDenoJsons } from "./deno-imports.ts";
import { JOB_SCRIPTS_MODULE, jobScriptsModule } from "./job-scripts-module.ts";

export function generatedDeployFiles(root: string): Record<string, string> {
  return { ...generatedDenoJsons(root), [JOB_SCRIPTS_MODULE]: jobScriptsModule(root) };
}
