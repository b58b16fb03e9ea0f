export { FRAME_ERROR_CLOSE_CODES, FrameError, type FrameErrorKind } from './errors.js';
export type { Frame, FrameHeader } from './frame.js';
export { isControlOpcode, isKnownOpcode, Opcode } from './opcode.js';
