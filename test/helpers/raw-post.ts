import { request as httpRequest } from "node:http";

/**
 * A POST over node:http, so every header can be chosen as a client would send it: `fetch` forbids
 * setting Host, and adds Origin and Sec-Fetch-* in browsers but never lets a test leave them out.
 */
export function rawPost(port: number, path: string, body: string, headers: Record<string, string>) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, path, method: "POST", headers }, (res) => {
      let text = "";
      res.on("data", (c) => {
        text += c;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}
