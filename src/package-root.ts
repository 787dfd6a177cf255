import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * intune-gitops's own package: its folder, for files that ship with the tool (the example
 * configuration, the emulator's default seed), and its manifest. Found by walking up from this
 * module, because the module sits at different depths in the sources, in a build and in a bundle.
 */
interface OwnPackage {
  readonly root: string;
  readonly manifest: { readonly name: string; readonly version: string };
}

const ownPackage: OwnPackage = findOwnPackage(dirname(fileURLToPath(import.meta.url)));

export const PACKAGE_ROOT: string = ownPackage.root;
export const PACKAGE_VERSION: string = ownPackage.manifest.version;

function findOwnPackage(start: string): OwnPackage {
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = readManifest(join(dir, "package.json"));
    if (manifest?.name === "intune-gitops") return { root: dir, manifest };
    if (dirname(dir) === dir) throw new Error(`intune-gitops: no package.json above ${start}`);
  }
}

function readManifest(path: string): OwnPackage["manifest"] | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, "utf8")) as OwnPackage["manifest"];
  } catch {
    return undefined;
  }
}
