import { execFileSync } from 'node:child_process';
import { uniqueName } from '@cookbook/shared';
import { testServices, waitUntil } from '@cookbook/shared/testing';
import { afterAll, beforeAll } from 'vitest';

function run(command: string, ...args: string[]): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8' });
  } catch (error) {
    throw new Error(
      `${command} ${args.join(' ')} failed; broker fault tests need rabbitmqctl and ss -K, as root: ${error}`,
    );
  }
}
const rabbitctl = (...args: string[]) => run('rabbitmqctl', '-q', ...args);

export interface BrokerVhost {
  /** The AMQP URL of the virtual host, once `beforeAll` has made it. */
  url: string;
  /** Plays a broker that is not taking connections yet: new ones are refused, open ones stay. */
  refuseConnections(refuse: boolean): void;
  /** How many consumers `queue` has; undefined while there is no such queue. */
  consumersOf(queue: string): number | undefined;
}

/**
 * A RabbitMQ virtual host of the test file's own, made before its tests and deleted after them with
 * all it holds. Call it before the hooks that start services: it is then deleted last, even when a
 * service's stop hangs.
 */
export function useBrokerVhost(label: string): BrokerVhost {
  const name = uniqueName(label);
  const vhost: BrokerVhost = {
    url: '',
    refuseConnections: (refuse) =>
      refuse
        ? rabbitctl('set_vhost_limits', '-p', name, '{"max-connections": 0}')
        : rabbitctl('clear_vhost_limits', '-p', name),
    consumersOf: (queue) => {
      const line = rabbitctl('list_queues', '-p', name, '--no-table-headers', 'name', 'consumers')
        .split('\n')
        .find((row) => row.split('\t')[0] === queue);
      return line === undefined ? undefined : Number(line.split('\t')[1]);
    },
  };
  beforeAll(() => {
    const url = new URL(testServices().amqpUrl);
    rabbitctl('add_vhost', name);
    rabbitctl('set_permissions', '-p', name, decodeURIComponent(url.username), '.*', '.*', '.*');
    url.pathname = `/${encodeURIComponent(name)}`;
    vhost.url = url.href;
  });
  afterAll(() => rabbitctl('delete_vhost', name));
  return vhost;
}

/** The one open connection that sends this `connection_name`: its pid and client port. */
function connectionNamed(name: string): Promise<{ pid: string; port: string }> {
  const named = `{"connection_name","${name}"}`;
  return waitUntil(() => {
    const lines = rabbitctl('list_connections', '--no-table-headers', 'pid', 'peer_port', 'client_properties')
      .split('\n')
      .filter((line) => line.includes(named));
    const [pid, port] = lines.length === 1 ? (lines[0]?.split('\t') ?? []) : [];
    return pid && port ? { pid, port } : undefined;
  }, `one broker connection named ${name}`);
}

/** What a broker restart or a node failover does to each client: connection.close 320 CONNECTION_FORCED. */
export async function forceClose(connectionName: string): Promise<void> {
  rabbitctl('close_connection', (await connectionNamed(connectionName)).pid, 'broker restart drill');
}

/** What a crashed node or a network cut does: the socket fails, and amqplib emits 'error' first. */
export async function resetSocket(connectionName: string): Promise<void> {
  const { port } = await connectionNamed(connectionName);
  // The client's end only (its local port); ss -K needs a kernel with CONFIG_INET_DIAG_DESTROY.
  if (!run('ss', '-K', '-t', `sport = :${port}`).includes(`:${port}`))
    throw new Error(`ss -K reset no socket on ${port}`);
}

/**
 * What the broker does to a channel that acknowledges a delivery tag it never handed out (a message
 * acknowledged twice) or that holds a message past `consumer_timeout`: it closes that channel with
 * 406 PRECONDITION_FAILED and leaves the connection up. Played inside the broker, by handing the
 * connection's consuming channel such an acknowledgement as if the client had sent it.
 */
export async function failConsumingChannel(connectionName: string): Promise<void> {
  const { port } = await connectionNamed(connectionName);
  const failed = rabbitctl(
    'eval',
    `[rabbit_channel:do(P, {'basic.ack', 999999999, false}) || P <- rabbit_channel:list(),
      {name, N} <- rabbit_channel:info(P, [name]), binary:match(N, <<":${port} ->">>) =/= nomatch,
      {consumer_count, C} <- rabbit_channel:info(P, [consumer_count]), C > 0].`,
  );
  if (failed.trim() !== '[ok]') throw new Error(`no consuming channel of ${connectionName} to fail: ${failed}`);
}
