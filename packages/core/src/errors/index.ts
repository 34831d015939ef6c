/** @module errors: the one error base, its code table and guards. */
export * from "./allframe-error.ts";
