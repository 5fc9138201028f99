// A process that leaves a rejection unhandled and would otherwise run for ever: how Sentry's
// onUnhandledRejection mode decides whether it ends, as Node's own default would.
setInterval(() => {}, 1_000);
setTimeout(() => void Promise.reject(new Error('nobody awaited this')), 0);
