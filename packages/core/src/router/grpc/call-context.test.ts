import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { describe, it } from "node:test";
import { Metadata } from "@grpc/grpc-js";
import { GrpcCallContext, InFlightCalls } from "./call-context.ts";

/** The part of a grpc-js server call a context uses: metadata, `cancelled`, the "cancelled" event. */
class FakeCall extends EventEmitter {
  readonly metadata = new Metadata();
  cancelled = false;
  cancel(): void {
    this.cancelled = true;
    this.emit("cancelled");
  }
}

describe("GrpcCallContext", () => {
  it("reads metadata as headers once: first value per key, binary values base64", () => {
    const call = new FakeCall();
    call.metadata.set("x-user-id", "u1");
    call.metadata.add("x-user-id", "u2");
    call.metadata.set("trace-bin", Buffer.from("hi"));
    const ctx = new GrpcCallContext(call);
    assert.deepEqual(ctx.headers, { "x-user-id": "u1", "trace-bin": "aGk=" });
    assert.equal(ctx.headers, ctx.headers);
  });

  it("adds no listener until the signal is read, then aborts it when the client cancels", () => {
    const call = new FakeCall();
    const ctx = new GrpcCallContext(call);
    assert.equal(call.listenerCount("cancelled"), 0);
    const { signal } = ctx;
    assert.equal(call.listenerCount("cancelled"), 1);
    call.cancel();
    assert.equal(signal.aborted, true);
  });

  it("gives an already aborted signal when read after the client cancelled", () => {
    const call = new FakeCall();
    const ctx = new GrpcCallContext(call);
    call.cancel();
    assert.equal(ctx.signal.aborted, true);
  });

  it("keeps a server abort that came before the first read, with its reason", () => {
    const ctx = new GrpcCallContext(new FakeCall());
    const reason = new Error("stopping");
    ctx.abort(reason);
    ctx.abort(new Error("later"));
    assert.equal(ctx.signal.aborted, true);
    assert.equal(ctx.signal.reason, reason);
  });
});

describe("InFlightCalls", () => {
  it("aborts streams first, then every call; a finished call is neither aborted nor listened to", () => {
    const calls = new InFlightCalls();
    const unaryCall = new FakeCall();
    const unary = calls.open(unaryCall, false);
    const stream = calls.open(new FakeCall(), true);
    const doneCall = new FakeCall();
    const done = calls.open(doneCall, false);
    const doneSignal = done.ctx.signal;
    done.finish();
    assert.equal(doneCall.listenerCount("cancelled"), 0);
    const unarySignal = unary.ctx.signal;
    calls.abortStreams("stop");
    assert.equal(stream.ctx.signal.reason, "stop");
    assert.equal(unarySignal.aborted, false);
    calls.abortAll("deadline");
    assert.equal(unarySignal.reason, "deadline");
    assert.equal(doneSignal.aborted, false);
  });
});
