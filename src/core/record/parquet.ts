import type * as Hyparquet from 'hyparquet';
import type * as HyparquetWriter from 'hyparquet-writer';
import { lazily } from '../util/lazily';

// Parquet's reader and writer (0.12 MB), required on a recording's first read or write, not at activation.
export const hyparquet = lazily("the Parquet reader (dist/hyparquet.js in the extension's build)", () => require('hyparquet') as typeof Hyparquet);
export const hyparquetWriter = lazily("the Parquet writer (dist/hyparquet-writer.js in the extension's build)", () => require('hyparquet-writer') as typeof HyparquetWriter);
