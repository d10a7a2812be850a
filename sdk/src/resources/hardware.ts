/** The hardware catalog: what jobs can ask for in `allowed_hardware`. Shape kept open on purpose. */
import { APIResource, type CallOptions } from "./resource.ts";

export interface HardwareOption {
  name?: string;
  [field: string]: unknown;
}

export class Hardware extends APIResource {
  async list(options: CallOptions = {}): Promise<HardwareOption[]> {
    const body = await this.core.http.json<unknown>({ ...options, method: "GET", path: "/api/hardware" });
    if (Array.isArray(body)) return body as HardwareOption[];
    const data = (body as { data?: unknown } | undefined)?.data;
    return Array.isArray(data) ? (data as HardwareOption[]) : [];
  }
}
