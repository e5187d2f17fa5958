/** Preloaded into a child process (`--import ./bench/peak-rss.ts`): prints its peak RSS on exit, for the bench. */
process.on('exit', () => process.stderr.write(`peak-rss-kb ${process.resourceUsage().maxRSS}\n`));
