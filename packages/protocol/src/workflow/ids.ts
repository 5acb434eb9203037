import { z } from 'zod';

/**
 * Project and workflow ids name folders and files (`projects/<project>/<workflow>.json`), so they
 * are restricted to lowercase slugs: no dots, no slashes, nothing a file system treats specially.
 */
export const SLUG_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;
export const Slug = z
  .string()
  .regex(SLUG_PATTERN, { message: 'must be 1-64 characters: lowercase letters, digits, "-" or "_", starting with a letter or digit' });

/** Node ids are referenced from expressions (`nodes.<id>.output`); `nodes["my-node"]` also works. */
export const NODE_ID_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$/;
export const NodeId = z
  .string()
  .regex(NODE_ID_PATTERN, { message: 'must be 1-64 characters: letters, digits, "-" or "_"' });

/** Secret and environment variable names: the usual shell identifier rules. */
export const VAR_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
export const VarName = z
  .string()
  .regex(VAR_NAME_PATTERN, { message: 'must be a letter or "_" followed by letters, digits or "_" (at most 128)' });
