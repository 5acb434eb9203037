/**
 * Stack frames for the dashboard: the one parser in the protocol package, shared with the hub
 * (which groups errors by the same frames). Imported by subpath, so no schema code is bundled.
 */
export { framesOf, isLibraryPath, parseStack } from '@runtime-hub/protocol/stack';
