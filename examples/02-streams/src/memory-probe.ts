// Run as a child process: `node --import tsx memory-probe.ts <naive|stream> <file>`.
// Prints one JSON line: how far this process's peak RSS rose above its RSS before the read.
import { naiveScanFile, scanFile } from './read-file.js';

const [mode, file] = process.argv.slice(2);
if ((mode !== 'naive' && mode !== 'stream') || !file) {
  console.error('usage: memory-probe.ts <naive|stream> <file>');
  process.exit(2);
}

const baselineRss = process.memoryUsage().rss;
const peakBefore = process.resourceUsage().maxRSS * 1024;
const scan = mode === 'naive' ? naiveScanFile(file) : await scanFile(file);
// maxRSS is the kernel's high-water mark, so it also sees the peak inside a blocking readFileSync.
const peakRss = process.resourceUsage().maxRSS * 1024;
console.log(JSON.stringify({ mode, scan, baselineRss, peakBefore, peakRss, growth: peakRss - baselineRss }));
