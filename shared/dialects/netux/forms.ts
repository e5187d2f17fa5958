/**
 * Netux forms: the create and update pages let clients send the organization's fields as form-data
 * (or urlencoded) instead of JSON.
 */
import { type Issue, validationError } from '#shared/errors.ts';
import { formParser } from '#shared/http/forms.ts';
import type { FormBody } from '#shared/http/handler.ts';

import { netux } from './dialect.ts';
import { organizationFields } from './schemas.ts';

/** Django REST framework's spellings of a boolean form field. */
const TRUE_TEXT = new Set(['t', 'y', 'yes', 'true', 'on', '1']);
const FALSE_TEXT = new Set(['f', 'n', 'no', 'false', 'off', '0']);
const NULLABLE = new Set(['favicon', 'logo', 'app']);

/**
 * A form's fields (urlencoded, or multipart as the create and update pages allow) as an organization
 * body: the last value of a repeated field counts, `properties` is JSON text, `isActive` a boolean
 * spelled as the vendor's framework reads it, and an empty `favicon`, `logo` or `app` is null. A file
 * (`-F 'logo=@logo.png'`) is refused with a field error: images are given as URLs here (no file store).
 * Other values go to the schema as they are, which answers their 400001.
 */
function organizationFromForm(fields: Record<string, unknown>): Record<string, unknown> {
  const body: Record<string, unknown> = Object.create(null);
  const issues: Issue[] = [];
  for (const [field, raw] of Object.entries(fields)) {
    const value: unknown = Array.isArray(raw) ? raw.at(-1) : raw;
    if (value !== null && typeof value === 'object') {
      if (Object.hasOwn(organizationFields.shape, field)) {
        issues.push({ path: [field], message: 'Give this field as text (an image as its URL): uploaded files are not stored.' });
      }
      continue;
    }
    if (field === 'properties' && typeof value === 'string') {
      try {
        body[field] = JSON.parse(value);
      } catch {
        issues.push({ path: [field], message: 'Value must be valid JSON.' });
      }
    } else if (
      field === 'isActive' &&
      typeof value === 'string' &&
      (TRUE_TEXT.has(value.toLowerCase()) || FALSE_TEXT.has(value.toLowerCase()))
    ) {
      body[field] = TRUE_TEXT.has(value.toLowerCase());
    } else {
      body[field] = NULLABLE.has(field) && value === '' ? null : value;
    }
  }
  if (issues.length > 0) throw validationError('body', issues);
  return body;
}

/** The organization body of a form (create, PATCH, PUT), parsed within the dialect's body limit. */
export const organizationForm: FormBody = { parser: formParser(netux.maxBodyBytes), fromForm: organizationFromForm };
