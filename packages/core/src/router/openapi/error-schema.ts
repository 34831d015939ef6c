/**
 * The JSON error body every AllFrame HTTP route answers with, as a zod schema, so OpenAPI documents
 * describe it from the same source of truth as the code (`runtime/http-errors.ts`, `ErrorBody`).
 * @module
 */
import { z } from "zod";
import { ERROR_CODES } from "../../errors/allframe-error.ts";

/** `{ error: { code, message, issues? } }`; `issues` name the bad fields of a validation failure. */
export const ErrorBodySchema = z
  .object({
    error: z.object({
      code: z.enum(ERROR_CODES).describe("Stable error code; maps to the HTTP status"),
      message: z.string().describe("What went wrong and what to do"),
      issues: z
        .array(
          z.object({
            path: z.array(z.union([z.string(), z.number().int()])).describe('The field, e.g. ["items", 0]'),
            message: z.string(),
          }),
        )
        .optional()
        .describe("One entry per bad field (validation errors)"),
    }),
  })
  .describe("An AllFrame error");

/** The name of the shared error schema in `components.schemas`. */
export const ERROR_SCHEMA_NAME = "Error";
