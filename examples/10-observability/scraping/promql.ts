// #region red-queries
/** The RED questions, asked of the histogram `recordRequests` exports, per route over `window`. */
export const redQueries = {
  /** Requests per second. */
  rate: (window: string) => `sum by (route) (rate(http_request_duration_seconds_count[${window}]))`,
  /** Share of requests answered 5xx. */
  errorRatio: (window: string) =>
    `sum by (route) (rate(http_request_duration_seconds_count{status_code=~"5.."}[${window}]))
      / sum by (route) (rate(http_request_duration_seconds_count[${window}]))`,
  /** The latency `q` of requests were faster than (0.99 for p99), estimated from the buckets. */
  quantile: (q: number, window: string) =>
    `histogram_quantile(${q}, sum by (route, le) (rate(http_request_duration_seconds_bucket[${window}])))`,
};
// #endregion red-queries

export interface Sample {
  labels: Record<string, string>;
  value: number;
}

type QueryResponse =
  | { status: 'success'; data: { result: { metric: Record<string, string>; value: [number, string] }[] } }
  | { status: 'error'; error: string };

// #region query
/** An instant query against Prometheus' HTTP API; one sample per series of the result vector. */
export async function queryPrometheus(baseUrl: string, promql: string, time?: Date): Promise<Sample[]> {
  const params = new URLSearchParams({ query: promql });
  if (time) params.set('time', String(time.getTime() / 1000));
  const response = await fetch(`${baseUrl}/api/v1/query?${params}`);
  const body = (await response.json()) as QueryResponse;
  if (body.status === 'error') throw new Error(`Prometheus refused ${promql}: ${body.error}`);
  return body.data.result.map(({ metric, value }) => ({ labels: metric, value: Number(value[1]) }));
}
// #endregion query
