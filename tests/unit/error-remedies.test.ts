/** Services name a remedy without HTTP details; the HTTP edge words it (issue #14). */
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors.ts';
import { installErrorHandler } from '../../server/http/error-handler.ts';

describe('error remedies', () => {
  it('the HTTP edge adds the query parameter or body field to the neutral message', async () => {
    const app = Fastify();
    installErrorHandler(app);
    app.get('/confirm', async () => {
      throw new AppError('CONFIRMATION_REQUIRED', 'Finalising now needs confirmation.', 'confirm');
    });
    app.get('/title', async () => {
      throw new AppError('IMPORT_INVALID', 'Session 1 has neither an id nor a title.', 'session-id-or-title');
    });
    app.get('/plain', async () => {
      throw new AppError('FORBIDDEN', 'No.');
    });
    const confirm = await app.inject('/confirm');
    expect(confirm.statusCode).toBe(409);
    expect(confirm.json()).toEqual({ error: { code: 'CONFIRMATION_REQUIRED', message: 'Finalising now needs confirmation. Send {"confirm": true} to go ahead anyway.' } });
    expect((await app.inject('/title')).json().error.message).toBe('Session 1 has neither an id nor a title. Pass ?title= or ?sessionId=.');
    expect((await app.inject('/plain')).json().error.message).toBe('No.');
    await app.close();
  });

  it('service messages themselves name no HTTP detail', () => {
    const error = new AppError('CONFIRMATION_REQUIRED', 'Finalising now needs confirmation.', 'confirm');
    expect(error.message).not.toMatch(/\?|\{"|POST|GET/);
    expect(error.remedy).toBe('confirm');
  });
});
