/**
 * Checks an AWS Signature Version 4 the way AWS does, written here from the specification with node:crypto
 * (not with the SDK's signer, which is what the code under test signs with): the canonical request from the
 * method, path, query, the signed headers and the body's hash, the string to sign over the credential scope,
 * and the HMAC chain from the secret key. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
 */
import { createHash, createHmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export interface SignedRequest {
  method: string;
  /** Path and query as received. */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface SignatureCheck {
  valid: boolean;
  accessKeyId?: string;
  date?: string;
  region?: string;
  service?: string;
  signedHeaders?: string[];
  problem?: string;
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
const encode = (value: string) => encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export function checkSignature(request: SignedRequest, secretAccessKey: string): SignatureCheck {
  const authorization = String(request.headers.authorization ?? '');
  const match =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
      authorization,
    );
  if (!match) return { valid: false, problem: `not a SigV4 Authorization header: ${authorization}` };
  const [, accessKeyId, date, region, service, signedHeaderList, signature] = match as unknown as string[];
  const signedHeaders = signedHeaderList!.split(';');
  const amzDate = String(request.headers['x-amz-date'] ?? '');
  if (!amzDate.startsWith(date!)) return { valid: false, problem: `X-Amz-Date ${amzDate} is not of the scope's day ${date}` };
  for (const required of ['host', 'x-amz-date'])
    if (!signedHeaders.includes(required)) return { valid: false, problem: `${required} is not signed` };

  const [path, query = ''] = request.url.split('?') as [string, string?];
  const canonicalQuery = query
    .split('&')
    .filter(Boolean)
    .map((pair) => pair.split('=').map((part) => encode(decodeURIComponent(part ?? ''))) as [string, string?])
    .sort(([a, x = ''], [b, y = '']) => (a === b ? (x < y ? -1 : 1) : a < b ? -1 : 1))
    .map(([key, value = '']) => `${key}=${value}`)
    .join('&');
  const canonicalPath = path
    .split('/')
    .map((segment) => encode(decodeURIComponent(segment)))
    .join('/');
  const canonicalHeaders = signedHeaders
    .map((name) => {
      const value = request.headers[name];
      return `${name}:${(Array.isArray(value) ? value.join(',') : String(value ?? '')).trim().replace(/\s+/g, ' ')}\n`;
    })
    .join('');
  // The hash of the body as it arrived; a declared X-Amz-Content-Sha256 must be that hash (as AWS checks it).
  const payloadHash = sha256(request.body);
  const declared = request.headers['x-amz-content-sha256'];
  if (declared !== undefined && declared !== payloadHash)
    return { valid: false, problem: 'X-Amz-Content-Sha256 is not the hash of the body' };
  const canonicalRequest = [request.method, canonicalPath, canonicalQuery, canonicalHeaders, signedHeaderList, payloadHash].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  // kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")
  const key = [date!, region!, service!, 'aws4_request'].reduce<string | Buffer>((k, part) => hmac(k, part), `AWS4${secretAccessKey}`);
  const expected = createHmac('sha256', key).update(stringToSign).digest('hex');
  const result = { accessKeyId, date, region, service, signedHeaders };
  return expected === signature ? { valid: true, ...result } : { valid: false, ...result, problem: 'signature does not match' };
}
