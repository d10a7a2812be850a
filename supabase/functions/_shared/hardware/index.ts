// Hardware catalog: GPU types, pod configurations, hardware strings. See catalog.ts.
export * from "./catalog.ts";
export * from "./gpu-performance.ts";
export * from "./gpu-types.ts";
export * from "./hardware-string.ts";
export * from "./runpod-catalog.ts";
export * from "./speed.ts";
