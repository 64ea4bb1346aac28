import type * as Yaml from 'yaml';
import { lazily } from '../../util/lazily';

/** The yaml parser (0.1 MB), required on the first alerts file read, not at activation. */
export const yaml = lazily("the yaml parser (dist/yaml.js in the extension's build)", () => require('yaml') as typeof Yaml);
