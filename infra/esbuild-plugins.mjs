// esbuild plugins for every Lambda bundle, used by SST (nodejs.plugins) and by
// `npm run bundle` alike, so what we measure is what we deploy.
import { fileURLToPath } from 'node:url';

const shim = fileURLToPath(new URL('../scripts/bundle-shims/mime-types.mjs', import.meta.url));

/** mimetext pulls in mime-types (and 137 KB of mime-db) only to check attachment types; we send none. */
const mimeTypesShim = {
  name: 'mime-types-shim',
  setup(build) {
    build.onResolve({ filter: /^mime-types$/ }, () => ({ path: shim }));
  },
};

const nodemailerShim = fileURLToPath(new URL('../scripts/bundle-shims/nodemailer-mime-types.mjs', import.meta.url));

/** Likewise nodemailer's extension table: only its header encoder is used (functions/core/mime.ts). */
const nodemailerMimeTypesShim = {
  name: 'nodemailer-mime-types-shim',
  setup(build) {
    build.onResolve({ filter: /^\.\/mime-types$/ }, (args) =>
      /nodemailer[\\/]lib[\\/]mime-funcs$/.test(args.resolveDir) ? { path: nodemailerShim } : undefined);
  },
};

export default [mimeTypesShim, nodemailerMimeTypesShim];
