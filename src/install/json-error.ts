/**
 * Where a JSON text first goes wrong, as "line L, column C: …". JSON.parse's own messages differ
 * between runtimes and quote the text around the error instead of saying where it is; a person
 * fixing a settings file by hand needs the line.
 */
export function locateJsonError(text: string): string {
  let i = 0;

  function fail(what: string): never {
    const before = text.slice(0, i);
    const line = before.split("\n").length;
    const column = i - before.lastIndexOf("\n");
    const found = i < text.length ? JSON.stringify(text[i]) : "end of file";
    throw new Error(`line ${line}, column ${column}: expected ${what}, found ${found}`);
  }
  function space() {
    while (i < text.length && " \t\n\r".includes(text[i]!)) i++;
  }
  function literal(word: string) {
    if (text.startsWith(word, i)) i += word.length;
    else fail("a value");
  }
  function string() {
    i++; // opening quote
    while (i < text.length && text[i] !== '"') {
      if (text.charCodeAt(i) < 0x20) fail("a closing quote (no raw line breaks in strings)");
      i += text[i] === "\\" ? 2 : 1;
    }
    if (i >= text.length) fail('a closing "');
    i++;
  }
  function number() {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m) fail("a value");
    i += m[0].length;
  }
  function list(close: string, item: () => void) {
    i++;
    space();
    if (text[i] === close) {
      i++;
      return;
    }
    for (;;) {
      item();
      space();
      if (text[i] === ",") {
        i++;
        continue;
      }
      if (text[i] === close) {
        i++;
        return;
      }
      fail(`"," or "${close}"`);
    }
  }
  function value(): void {
    space();
    const c = text[i];
    if (c === "{") {
      list("}", () => {
        space();
        if (text[i] !== '"') fail("a property name in double quotes");
        string();
        space();
        if (text[i] !== ":") fail('":"');
        i++;
        value();
      });
    } else if (c === "[") list("]", value);
    else if (c === '"') string();
    else if (c === "t") literal("true");
    else if (c === "f") literal("false");
    else if (c === "n") literal("null");
    else number();
  }

  try {
    value();
    space();
    if (i < text.length) fail("end of file");
    return "";
  } catch (err) {
    return (err as Error).message;
  }
}
