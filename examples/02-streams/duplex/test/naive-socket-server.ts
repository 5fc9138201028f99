// Child process for socket-server.test.ts: the .pipe() version of the server, on a free port.
import type { AddressInfo } from 'node:net';
import { uppercase } from '../../transform/transform.js';
import { naiveSocketServer } from '../socket-server.js';

const server = naiveSocketServer(uppercase);
// A plain write, not console.log, which colours numbers when FORCE_COLOR is set.
server.listen(0, '127.0.0.1', () => process.stdout.write(`${(server.address() as AddressInfo).port}\n`));
