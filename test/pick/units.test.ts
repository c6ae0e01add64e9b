// The picker's pure parts: ranking, keys, and frames at odd sizes and with hostile names.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { candidate, Matcher, score, terms } from '../../src/pick/fuzzy.js';
import type { Row } from '../../src/pick/rows.js';
import { textWidth } from '../../src/pick/text.js';
import { escapeText } from '../../src/text.js';
import { decodeKeys, initialState, measure, press, render, scroll, type View } from '../../src/pick/ui.js';

const row = (name: string, account = '', role = '', active = false): Row => ({
  ...candidate(name, `${account} ${role}`),
  kind: account ? 'role' : 'static',
  region: 'eu-west-1',
  account,
  role,
  active,
});

const names = (rows: readonly Row[], idx: Int32Array) => Array.from(idx, (i) => rows[i]!.name);

describe('fuzzy matching', () => {
  const rows = [
    row('default'),
    row('acme-prod-admin', '111122223333', 'Admin'),
    row('prod', '111122223333', 'Admin'),
    row('ProdReadOnly', '111122223333', 'ReadOnly'),
    row('p-r-o-d-scattered'),
    row('staging', '444455556666', 'Deployer'),
  ];

  test('case-insensitive, in order, best first: exact and word starts before scattered letters', () => {
    const m = new Matcher(rows);
    assert.deepEqual(names(rows, m.filter('prod')), ['prod', 'ProdReadOnly', 'acme-prod-admin', 'p-r-o-d-scattered']);
    assert.deepEqual(names(rows, m.filter('PROD')), names(rows, m.filter('prod')));
    assert.deepEqual(names(rows, m.filter('dorp')), []);
  });

  test('account ids and roles match too, below names', () => {
    const m = new Matcher(rows);
    assert.deepEqual(names(rows, m.filter('44445')), ['staging']);
    assert.deepEqual(names(rows, m.filter('deploy')), ['staging']);
    // `admin` is in a name and in roles: the name wins.
    assert.equal(names(rows, m.filter('admin'))[0], 'acme-prod-admin');
  });

  test('every word of the query must match', () => {
    const m = new Matcher(rows);
    assert.deepEqual(names(rows, m.filter('prod 2222 readonly')), ['ProdReadOnly']);
    assert.deepEqual(names(rows, m.filter('')), rows.map((r) => r.name));
  });

  test('typing more gives what filtering from scratch gives', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 12 }), { maxLength: 30 }), fc.string({ maxLength: 6 }), (ns, q) => {
        const rs = ns.map((n) => row(n, '123456789012', 'Role'));
        const incremental = new Matcher(rs);
        let got = incremental.filter('');
        for (let i = 1; i <= q.length; i++) got = incremental.filter(q.slice(0, i));
        assert.deepEqual(Array.from(got), Array.from(new Matcher(rs).filter(q)));
      }),
    );
  });

  test('a term that matches nowhere scores null', () => {
    assert.equal(score(row('abc'), terms('x')), null);
    assert.ok(score(row('abc'), terms('ac'))! > 0);
  });
});

describe('keys', () => {
  test('text, arrows in both cursor modes, controls, a lone Escape', () => {
    assert.deepEqual(decodeKeys('ab\x1b[A\x1bOB\x0e\x10\r'), [
      { type: 'text', text: 'ab' },
      { type: 'up' },
      { type: 'down' },
      { type: 'down' },
      { type: 'up' },
      { type: 'enter' },
    ]);
    assert.deepEqual(decodeKeys('\x1b'), [{ type: 'cancel' }]);
    assert.deepEqual(decodeKeys('\x03'), [{ type: 'cancel' }]);
    assert.deepEqual(decodeKeys('\x1b[5~\x1b[6~\x1b[H\x1b[4~\x7f\x15\x17'), [
      { type: 'pageup' },
      { type: 'pagedown' },
      { type: 'first' },
      { type: 'last' },
      { type: 'backspace' },
      { type: 'clear' },
      { type: 'word' },
    ]);
  });

  test('controls and bidi overrides never reach the query', () => {
    assert.deepEqual(decodeKeys('a\u202eb\x9bc\x01'), [{ type: 'text', text: 'abc' }]);
  });
});

describe('frames', () => {
  const rows = Array.from({ length: 30 }, (_, i) => row(i === 3 ? 'evil\u202eexe.\x9b[2J' : `profile-${i}-${'x'.repeat(i)}`, '111122223333', 'SomeLongRoleName', i === 5));
  const strip = (s: string) => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');

  for (const [cols, rowsN] of [
    [40, 10],
    [80, 24],
    [20, 3],
    [12, 2],
  ] as const) {
    test(`${cols}x${rowsN}: no line wider than the terminal, no more lines than it has`, () => {
      const view: View = { cols, rows: rowsN, color: true };
      const m = new Matcher(rows);
      const state = initialState(m, '');
      const columns = measure(rows);
      for (const key of ['last', 'up', 'pageup', 'first'] as const) {
        press(state, { type: key }, m, view);
        scroll(state, view);
        const lines = strip(render(rows, columns, state, view).text).split('\r\n');
        assert.ok(lines.length <= rowsN, `${lines.length} lines`);
        for (const l of lines) assert.ok(textWidth(l) < cols, `${JSON.stringify(l)} is ${textWidth(l)} wide`);
      }
    });
  }

  test('names are escaped; NO_COLOR frames have no color, only bold and reverse', () => {
    const view: View = { cols: 80, rows: 24, color: false };
    const m = new Matcher(rows);
    const state = initialState(m, 'evil');
    const f = render(rows, measure(rows), state, view).text;
    assert.ok(strip(f).includes(escapeText('evil\u202eexe.\x9b[2J')), strip(f));
    assert.ok(!f.includes('\u202e') && !f.includes('\x9b'));
    assert.doesNotMatch(f, /\x1b\[[0-9;]*(3\d|4\d|9\d)m/);
    assert.match(f, /\x1b\[7m/);
    assert.match(f, /\x1b\[1m/);
  });

  test('Enter with nothing matching keeps the list up; Ctrl-D on an empty query cancels', () => {
    const view: View = { cols: 80, rows: 24, color: true };
    const m = new Matcher(rows);
    const state = initialState(m, 'no-such-thing-at-all');
    assert.deepEqual(press(state, { type: 'enter' }, m, view), { done: false });
    assert.deepEqual(press(state, { type: 'eof' }, m, view), { done: false });
    press(state, { type: 'clear' }, m, view);
    assert.deepEqual(press(state, { type: 'eof' }, m, view), { done: true, chosen: null });
  });
});
