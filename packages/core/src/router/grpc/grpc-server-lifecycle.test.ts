import assert from "node:assert/strict";
import { once } from "node:events";
import { describe, it } from "node:test";
import { status } from "@grpc/grpc-js";
import { z } from "zod";
import { hasErrorCode } from "../../errors/allframe-error.ts";
import { createLogger } from "../../observability/logger.ts";
import { defineHandler } from "../handler.ts";
import { loadEmittedProto, responseOf, type TestClient, testClient } from "./grpc-client.fixture.ts";
import { type GrpcServer, startGrpcServer } from "./grpc-server.ts";

const silent = createLogger({ service: "grpc-test", level: "silent" });

/** A unary call that waits for `release()` and a stream that yields nothing until aborted. */
function probe() {
  const started = { hold: Promise.withResolvers<AbortSignal>(), watch: Promise.withResolvers<AbortSignal>() };
  const gate = Promise.withResolvers<void>();
  const handlers = [
    defineHandler({
      kind: "unary",
      name: "hold",
      input: z.object({}),
      output: z.object({ done: z.boolean() }),
      grpc: { service: "ProbeService" },
      handle: async (_input, ctx) => {
        started.hold.resolve(ctx.signal);
        await Promise.race([gate.promise, once(ctx.signal, "abort")]);
        return { done: true };
      },
    }),
    defineHandler({
      kind: "stream",
      name: "watch",
      input: z.object({}),
      output: z.object({ n: z.number() }),
      grpc: { service: "ProbeService" },
      subscribe: async function* (_input, ctx) {
        started.watch.resolve(ctx.signal);
        await once(ctx.signal, "abort");
        yield { n: 1 };
      },
    }),
  ];
  return { handlers, started, release: () => gate.resolve() };
}

async function serve(
  handlers: ReturnType<typeof probe>["handlers"],
): Promise<{ server: GrpcServer; client: TestClient }> {
  const server = await startGrpcServer({ handlers, package: "acme.probe.v1", port: 0, logger: silent });
  const client = testClient(
    await loadEmittedProto(server.proto),
    "acme.probe.v1.ProbeService",
    server.address,
  );
  return { server, client };
}

describe("startGrpcServer lifecycle", () => {
  it("aborts the handler's signal when the client cancels a stream", async () => {
    const { handlers, started } = probe();
    const { server, client } = await serve(handlers);
    try {
      const stream = client.stream("Watch", {});
      stream.on("error", () => {});
      const signal = await started.watch.promise;
      assert.equal(signal.aborted, false);
      stream.cancel();
      await once(signal, "abort");
      assert.equal(signal.aborted, true);
    } finally {
      client.client.close();
      await server.stop(1_000);
    }
  });

  it("stops gracefully: streams end with UNAVAILABLE, in-flight unary calls finish", async () => {
    const { handlers, started, release } = probe();
    const { server, client } = await serve(handlers);
    const stream = client.stream("Watch", {});
    const streamEnded = once(stream, "error") as Promise<[{ code: number; details: string }]>;
    await started.watch.promise;
    const call = client.unary("Hold", {});
    const holdSignal = await started.hold.promise;

    const stopping = server.stop(30_000);
    assert.equal(server.stop(), stopping, "stop() is idempotent");
    const [streamError] = await streamEnded;
    assert.equal(streamError.code, status.UNAVAILABLE);
    assert.match(streamError.details, /shutting down/);
    release();
    assert.deepEqual(responseOf(await call), { done: true });
    assert.deepEqual(await stopping, { forced: false });
    assert.equal(holdSignal.aborted, false, "a unary call inside the grace period is not interrupted");
    client.client.close();
  });

  it("forces at the deadline: remaining calls get their signal aborted and the connection closes", async () => {
    const { handlers, started } = probe();
    const { server, client } = await serve(handlers);
    const call = client.unary("Hold", {});
    const holdSignal = await started.hold.promise;
    assert.deepEqual(await server.stop(0), { forced: true });
    assert.equal(holdSignal.aborted, true);
    assert.ok(hasErrorCode(holdSignal.reason, "unavailable"));
    assert.equal((await call).ok, false);
    client.client.close();
  });

  it("fails with a configuration error naming the address when the port is taken", async () => {
    const { handlers } = probe();
    const { server, client } = await serve(handlers);
    try {
      await assert.rejects(
        startGrpcServer({ handlers, package: "acme.probe.v1", port: server.port, logger: silent }),
        (error: unknown) =>
          hasErrorCode(error, "configuration") && error.message.includes(`127.0.0.1:${server.port}`),
      );
    } finally {
      client.client.close();
      await server.stop(1_000);
    }
  });
});
