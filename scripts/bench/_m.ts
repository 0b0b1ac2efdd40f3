import { measureLocal } from './local.js';
console.log(await measureLocal(500));
