import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The folder of intune-gitops's own package.json, for files that ship with the tool (the example
 * configuration, the emulator's default seed). Found by walking up from this module, because the
 * module sits at different depths in the sources, in a plain build and in a bundle.
 */
export const PACKAGE_ROOT: string = findPackageRoot(dirname(fileURLToPath(import.meta.url)));

function findPackageRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && isOurs(manifest)) return dir;
    if (dirname(dir) === dir) throw new Error(`intune-gitops: no package.json above ${start}`);
  }
}

function isOurs(manifest: string): boolean {
  try {
    return (
      (JSON.parse(readFileSync(manifest, "utf8")) as { name?: unknown }).name === "intune-gitops"
    );
  } catch {
    return false;
  }
}
