/**
 * Versions the generated workspace depends on. They match AllFrame's own toolchain (a test keeps them
 * in step with the repository's root package.json) so a generated workspace type-checks, lints and
 * tests exactly as AllFrame itself does.
 * @module
 */
export const TOOLCHAIN_VERSIONS = {
  node: "^24.21.0",
  typescript: "^7.0.2",
  "@types/node": "^24.19.2",
  "@biomejs/biome": "^2.6.8",
} as const;
