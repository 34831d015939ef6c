/**
 * The wire format of saga commands and their replies over the event bus (request/reply over
 * asynchronous messaging, Hohpe & Woolf, "Enterprise Integration Patterns": Return Address and
 * Correlation Identifier; Richardson, "Microservices Patterns" ch. 4, orchestration-based sagas).
 *
 * A command is an event whose `type` is the command name (`ReservePayment`), `key` the saga id, `data`
 * the saga context, and whose headers carry the saga id (`correlation-id`), the step's idempotency key
 * (`<sagaId>:<step>`, or `<sagaId>:<step>:<compensation>`) and the topic to answer on (`reply-to`).
 * The reply is an event of type `reply-to` with the same headers and a {@link SagaReply} as `data`.
 * @module
 */
import { AllFrameError, ERROR_CODES, type ErrorCode } from "../../errors/allframe-error.ts";
import type { EventEnvelope } from "../../messaging/event-envelope.ts";

/** Header names of saga commands and replies (lower-case, as every bus adapter keeps them). */
export const SAGA_HEADERS = {
  correlationId: "correlation-id",
  idempotencyKey: "idempotency-key",
  replyTo: "reply-to",
} as const;

/**
 * A participant's answer: success with the output to merge into the saga context (a JSON object, or
 * absent), or failure with an AllFrame error code and message.
 */
export type SagaReply =
  | { readonly ok: true; readonly output?: Record<string, unknown> }
  | { readonly ok: false; readonly error: { readonly code: ErrorCode; readonly message: string } };

/** The reply topic of an orchestrator service: `saga-reply.<source>`, e.g. `saga-reply.order-service`. */
export function sagaReplyTopic(source: string): string {
  return `saga-reply.${source}`;
}

/**
 * Reads the headers a saga command must carry.
 * @throws AllFrameError `validation` naming the command and the missing header.
 */
export function sagaCommandHeaders(event: EventEnvelope): {
  readonly sagaId: string;
  readonly idempotencyKey: string;
  readonly replyTo: string;
} {
  const header = (name: string): string => {
    const value = event.headers[name];
    if (value === undefined || value === "")
      throw new AllFrameError(
        "validation",
        `saga command "${event.type}" (event ${event.id}) has no "${name}" header; send it with SagaCommandSender`,
      );
    return value;
  };
  return {
    sagaId: header(SAGA_HEADERS.correlationId),
    idempotencyKey: header(SAGA_HEADERS.idempotencyKey),
    replyTo: header(SAGA_HEADERS.replyTo),
  };
}

/**
 * Reads a reply's `data` defensively (it crossed a bus): a malformed body is an `internal` failure
 * reply rather than a crash of the reply subscription.
 */
export function parseSagaReply(data: unknown): SagaReply {
  const body = (typeof data === "object" && data !== null ? data : {}) as Record<string, unknown>;
  if (body.ok === true) {
    const output = body.output;
    return typeof output === "object" && output !== null && !Array.isArray(output)
      ? { ok: true, output: output as Record<string, unknown> }
      : { ok: true };
  }
  const error = (typeof body.error === "object" && body.error !== null ? body.error : {}) as Record<
    string,
    unknown
  >;
  const code = (ERROR_CODES as readonly unknown[]).includes(error.code)
    ? (error.code as ErrorCode)
    : "internal";
  const message =
    typeof error.message === "string" ? error.message : "the participant sent a malformed reply";
  return { ok: false, error: { code, message } };
}
