import Dialog, { type DialogProps } from '@material-ui/core/Dialog';
import { ThemeProvider, type Theme } from '@material-ui/core/styles';

/**
 * The outer theme with the keyboard-focus ripple of buttons switched off (the focus-visible
 * styles stay). Module-level so ThemeProvider memoizes one derived theme per outer theme.
 */
function withoutFocusRipple(outer: Theme): Theme {
  const props = outer.props ?? {};
  return {
    ...outer,
    props: {
      ...props,
      MuiButton: { ...props.MuiButton, disableFocusRipple: true },
      MuiIconButton: { ...props.MuiIconButton, disableFocusRipple: true },
    },
  };
}

/**
 * A Material UI Dialog whose buttons, radios and icon buttons survive a keyboard user.
 *
 * Why: MUI v4's ButtonBase pulses its focus ripple from an effect. Under React 18 a focus
 * that lands on a button in the same tick it mounts (Tab pressed right as a dialog opens, so
 * the focus trap moves focus to the first button) renders `focusVisible` before the ripple
 * element exists, and the effect throws "Cannot read properties of null (reading 'pulsate')",
 * which takes down the whole card. Without the focus ripple that effect never runs.
 */
export function FocusSafeDialog(props: DialogProps) {
  return (
    <ThemeProvider theme={withoutFocusRipple}>
      <Dialog {...props} />
    </ThemeProvider>
  );
}
