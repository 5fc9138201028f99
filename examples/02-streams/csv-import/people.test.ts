import { describe, expect, it } from 'vitest';
import { checkTableName, parsePerson } from './people.js';

const row = (email: string, name = 'Someone', age = '30') => ({ email, name, age });

describe('parsePerson: a typed person, or the reason naming the field', () => {
  it('trims every field and lower-cases the email', () => {
    expect(parsePerson({ email: ' Ann@Example.COM ', name: ' Ann ', age: ' 42 ' })).toEqual({
      email: 'ann@example.com',
      name: 'Ann',
      age: 42,
    });
  });

  it.each([
    ['a@b.c', true],
    ['first.last@sub.example.org', true],
    ['no-at-sign.example.com', false],
    ['no-dot@example', false],
    ['two@@example.com', false],
    ['@example.com', false],
    ['user@.', false],
    ['user@example.', false],
    ['a b@example.com', false],
    ['a@example.com b', false],
    ['a@exa mple.com', false],
  ])('email %s: valid %s', (email, valid) => {
    const person = parsePerson(row(email));
    if (valid) expect(person).toMatchObject({ email });
    else expect(person).toEqual({ reason: `email: "${email}" is not an email address` });
  });

  it.each([
    ['0', 0],
    ['7', 7],
    ['150', 150],
  ])('age %s is accepted', (age, value) => {
    expect(parsePerson(row('a@b.c', 'A', age))).toMatchObject({ age: value });
  });

  it.each(['151', '999', '1000', '-1', '3.5', 'thirty', '1e2', '12a', 'a12'])('age %s is refused', (age) => {
    expect(parsePerson(row('a@b.c', 'A', age))).toEqual({
      reason: `age: "${age}" is not a whole number from 0 to 150`,
    });
  });

  it('names the missing field, email first', () => {
    expect(parsePerson({ name: 'A', age: '1' })).toEqual({ reason: 'email: missing' });
    expect(parsePerson({ email: '  ', name: 'A', age: '1' })).toEqual({ reason: 'email: missing' });
    expect(parsePerson({ email: 'a@b.c', age: '1' })).toEqual({ reason: 'name: missing' });
    expect(parsePerson({ email: 'a@b.c', name: ' ', age: '1' })).toEqual({ reason: 'name: missing' });
    expect(parsePerson({ email: 'a@b.c', name: 'A' })).toEqual({ reason: 'age: missing' });
    expect(parsePerson({ email: 'a@b.c', name: 'A', age: ' ' })).toEqual({ reason: 'age: missing' });
  });
});

describe('checkTableName: only a plain identifier reaches SQL text', () => {
  it.each(['people', '_staging', 'people_2026', `p${'a'.repeat(62)}`])('%s is accepted', (table) => {
    expect(checkTableName(table)).toBe(table);
  });

  it.each([
    'People',
    '2people',
    'people-old',
    'people; DROP TABLE people',
    ' people',
    'people ',
    '',
    `p${'a'.repeat(63)}`,
  ])('%j is refused', (table) => {
    expect(() => checkTableName(table)).toThrow(`table name must be a plain identifier: ${table}`);
  });
});
