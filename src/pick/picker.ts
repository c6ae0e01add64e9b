// awsp's own picker: draws the list on the terminal and answers keys until one is chosen.
import { Matcher, warmUpSteps } from './fuzzy.js';
import type { Row } from './rows.js';
import { openTerminal } from './terminal.js';
import { decodeKeys, initialState, measure, press, render, scroll, type View } from './ui.js';

/**
 * The chosen row, or null when the user cancelled. `first` is drawn at once; `full`, when
 * given, is called right after that first frame and replaces it (the names cache first, then
 * the parsed files).
 */
export function pickInTerminal(first: readonly Row[], query: string, color: boolean, full?: () => readonly Row[]): Promise<Row | null> {
  const term = openTerminal();
  try {
    let rows = first;
    let matcher = new Matcher(rows);
    let columns = measure(rows);
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
      const fail = (e: unknown) => {
        term.close();
        reject(e);
      };
      // After the first frame is out: the full rows, then V8 warmed up for the first key, a
      // step at a time so that a key typed meanwhile waits for one step at most.
      let typed = false;
      setImmediate(() => {
        try {
          if (full) {
            rows = full();
            matcher = new Matcher(rows);
            columns = measure(rows);
            state.matches = matcher.filter(state.query);
            state.selected = Math.min(state.selected, Math.max(0, state.matches.length - 1));
            draw(true);
          }
        } catch (e) {
          fail(e);
          return;
        }
        const steps = warmUpSteps(rows);
        const next = () => {
          if (typed || steps.length === 0) return;
          steps.shift()!();
          setImmediate(next);
        };
        next();
      });
      const onResize = () => {
        v = view();
        draw(true);
      };
      const onInput = (text: string) => {
        typed = true;
        try {
          for (const key of decodeKeys(text)) {
            const outcome = press(state, key, matcher, v);
            if (outcome.done) {
              term.close();
              resolve(outcome.chosen === null ? null : rows[outcome.chosen]!);
              return;
            }
            if (key.type === 'redraw') v = view();
          }
          draw(text === '\x0c');
        } catch (e) {
          fail(e);
        }
      };
      term.start(onInput, onResize);
    });
  } catch (e) {
    term.close();
    throw e;
  }
}
