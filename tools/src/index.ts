/**
 * The tools workspace's entry point: the seeded postings generator, for the
 * tests of other packages that need generated data. The benchmarks are
 * programs (bench/*.js), not API.
 */
export {
  generatePostings,
  generatePostingsText,
  postingsStream,
  writePostings,
  writePostingsFile,
  GENERATE_DEFAULTS,
  CATEGORIES,
  CATEGORY_NAMES,
} from './generator/generate-postings';
export type { GenerateOptions, GenerationManifest, PostingsStream } from './generator/generate-postings';
