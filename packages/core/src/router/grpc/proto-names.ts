/**
 * Naming rules of the protobuf style guide (https://protobuf.dev/programming-guides/style/) as
 * AllFrame applies them to names taken from zod schemas: packages are lower-case dotted, messages
 * and enums PascalCase, fields lower_snake_case, enum values UPPER_SNAKE_CASE prefixed by their enum.
 * @module
 */
import { AllFrameError } from "../../errors/allframe-error.ts";

const PACKAGE_NAME = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/;

/**
 * Checks a protobuf package name such as `allframe.users.v1`.
 * @throws AllFrameError `configuration` when it is not dot-separated lower-case segments, each
 *   starting with a letter (style guide: "Package names should be in lowercase").
 */
export function assertPackageName(name: string): void {
  if (!PACKAGE_NAME.test(name)) {
    throw new AllFrameError(
      "configuration",
      `gRPC package "${name}" is invalid: use dot-separated lower-case segments that start with a letter, e.g. allframe.users.v1`,
    );
  }
}

/** Splits `createdAt`, `created_at`, `created-at` or `HTTPStatus` into lower-case words. */
function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word !== "")
    .map((word) => word.toLowerCase());
}

/** `createdAt` → `created_at`; undefined when nothing usable remains or it would start with a digit. */
export function fieldName(key: string): string | undefined {
  const name = words(key).join("_");
  return /^[a-z]/.test(name) ? name : undefined;
}

/** `line_items` → `LineItems`; undefined when nothing usable remains or it would start with a digit. */
export function typeName(key: string): string | undefined {
  const name = words(key)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join("");
  return /^[A-Z]/.test(name) ? name : undefined;
}

/** `in-progress` → `IN_PROGRESS`; undefined for a value with no letters or digits. */
export function enumValueName(value: string): string | undefined {
  const name = words(value).join("_").toUpperCase();
  return name === "" ? undefined : name;
}

/**
 * The element name for a list field: `lineItems` → `lineItem`, `categories` → `category`, `addresses` → `address`; other
 * names stay as they are. A simple English rule, enough to name the message of a repeated field.
 */
export function singular(key: string): string {
  if (/[^aeiou]ies$/i.test(key)) return `${key.slice(0, -3)}y`;
  if (/(ss|sh|ch|x|z)es$/i.test(key)) return key.slice(0, -2);
  if (/(ss|us|is)$/i.test(key) || !/s$/i.test(key)) return key;
  return key.slice(0, -1);
}
