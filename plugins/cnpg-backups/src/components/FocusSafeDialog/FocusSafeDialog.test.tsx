import type { ComponentType } from 'react';
import { act, fireEvent, render, screen } from '@testing-library/react';
import Button from '@material-ui/core/Button';
import Dialog, { type DialogProps } from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import Radio from '@material-ui/core/Radio';
import {
  createTheme,
  ThemeProvider,
  useTheme,
  type Theme,
} from '@material-ui/core/styles';
import { FocusSafeDialog } from './FocusSafeDialog';

/** An app theme with its own defaults, as Backstage's themes have. */
const lightTheme = createTheme({
  palette: { primary: { main: '#1f5493' } },
  props: { MuiButton: { disableElevation: true } },
});

/**
 * Keyboard-focuses a control of an open dialog and returns how many focus-ripple pulses it
 * shows. The pulse is what crashes MUI v4 under React 18 when the focus lands in the same
 * tick the control mounts (seen in Chromium: Tab pressed right as the dialog opens). That
 * race does not reproduce in jsdom, so this checks the mechanism: no focus ripple at all.
 */
function pulsesOnKeyboardFocus(
  DialogComponent: ComponentType<DialogProps>,
  control: 'button' | 'radio',
): number {
  render(
    <ThemeProvider theme={lightTheme}>
      <DialogComponent open transitionDuration={0}>
        <DialogActions>
          {control === 'button' ? (
            <Button>Cancel</Button>
          ) : (
            <Radio inputProps={{ 'aria-label': 'Cancel' }} />
          )}
          <Button variant="contained">Create backup</Button>
        </DialogActions>
      </DialogComponent>
    </ThemeProvider>,
  );
  const target = screen.getByRole(control, { name: 'Cancel' });
  fireEvent.keyDown(document.body, { key: 'Tab' });
  act(() => target.focus());
  expect(document.activeElement).toBe(target);
  return screen
    .getByRole('dialog')
    .querySelectorAll('[class*="MuiTouchRipple-ripplePulsate"]').length;
}

describe('FocusSafeDialog', () => {
  it.each(['button', 'radio'] as const)(
    'a plain Dialog pulses the focus ripple of a keyboard-focused %s (what the wrapper removes)',
    control => {
      expect(pulsesOnKeyboardFocus(Dialog, control)).toBe(1);
    },
  );

  it.each(['button', 'radio'] as const)(
    'a keyboard-focused %s gets focus without a focus ripple',
    control => {
      expect(pulsesOnKeyboardFocus(FocusSafeDialog, control)).toBe(0);
    },
  );

  it('keeps the outer theme (palette, spacing) for the dialog', () => {
    const seen: Theme[] = [];
    function ReadsTheme() {
      seen.push(useTheme());
      return null;
    }
    render(
      <ThemeProvider theme={lightTheme}>
        <FocusSafeDialog open transitionDuration={0}>
          <ReadsTheme />
        </FocusSafeDialog>
      </ThemeProvider>,
    );
    const inner = seen[seen.length - 1];
    expect(inner.palette).toBe(lightTheme.palette);
    expect(inner.spacing(2)).toBe(lightTheme.spacing(2));
    expect(inner.props?.MuiButton).toEqual({
      disableElevation: true,
      disableFocusRipple: true,
    });
  });
});
