/**
 * Recording a failure on a span the way OpenTelemetry's semantic conventions ask: an `exception`
 * event, `error.type`, and status `ERROR` with the error's message. AllFrame errors are typed by their
 * `code`, so traces group failures the same way HTTP, gRPC and GraphQL report them.
 * @module
 */
import { type Span, SpanStatusCode } from "@opentelemetry/api";
import { ATTR_ERROR_TYPE } from "@opentelemetry/semantic-conventions";
import { isAllFrameError } from "../../errors/allframe-error.ts";

/** `error.type` for a throwable: an AllFrame error's `code`, else the error's class name, else `_OTHER`. */
export function errorType(error: unknown): string {
  if (isAllFrameError(error)) return error.code;
  return error instanceof Error ? error.name : "_OTHER";
}

/** Marks `span` failed by `error` (exception event, `error.type`, status ERROR); no-op when not recording. */
export function failSpan(span: Span, error: unknown): void {
  if (!span.isRecording()) return;
  const message = error instanceof Error ? error.message : String(error);
  span.recordException(error instanceof Error ? error : message);
  span.setAttribute(ATTR_ERROR_TYPE, errorType(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message });
}
