import { PACKAGE_VERSION } from "./package-root.ts";

/** The package version (it ships with the package). */
export const TOOL_VERSION: string = PACKAGE_VERSION;
