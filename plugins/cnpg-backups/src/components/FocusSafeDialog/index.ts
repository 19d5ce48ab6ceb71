export { FocusSafeDialog } from './FocusSafeDialog';
