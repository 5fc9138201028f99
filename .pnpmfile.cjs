// pnpm loads this file before it resolves anything, so an unsupported Node is turned away with one
// line naming the Node to use, instead of the first dependency's engine error. Plain CommonJS, because
// it must run on the old Node it is there to refuse.
const { engines } = require('./package.json');

const [major, minor] = process.versions.node.split('.').map(Number);
const supported = (major === 22 && minor >= 22) || major === 24 || major >= 26;
if (!supported) {
  throw new Error(`Node ${process.version} is not supported: use Node 24 (.nvmrc), or any of ${engines.node}.`);
}

module.exports = { hooks: {} };
