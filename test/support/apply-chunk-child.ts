/**
 * One ApplyChunk worker invocation in a process of its own (argv[2]: its input as JSON), on the test
 * table the environment names. It SIGKILLs itself as soon as its KILL_AFTER_WRITES-th organization
 * write has returned: a worker that dies between two items, with no chance to record anything more.
 */
import type { MiddlewareStack } from '@smithy/types';

import { handler } from '#functions/tasks/apply-chunk.ts';
import { db } from '#shared/db/client.ts';
import { touchesOrganizationItem } from '#test/support/organization-items.ts';

const killAfter = Number(process.env.KILL_AFTER_WRITES);
let writes = 0;
(db().middlewareStack as MiddlewareStack<object, object>).add(
  (next, context) => async (args) => {
    const result = await next(args);
    const isWrite = /^(Update|TransactWrite|Put|Delete|BatchExecuteStatement)/.test(context.commandName ?? '');
    if (isWrite && touchesOrganizationItem((args as { input?: unknown }).input) && ++writes === killAfter) {
      process.kill(process.pid, 'SIGKILL');
      await new Promise(() => undefined); // never returns: the signal ends the process
    }
    return result;
  },
  { step: 'initialize', name: 'killBetweenItems' },
);

await handler(JSON.parse(process.argv[2]!), {} as never);
