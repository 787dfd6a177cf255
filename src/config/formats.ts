/**
 * The text formats the configuration checks, each with the words diagnostics use for it. The
 * patterns are plain ECMAScript regular expressions that JSON Schema can carry too.
 */

/** `metadata.name` of tenants and objects: a DNS label, so it is safe in addresses and file names. */
export const NAME_PATTERN = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** What a shell or CI system accepts as an environment variable name. */
export const ENV_VAR_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
