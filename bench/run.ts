/**
 * Benchmark runner: `npm run bench -- <suite>`. Each suite prints its own progress and returns its
 * figures; the runner prints the one JSON line DESIGN.md asks for, last:
 * `{"suite": "...", "figures": {...}, "units": {...}}`.
 * @module
 */
import type { BenchSuite } from "./suite.ts";
import { eventStoreSuite } from "./suites/eventstore.ts";
import { graphqlSuite } from "./suites/graphql.ts";
import { grpcSuite } from "./suites/grpc.ts";
import { igniteSuite } from "./suites/ignite.ts";
import { loggingSuite } from "./suites/logging.ts";
import { messagingSuite } from "./suites/messaging.ts";
import { outboxDocumentsSuite } from "./suites/outbox-documents.ts";
import { resilienceSuite } from "./suites/resilience.ts";
import { routerSuite } from "./suites/router.ts";
import { websocketSuite } from "./suites/websocket.ts";

const SUITES: Record<string, BenchSuite> = {
  eventstore: eventStoreSuite,
  graphql: graphqlSuite,
  grpc: grpcSuite,
  ignite: igniteSuite,
  logging: loggingSuite,
  messaging: messagingSuite,
  "outbox-documents": outboxDocumentsSuite,
  resilience: resilienceSuite,
  router: routerSuite,
  websocket: websocketSuite,
};

const name = process.argv[2];
const suite = name === undefined ? undefined : SUITES[name];
if (suite === undefined) {
  process.stderr.write(`usage: npm run bench -- <suite>; suites: ${Object.keys(SUITES).join(", ")}\n`);
  process.exit(2);
}
const { figures, units } = await suite.run();
process.stdout.write(`${JSON.stringify({ suite: name, figures, units })}\n`);
