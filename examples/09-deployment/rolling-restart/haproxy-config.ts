export interface Backend {
  /** The server's name in HAProxy: what `show stat` reports and `x-served-by` carries. */
  name: string;
  host: string;
  port: number;
}

export interface HaproxySettings {
  frontendPort: number;
  backends: readonly Backend[];
  /** Unix socket of the runtime API; the roll reads `show stat` there to know, not guess, a server's state. */
  statsSocket: string;
  /** The readiness route HAProxy probes; a 503 takes the server out of rotation. */
  readinessPath: string;
  /** Time between two probes of one server. */
  checkIntervalMs: number;
  /** A probe slower than this fails; well above a loaded machine's readiness answer, so steady servers never flap. */
  checkTimeoutMs: number;
  /** Failed probes in a row before a server is DOWN; the drain must outlast `checkIntervalMs * fall`. */
  fall: number;
  /** Passed probes in a row before a new server is UP. */
  rise: number;
}

// #region haproxy-config
/**
 * The HAProxy configuration for one pool of identical instances: round robin, keep-alive on both
 * sides, and a server taken out as soon as its readiness probe fails `fall` times. A request is
 * never retried on another server after it was sent (HAProxy's default): a roll that drains right
 * loses nothing without that help, and the test reads the retry counters to prove it.
 */
export function haproxyConfig(settings: HaproxySettings): string {
  const { frontendPort, backends, statsSocket, readinessPath, checkIntervalMs, checkTimeoutMs, fall, rise } = settings;
  return [
    'global',
    `  stats socket ${statsSocket} mode 600 level admin`,
    // A soft stop (SIGUSR1) waits for open requests, but not for ever.
    '  hard-stop-after 5s',
    'defaults',
    '  mode http',
    '  option http-keep-alive',
    '  timeout connect 2s',
    '  timeout client 30s',
    '  timeout server 30s',
    '  timeout http-keep-alive 10s',
    // Unset, a probe gets only `inter` to answer: a busy instance would flap DOWN and UP.
    `  timeout check ${checkTimeoutMs}ms`,
    'frontend web',
    `  bind 127.0.0.1:${frontendPort}`,
    '  default_backend instances',
    'backend instances',
    '  balance roundrobin',
    `  option httpchk GET ${readinessPath}`,
    '  http-check expect status 200',
    // Which instance answered: lets a client see that consecutive requests land on different ones.
    '  http-response set-header x-served-by %s',
    `  default-server check inter ${checkIntervalMs}ms fall ${fall} rise ${rise}`,
    ...backends.map((b) => `  server ${b.name} ${b.host}:${b.port}`),
    '',
  ].join('\n');
}
// #endregion haproxy-config
