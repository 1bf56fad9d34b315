// The parts of autocannon's result the benchmarks read (the package ships no types).
declare module "autocannon" {
  type Histogram = { average: number; mean: number; p50: number; p90: number; p99: number; max: number };
  type Options = {
    url: string;
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    connections?: number;
    duration?: number;
    amount?: number;
    overallRate?: number;
    requests?: Array<{ setupRequest(req: Record<string, unknown>): Record<string, unknown> }>;
  };
  type Result = {
    requests: Histogram & { total: number };
    latency: Histogram;
    errors: number;
    non2xx: number;
    timeouts: number;
  };
  export default function autocannon(options: Options): Promise<Result>;
}
