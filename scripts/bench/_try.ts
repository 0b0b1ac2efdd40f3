import { measureRender } from './render.js';
import { measurePipeline, measureDueReads } from './pipeline.js';
console.log(await measureRender());
console.log(await measurePipeline(5000));
console.log(await measureDueReads(10_000, 1000), await measureDueReads(100_000, 1000));
