// The package's errors: every one is an `Error` with a stable `code`, and every code comes from
// the crate's one list (`Code` in Rust), read from wasm on first use.
import { errorCodes } from "./x402_wasm.js";

let codes;

/** The error codes by their Rust name: `Code.InvalidArgument` is `"invalid_argument"`. */
export const Code = new Proxy(
  {},
  {
    get(_, name) {
      codes ??= errorCodes();
      if (typeof name !== "string" || !(name in codes)) throw new TypeError(`x402-wasm: no error code ${String(name)}`);
      return codes[name];
    },
  },
);

/** An `Error` with a stable `code`, as every error of this package. */
export function x402Error(code, message, cause) {
  const err = new Error(message, cause === undefined ? undefined : { cause });
  err.code = code;
  return err;
}
