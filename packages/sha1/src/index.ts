export { SHA1_DIGEST_BYTES, Sha1, sha1, sha1Hex } from './sha1.js';
