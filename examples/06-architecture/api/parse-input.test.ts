import Joi from 'joi';
import { describe, expect, it } from 'vitest';
import { newProductSchema, parseInput, registerUserSchema } from '../app/api/schemas.js';
import { ValidationError } from '../app/errors.js';

describe('parseInput: one validator for both frameworks', () => {
  it('reports every failing field, not only the first', () => {
    const attempt = () => parseInput(registerUserSchema, { email: 'not-an-email', password: 'short' }, 'body');
    expect(attempt).toThrow(ValidationError);
    try {
      attempt();
    } catch (error) {
      expect((error as ValidationError).details.map((d) => d.field).sort()).toEqual(['email', 'name', 'password']);
    }
  });

  it('drops the fields it does not know, so a client cannot smuggle in an id or a hash', () => {
    const input = { name: 'Kettle', priceCents: 2599, id: 1, passwordHash: 'x' };
    expect(parseInput(newProductSchema, input, 'body')).toEqual({ name: 'Kettle', priceCents: 2599 });
  });

  it('gives the same answers on a second call, once the options are bound', () => {
    const input = { name: ' Mug ', priceCents: 500 };
    expect(parseInput(newProductSchema, input, 'body')).toEqual(parseInput(newProductSchema, input, 'body'));
    expect(parseInput(newProductSchema, input, 'body')).toEqual({ name: 'Mug', priceCents: 500 });
  });

  it('names a nested field by its dotted path', () => {
    const address = Joi.object({ address: Joi.object({ city: Joi.string().required() }).required() });
    expect(() => parseInput(address, { address: {} }, 'body')).toThrow(
      expect.objectContaining({ details: [{ field: 'address.city', message: '"address.city" is required' }] }),
    );
  });
});
