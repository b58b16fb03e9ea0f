export { type CloseInfo, decodeClose, encodeClose } from './close.js';
export { CloseCode, isValidCloseCode } from './close-code.js';
export {
  decodeFrames,
  FrameDecoder,
  type FrameDecoderOptions,
  type FrameHandler,
} from './decoder.js';
export {
  type EncodeOptions,
  encodeFrame,
  encodeFrameParts,
  type FrameInit,
  type HeaderFields,
  headerLength,
  writeHeader,
} from './encoder.js';
export { FRAME_ERROR_CLOSE_CODES, FrameError, type FrameErrorKind } from './errors.js';
export type { Frame, FrameHeader } from './frame.js';
export { mask, maskCopy, unmask } from './mask.js';
export { createMaskKeySource, defaultMaskKeySource, type MaskKeySource } from './mask-key.js';
export { isControlOpcode, isKnownOpcode, Opcode } from './opcode.js';
export { isValidUtf8, Utf8Validator, type Utf8ValidatorOptions } from './utf8.js';
