/**
 * @module saga/participants: saga steps as commands to participant services over the event bus, with
 * replies (`SagaCommandSender` on the orchestrator, `serveSagaCommands` on each participant). The
 * scenario suite (`saga-participants.scenario.ts`) imports `node:test` and is imported by path.
 */
export {
  parseSagaReply,
  SAGA_HEADERS,
  type SagaReply,
  sagaCommandHeaders,
  sagaReplyTopic,
} from "./saga-command-protocol.ts";
export { SagaCommandSender, type SagaCommandSenderOptions } from "./saga-command-sender.ts";
export {
  type SagaCommandContext,
  type SagaCommandHandler,
  type SagaCommandService,
  type ServeSagaCommandsOptions,
  serveSagaCommands,
} from "./serve-saga-commands.ts";
