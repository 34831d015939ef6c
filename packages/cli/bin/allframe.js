#!/usr/bin/env node
// The allframe command. AllFrame runs its TypeScript sources directly (Node's type stripping), which
// needs Node >= 22.18; say so plainly instead of failing on the first type annotation.
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `allframe needs Node.js >= 22.18 (this is ${process.version}). Run it through npx or an npm script in a project ` +
      "that has the node@24 devDependency, or install Node 24.\n",
  );
  process.exit(1);
}
const { main } = await import("../src/main.ts");
process.exitCode = await main(process.argv.slice(2));
