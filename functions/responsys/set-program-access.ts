/** POST /rest/api/v1.3/attributes/programs/{programName} — replace the organizations that can access the program. */
import { setAccessEndpoint } from '#shared/dialects/responsys/access.ts';

export const handler = setAccessEndpoint('program');
