export { type Config, type ConfigInput, configSchema } from "./config-schema.ts";
export { isLoopbackHost } from "./loopback.ts";
export { type ConfigLayer, type ConfigResult, envToConfig, resolveConfig } from "./resolve-config.ts";
