import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { UnitEntry } from '../../server/src/core/formats/systemd/model';
import { parseUnit } from '../../server/src/core/formats/systemd/parser';
import { scanSpecifiers, specifiersInValue, UNIT_SPECIFIERS, unitSpecifier } from '../../server/src/core/formats/systemd/specifiers';
import { underlined } from '../helpers/text';

const entryOf = (text: string, key: string): UnitEntry => {
  const found = parseUnit(text).sections.flatMap((section) => section.entries).find((entry) => entry.key === key);
  assert.ok(found, `no ${key}=`);
  return found;
};

/** Letters and digits systemd-analyze verify 252 accepts after "%" (measured one by one). */
const ACCEPTED_BY_252 = 'abcdfghijlmnopqrstuvwyABCEGHIJLMNPRSTUVWY';

describe('specifiers', () => {
  it('finds the specifiers of a template unit, each underlined in the source', () => {
    const text = readFileSync('test/fixtures/systemd/template@.service', 'utf8');
    const execStart = specifiersInValue(entryOf(text, 'ExecStart'));
    assert.deepEqual(execStart.unknown, []);
    assert.deepEqual(
      execStart.uses.map((use) => [use.text, underlined(text, use.span), use.specifier?.meaning]),
      [
        ['%p', '%p', 'Prefix name'],
        ['%i', '%i', 'Instance name'],
        ['%t', '%t', 'Runtime directory root'],
        ['%p', '%p', 'Prefix name'],
        ['%i', '%i', 'Instance name'],
        ['%%', '%%', 'Single percent sign'],
      ],
    );
    assert.deepEqual(specifiersInValue(entryOf(text, 'Description')).uses.map((use) => use.letter), ['i', 'p', 'N', 'I']);
    assert.deepEqual(specifiersInValue(entryOf(text, 'Environment')).uses.map((use) => use.letter), ['i', 'h']);
  });

  it('reports letters and digits systemd does not know, and leaves other characters alone', () => {
    const text = '[Service]\nExecStart=/bin/echo %z 5%1 100% %- %/ %é %%i %\n';
    const { uses, unknown } = specifiersInValue(entryOf(text, 'ExecStart'));
    assert.deepEqual(unknown.map((use) => underlined(text, use.span)), ['%z', '%1']);
    // "%%i" is a percent sign and an "i"; a "%" before anything else stays as written.
    assert.deepEqual(uses.map((use) => use.text), ['%z', '%1', '%%']);
  });

  it('underlines a specifier on a continuation line', () => {
    const text = '[Service]\nExecStart=/bin/echo \\\n  # comment\n  %i %Q\n';
    const { unknown, uses } = specifiersInValue(entryOf(text, 'ExecStart'));
    assert.deepEqual(uses.map((use) => [underlined(text, use.span), text.slice(0, use.span.start).split('\n').length]), [
      ['%i', 4],
      ['%Q', 4],
    ]);
    assert.deepEqual(unknown.map((use) => use.text), ['%Q']);
  });

  it('knows what each release knows', () => {
    const text = '[Unit]\nDescription=%q on %H, %z\n';
    const entry = entryOf(text, 'Description');
    assert.deepEqual(specifiersInValue(entry, '251').unknown.map((use) => use.text), ['%z']);
    assert.deepEqual(specifiersInValue(entry, '250').unknown.map((use) => use.text), ['%q', '%z']);
    // Before 236 systemd kept unknown specifiers as text.
    assert.deepEqual(specifiersInValue(entry, '235').unknown, []);
    assert.equal(unitSpecifier('q', '250'), undefined);
    assert.equal(unitSpecifier('q', '252')?.since, '251');
    assert.equal(unitSpecifier('i', '200')?.meaning, 'Instance name');
  });

  it('has one entry per letter, exactly the ones systemd 252 accepts', () => {
    const letters = UNIT_SPECIFIERS.map((specifier) => specifier.letter);
    assert.equal(new Set(letters).size, letters.length);
    assert.deepEqual(letters.filter((letter) => letter !== '%').sort(), [...ACCEPTED_BY_252].sort());
    assert.deepEqual(UNIT_SPECIFIERS.filter((specifier) => specifier.deprecated).map((specifier) => specifier.letter), ['c', 'r', 'R']);
    for (const specifier of UNIT_SPECIFIERS) if (specifier.since) assert.match(specifier.since, /^\d{3}$/);
  });

  it('scans plain strings by offset', () => {
    assert.deepEqual(scanSpecifiers('a%ib%%c%'), [
      { offset: 1, letter: 'i' },
      { offset: 4, letter: '%' },
    ]);
    assert.deepEqual(scanSpecifiers(''), []);
  });
});
