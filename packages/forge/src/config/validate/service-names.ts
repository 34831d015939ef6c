/**
 * Names: every service name and the architecture name become folder names, package names, DNS names
 * and Kubernetes resource names, so each must be a DNS label and service names must be unique.
 * @module
 */
import type { Diagnostic } from "../diagnostic.ts";
import type { Architecture } from "../schema.ts";
import { report, type ValidationContext } from "./context.ts";

/** RFC 1123 label as Kubernetes applies it: lowercase, digits, inner hyphens, 1..63 characters. */
export const DNS_LABEL = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * Errors for: a service name that is not a DNS label (`invalid-service-name`), a repeated service name
 * (`duplicate-service`, at the repeat, naming the first's line), and an `[architecture].name` that is
 * not a DNS label (`invalid-architecture-name`).
 */
export function validateServiceNames(arch: Architecture, ctx: ValidationContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (!DNS_LABEL.test(arch.architecture.name)) {
    out.push(
      report(ctx, {
        severity: "error",
        code: "invalid-architecture-name",
        path: ["architecture", "name"],
        message: `"${arch.architecture.name}" is not a DNS label`,
        hint: `${labelRule("it names the generated workspace and its packages")}${rename(arch.architecture.name)}`,
      }),
    );
  }
  const firstIndex = new Map<string, number>();
  arch.services.forEach((service, i) => {
    if (!DNS_LABEL.test(service.name)) {
      out.push(
        report(ctx, {
          severity: "error",
          code: "invalid-service-name",
          path: ["services", i, "name"],
          message: `service name "${service.name}" is not a DNS label`,
          hint: `${labelRule("it becomes a folder under services/, so this also keeps output inside the workspace (no ../ path traversal)")}${rename(service.name)}`,
        }),
      );
    }
    const first = firstIndex.get(service.name);
    if (first === undefined) {
      firstIndex.set(service.name, i);
      return;
    }
    const line = ctx.locate(["services", first, "name"])?.line;
    out.push(
      report(ctx, {
        severity: "error",
        code: "duplicate-service",
        path: ["services", i, "name"],
        message: `service name "${service.name}" is already used by services[${first}]${line === undefined ? "" : ` (line ${line})`}`,
        hint: "give each service a unique name: it is its folder, package, DNS and metrics name",
      }),
    );
  });
  return out;
}

function labelRule(why: string): string {
  return `use lowercase letters, digits and inner hyphens, start with a letter, at most 63 characters (${why})`;
}

/** `; e.g. "user-service"` when a cleaned-up form of `name` is a valid label, else `""`. */
function rename(name: string): string {
  const slug = name
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^[^a-z]+|-+$/g, "")
    .slice(0, 63)
    .replace(/-+$/, "");
  return DNS_LABEL.test(slug) ? `; e.g. "${slug}"` : "";
}
