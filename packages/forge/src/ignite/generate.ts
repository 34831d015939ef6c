/**
 * The assembler: runs every service's archetype and the workspace-level generators into one in-memory
 * tree, adding the generated-file header. Pure: reads nothing, writes nothing to disk.
 * @module
 */
import { basename } from "node:path";
import { ARCHETYPES } from "../archetypes/index.ts";
import { type ScaffoldedService, scaffoldService } from "../archetypes/scaffold.ts";
import type { Diagnostic } from "../config/diagnostic.ts";
import type { ResolvedArchitecture } from "../config/resolve.ts";
import { writeContracts } from "../generators/contracts/write-contracts.ts";
import { composeFile } from "../generators/docker/compose.ts";
import { architectureDoc } from "../generators/docs/architecture-doc.ts";
import { writeWorkspaceFiles } from "../generators/workspace/workspace-files.ts";
import { FileTree } from "../tree/file-tree.ts";
import { withGeneratedHeader } from "../tree/header.ts";

/** Progress of a generation, for the CLI's progress lines. */
export type GenerateProgress = {
  phase: "service";
  service: string;
  type: string;
  index: number;
  total: number;
};

/** The generated tree and what each service became. */
export interface Generated {
  readonly tree: FileTree;
  readonly services: readonly ScaffoldedService[];
}

/**
 * Generates the whole workspace for a resolved architecture into a new in-memory tree.
 * @param outDir absolute output folder (only used to compute links to the local AllFrame packages).
 * @param warnings diagnostics to list in the architecture docs.
 * @throws TreeWriteError if two generators claim one path (a generator bug).
 */
export function generateWorkspace(
  architecture: ResolvedArchitecture,
  outDir: string,
  warnings: readonly Diagnostic[] = [],
  onProgress: (progress: GenerateProgress) => void = () => {},
): Generated {
  const tree = new FileTree();
  const source = basename(architecture.source.file);
  const write = (path: string, content: string): void =>
    tree.write(path, withGeneratedHeader(path, content, source));
  const services = architecture.services.map((service, index) => {
    onProgress({
      phase: "service",
      service: service.name,
      type: service.type,
      index,
      total: architecture.services.length,
    });
    return scaffoldService(architecture, service, ARCHETYPES[service.type], outDir, write);
  });
  const contracts = writeContracts(architecture, services, write);
  writeWorkspaceFiles(architecture, services, outDir, write, { contractTests: contracts.length > 0 });
  write("infrastructure/docker/docker-compose.yml", composeFile(architecture, services));
  write("docs/architecture.md", architectureDoc(architecture, services, warnings));
  return { tree, services };
}
