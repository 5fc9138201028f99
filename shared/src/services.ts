/** The three services the examples talk to, and where each is found by default. */
export type ServiceName = 'postgres' | 'redis' | 'rabbitmq';

export const SERVICE_NAMES: readonly ServiceName[] = ['postgres', 'redis', 'rabbitmq'];

interface ServiceSpec {
  /** Environment variable that overrides the URL. */
  envVar: string;
  /** The URL `docker compose up` makes reachable. */
  defaultUrl: string;
  /** The compose service name, for the command we print when it is missing. */
  composeService: string;
  /** What a person calls it. */
  label: string;
  /** How to start it natively, where there is no Docker. */
  native: { debian: string; homebrew: string };
}

export const SERVICES: Readonly<Record<ServiceName, ServiceSpec>> = {
  postgres: {
    envVar: 'DATABASE_URL',
    defaultUrl: 'postgres://postgres:postgres@127.0.0.1:5432/postgres',
    composeService: 'postgres',
    label: 'PostgreSQL',
    native: {
      debian: 'sudo apt-get install -y postgresql && sudo pg_ctlcluster "$(ls /etc/postgresql)" main start',
      homebrew: 'brew install postgresql@17 && brew services start postgresql@17',
    },
  },
  redis: {
    envVar: 'REDIS_URL',
    defaultUrl: 'redis://127.0.0.1:6379',
    composeService: 'redis',
    label: 'Redis',
    native: {
      debian: "sudo apt-get install -y redis-server && redis-server --daemonize yes --save ''",
      homebrew: 'brew install redis && brew services start redis',
    },
  },
  rabbitmq: {
    envVar: 'AMQP_URL',
    defaultUrl: 'amqp://guest:guest@127.0.0.1:5672',
    composeService: 'rabbitmq',
    label: 'RabbitMQ',
    native: {
      debian: 'sudo apt-get install -y rabbitmq-server && sudo rabbitmq-server -detached',
      homebrew: 'brew install rabbitmq && brew services start rabbitmq',
    },
  },
};

export function isServiceName(value: string): value is ServiceName {
  return (SERVICE_NAMES as readonly string[]).includes(value);
}

/** The URL set in the environment for a service, if any (empty strings count as unset). */
export function envUrl(name: ServiceName, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env[SERVICES[name].envVar]?.trim();
  return value ? value : undefined;
}
