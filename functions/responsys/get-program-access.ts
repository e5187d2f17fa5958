/** GET /rest/api/v1.3/attributes/programs/{programName} — the organizations that can access the program, in the order last set. */
import { getAccessEndpoint } from '#shared/dialects/responsys/access.ts';

export const handler = getAccessEndpoint('program');
