/**
 * Where a generated workspace gets `@allframe/core` and the `allframe` CLI from. Until they are on the
 * npm registry, a generated package links to this checkout with a relative `file:` spec;
 * `ALLFRAME_CORE_SPEC` / `ALLFRAME_CLI_SPEC` (e.g. `^0.1.0`) override it.
 * @module
 */
import { dirname, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const packagesDir = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..");

/** Absolute folders of the linkable AllFrame packages in this checkout. */
export const LOCAL_PACKAGES = {
  "@allframe/core": resolve(packagesDir, "core"),
  allframe: resolve(packagesDir, "cli"),
} as const;

export type LinkablePackage = keyof typeof LOCAL_PACKAGES;

/**
 * The dependency spec of an AllFrame package for a package.json located at `packageDir` (absolute).
 * @param env where overrides are read (`ALLFRAME_CORE_SPEC`, `ALLFRAME_CLI_SPEC`).
 */
export function allframeSpec(
  name: LinkablePackage,
  packageDir: string,
  env: Record<string, string | undefined> = process.env,
): string {
  const override = name === "@allframe/core" ? env.ALLFRAME_CORE_SPEC : env.ALLFRAME_CLI_SPEC;
  if (override !== undefined && override !== "") return override;
  const rel = relative(packageDir, LOCAL_PACKAGES[name]).split("\\").join("/");
  return `file:${rel}`;
}
