// awsp's own picker: draws the list on the terminal and answers keys until one is chosen.
import { Matcher } from './fuzzy.js';
import type { Row } from './rows.js';
import { openTerminal } from './terminal.js';
import { decodeKeys, initialState, measure, press, render, scroll, type View } from './ui.js';

/** The index of the chosen row, or null when the user cancelled. */
export function pickInTerminal(rows: readonly Row[], query: string, color: boolean): Promise<number | null> {
  const term = openTerminal();
  try {
    const matcher = new Matcher(rows);
    const columns = measure(rows);
    const state = initialState(matcher, query);
    const view = (): View => ({ ...term.size(), color });
    let v = view();
    const draw = (clear = false) => {
      scroll(state, v);
      const f = render(rows, columns, state, v);
      // Cursor hidden while drawing, then shown at the end of the query.
      term.write(`\x1b[?25l${clear ? '\x1b[2J' : ''}${f.text}\x1b[1;${f.cursorCol}H\x1b[?25h`);
    };
    draw();
    return new Promise((resolve, reject) => {
      term.onResize(() => {
        v = view();
        draw(true);
      });
      term.onInput((text) => {
        try {
          for (const key of decodeKeys(text)) {
            const outcome = press(state, key, matcher, v);
            if (outcome.done) {
              term.close();
              resolve(outcome.chosen);
              return;
            }
            if (key.type === 'redraw') v = view();
          }
          draw(text === '\x0c');
        } catch (e) {
          term.close();
          reject(e);
        }
      });
    });
  } catch (e) {
    term.close();
    throw e;
  }
}
