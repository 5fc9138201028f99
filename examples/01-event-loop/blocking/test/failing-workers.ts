import { parentPort, workerData } from 'node:worker_threads';

// Worker threads that fail the two ways a real one does: `answerFromWorker` must reject for both.
const { failure } = workerData as { failure: 'throws' | 'exits' | 'exits-cleanly' };
if (failure === 'throws') throw new RangeError('the limit must be a safe integer');
// A worker that calls process.exit (or is terminated) sends no message and raises no 'error'.
if (failure === 'exits') process.exit(3);
// Exit code 0 and still no answer: a worker whose code forgot to post one.
if (failure === 'exits-cleanly') process.exit(0);
parentPort?.postMessage('unreachable');
