export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  debug(message: string): void;
  child(prefix: string): Logger;
}

/** Plain stderr logging; debug lines only with --verbose. */
export function createLogger(verbose = false, prefix = ''): Logger {
  const write = (level: string, message: string) => process.stderr.write(`${new Date().toISOString()} ${level} ${prefix}${message}\n`);
  return {
    info: (message) => write('INFO', message),
    warn: (message) => write('WARN', message),
    debug: (message) => verbose && write('DEBUG', message),
    child: (sub) => createLogger(verbose, `${prefix}${sub} `),
  };
}

export const silentLogger: Logger = { info() {}, warn() {}, debug() {}, child: () => silentLogger };
