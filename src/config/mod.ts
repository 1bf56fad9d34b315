export { type Config, type ConfigInput, configSchema } from "./config-schema.ts";
export { type ConfigLayer, type ConfigResult, envToConfig, isLoopbackHost, resolveConfig } from "./resolve-config.ts";
