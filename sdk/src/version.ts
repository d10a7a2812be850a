/** Kept in step with package.json by the build script's check. */
export const VERSION = "0.1.0";
