/** A hello-world handler: what the published Lambda cold-start figures measure (runtime start, no code). */
export const handler = async () => ({ statusCode: 200, body: 'hello' });
