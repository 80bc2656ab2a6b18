import type { FastifyInstance } from 'fastify';
import { invalid } from '../../domain/errors.js';
import { decodePairsText, decodeUtf8 } from '../../lib/text.js';

export const INVALID_FORM_TEXT =
  'This form holds text that is not valid Unicode (Belfry takes UTF-8 without NUL characters)';

/**
 * Parses posted HTML forms into their fields for the routes of `app`, refusing (as a form
 * error, InvalidInput) a body whose bytes or percent-escapes are not valid text, rather than
 * decoding them into U+FFFD as URLSearchParams would. Browsers never send such forms; scripts may.
 */
export function acceptForms(app: FastifyInstance): void {
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'buffer', bodyLimit: 16 * 1024 },
    (_request, body, done) => {
      const text = decodeUtf8(body as Buffer);
      const fields = text === undefined ? undefined : decodePairsText(text);
      if (fields === undefined) done(invalid(INVALID_FORM_TEXT), undefined);
      else done(null, Object.fromEntries(fields));
    },
  );
}
