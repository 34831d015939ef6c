/**
 * `graphql` (issue 5, "One handler, three protocols"): one query, `{ user(id: "u1") { id name email } }`,
 * POSTed as JSON to (a) graphql-yoga serving the same schema with a hand-written resolver and (b)
 * AllFrame's GraphQL endpoint (the fixture's `getUser` handler: zod-validated input, graphql-http,
 * document cache) on plain `node:http`. Each server runs in its own child process; autocannon drives
 * both from this process with the same settings, in the order yoga, AllFrame, AllFrame, yoga so drift
 * on a busy machine falls on both. Goal: `allframe_vs_yoga_ratio` ≥ 1. 24 s of load plus start-up.
 *
 * Run as a script (`node bench/suites/graphql.ts serve yoga|allframe`) it is one of the servers and
 * prints `PORT <n>` once listening.
 * @module
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { createSchema, createYoga } from "graphql-yoga";
import { createLogger } from "../../packages/core/src/observability/logger.ts";
import { createGraphqlEndpoint } from "../../packages/core/src/router/graphql/graphql-endpoint.ts";
import { invokeHandler, type UnaryHandler } from "../../packages/core/src/router/handler.ts";
import { type User, userHandlers } from "../../packages/core/src/router/users.fixture.ts";
import { type BenchSuite, round2, say } from "../suite.ts";

const QUERY = '{ user(id: "u1") { id name email } }';
const EXPECTED = JSON.stringify({ data: { user: { id: "u1", name: "Ada", email: "ada@example.com" } } });
const LOAD = { connections: 50, warmupSeconds: 1, seconds: 5 } as const;
const SERVERS = ["yoga", "allframe"] as const;
type ServerName = (typeof SERVERS)[number];

/** The peer: graphql-yoga with the equivalent SDL and a resolver reading the same kind of map. */
function yogaServer() {
  const users = new Map<string, User>([
    ["u1", { id: "u1", email: "ada@example.com", name: "Ada", tags: [] }],
  ]);
  const schema = createSchema({
    typeDefs: `type Query { user(id: String!): User }
      type User { id: String! email: String! name: String! age: Int tags: [String!]! }`,
    resolvers: { Query: { user: (_root: unknown, args: { id: string }) => users.get(args.id) ?? null } },
  });
  return createServer(createYoga({ schema, graphiql: false, logging: false }));
}

async function allframeServer() {
  const handlers = userHandlers();
  const createUser = handlers.find((h) => h.name === "createUser") as UnaryHandler;
  const ctx = { protocol: "graphql" as const, headers: {}, signal: new AbortController().signal };
  await invokeHandler(createUser, { email: "ada@example.com", name: "Ada" }, ctx);
  const logger = createLogger({ service: "bench-graphql", level: "warn", destination: process.stderr });
  const endpoint = createGraphqlEndpoint({ handlers, graphiql: false, logger });
  return createServer((req, res) => void endpoint.handle(req, res));
}

async function serve(name: ServerName): Promise<void> {
  const server = name === "yoga" ? yogaServer() : await allframeServer();
  server.listen(0, "127.0.0.1", () => {
    process.stdout.write(`PORT ${(server.address() as AddressInfo).port}\n`);
  });
}

interface RunningServer {
  readonly url: string;
  readonly child: ChildProcess;
}

async function start(name: ServerName): Promise<RunningServer> {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), "serve", name], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  for await (const line of lines) {
    const port = /^PORT (\d+)$/.exec(line)?.[1];
    if (port === undefined) continue;
    lines.close();
    const url = `http://127.0.0.1:${port}/graphql`;
    const body = await (await fetch(url, request())).text();
    if (body !== EXPECTED) throw new Error(`${name} answered ${body}, expected ${EXPECTED}`);
    return { url, child };
  }
  throw new Error(`${name} server exited before listening`);
}

function request() {
  return {
    method: "POST" as const,
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({ query: QUERY }),
  };
}

async function load(url: string, seconds: number): Promise<autocannon.Result> {
  const result = await autocannon({ url, connections: LOAD.connections, duration: seconds, ...request() });
  if (result.errors > 0 || result.non2xx > 0) {
    throw new Error(`${url}: ${result.errors} errors, ${result.non2xx} non-2xx responses`);
  }
  return result;
}

export const graphqlSuite: BenchSuite = {
  async run() {
    const running = new Map<ServerName, RunningServer>();
    const totals = new Map<ServerName, { requests: number; seconds: number; p99: number[] }>();
    try {
      for (const name of SERVERS) running.set(name, await start(name));
      say(
        `graphql: ${QUERY}, ${LOAD.connections} connections, ${LOAD.warmupSeconds} s warm-up + ${LOAD.seconds} s per server, twice`,
      );
      for (const name of ["yoga", "allframe", "allframe", "yoga"] as const) {
        const { url } = running.get(name) as RunningServer;
        await load(url, LOAD.warmupSeconds);
        const result = await load(url, LOAD.seconds);
        const total = totals.get(name) ?? { requests: 0, seconds: 0, p99: [] };
        totals.set(name, {
          requests: total.requests + result.requests.total,
          seconds: total.seconds + result.duration,
          p99: [...total.p99, result.latency.p99],
        });
        say(
          `  ${name}: ${result.requests.average.toFixed(0)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms`,
        );
      }
    } finally {
      for (const { child } of running.values()) child.kill();
    }
    const rate = (name: ServerName) => {
      const total = totals.get(name);
      return total === undefined ? 0 : total.requests / total.seconds;
    };
    const worstP99 = (name: ServerName) => Math.max(...(totals.get(name)?.p99 ?? [0]));
    return {
      figures: {
        yoga_req_per_s: round2(rate("yoga")),
        allframe_req_per_s: round2(rate("allframe")),
        allframe_vs_yoga_ratio: round2(rate("allframe") / rate("yoga")),
        yoga_p99_ms: worstP99("yoga"),
        allframe_p99_ms: worstP99("allframe"),
        connections: LOAD.connections,
      },
      units: {
        yoga_req_per_s: "requests/s",
        allframe_req_per_s: "requests/s",
        allframe_vs_yoga_ratio: "ratio",
        yoga_p99_ms: "ms",
        allframe_p99_ms: "ms",
        connections: "connections",
      },
    };
  },
};

if (import.meta.main && process.argv[2] === "serve") {
  const name = process.argv[3];
  if (name !== "yoga" && name !== "allframe") throw new Error(`serve yoga|allframe, not ${name}`);
  await serve(name);
}
