// The generator's version, written into every script header. Kept in step with package.json by a test.
export const VERSION = '0.1.0';
