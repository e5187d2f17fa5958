/**
 * Preloaded into a child process (`--import ./bench/peak-rss.ts`): prints its peak RSS on exit and,
 * when run with --expose-gc, the heap still in use after a full collection (what the process retains).
 */
process.on('exit', () => {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  process.stderr.write(
    `peak-rss-kb ${process.resourceUsage().maxRSS} retained-heap-kb ${gc ? Math.round(process.memoryUsage().heapUsed / 1024) : -1}\n`,
  );
});
