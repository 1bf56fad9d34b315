import { describe, expect, it } from "vitest";
import { parseArgs, UsageError } from "../../src/cli/args.ts";

const SPEC = { values: ["port"], switches: ["help"] };

describe("parseArgs", () => {
  it("reads --flag value, --flag=value and switches", () => {
    expect(parseArgs(["--port", "9393", "--help"], SPEC).flags).toEqual({ port: "9393", help: true });
    expect(parseArgs(["--port=9393"], SPEC).flags).toEqual({ port: "9393" });
  });

  it("takes a value that starts with a single dash", () => {
    expect(parseArgs(["--port", "-1"], SPEC).flags).toEqual({ port: "-1" });
  });

  it("reads -h as --help", () => {
    expect(parseArgs(["-h"], SPEC).flags).toEqual({ help: true });
  });

  // Ignoring these started the server on the default port as if nothing had been asked.
  it.each([
    [["9393"], 'unexpected argument "9393"'],
    [["--port", "9393", "extra"], 'unexpected argument "extra"'],
    [["-p", "9393"], "unknown option -p"],
    [["--bogus"], "unknown option --bogus"],
    [["--port"], "--port needs a value"],
    [["--port", "--help"], "--port needs a value"],
    [["--help=yes"], "--help takes no value"],
  ])("refuses %j: %s", (args, message) => {
    expect(() => parseArgs(args, SPEC)).toThrow(new UsageError(message));
  });
});
