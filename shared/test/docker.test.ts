import { describe, expect, it } from 'vitest';
import { dockerAvailable, dockerTarget } from '../src/docker.js';

describe('docker detection', () => {
  it('reads DOCKER_HOST as a unix socket or a tcp address', () => {
    expect(dockerTarget({ DOCKER_HOST: 'unix:///run/user/1000/docker.sock' })).toEqual({
      socketPath: '/run/user/1000/docker.sock',
    });
    expect(dockerTarget({ DOCKER_HOST: 'tcp://10.0.0.5:2376' })).toEqual({ host: '10.0.0.5', port: 2376 });
  });

  it('answers false when nothing answers at DOCKER_HOST', async () => {
    expect(await dockerAvailable({ DOCKER_HOST: 'unix:///nonexistent/docker.sock' }, 300)).toBe(false);
    expect(await dockerAvailable({ DOCKER_HOST: 'tcp://127.0.0.1:1' }, 300)).toBe(false);
  });
});
