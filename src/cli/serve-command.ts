// `wharf serve`: runs a broker in the foreground until SIGINT/SIGTERM.
import { Command, Option } from 'commander';
import { CONFIG_KEYS, type WharfConfig } from '../config/config-keys.js';
import { loadConfig } from '../config/load-config.js';
import { createLogger } from '../observability/logger.js';
import { startServer } from '../server.js';

function camel(flag: string): string {
  return flag.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
}

export function registerServe(program: Command): void {
  const serve = program
    .command('serve')
    .description('run a broker in the foreground (stop it with Ctrl-C or SIGTERM: it flushes, closes its files and exits 0)')
    .option('-c, --config <file>', 'JSON config file whose keys are the setting names below, e.g. {"dataDir": "/var/lib/wharf"}');
  for (const key of CONFIG_KEYS) {
    const text = `${key.description} [env ${key.env}, config key ${key.key}, default ${String(key.defaultValue)}]`;
    serve.addOption(new Option(`--${key.flag} <value>`, text));
  }
  serve.action(async (opts: Record<string, string | undefined>) => {
    const flags: Partial<Record<keyof WharfConfig, unknown>> = {};
    for (const key of CONFIG_KEYS) {
      const v = opts[camel(key.flag)];
      if (v !== undefined) flags[key.key] = v;
    }
    const config = loadConfig({ flags, env: process.env, configFile: opts.config });
    const logger = createLogger({ level: config.logLevel, format: config.logFormat });
    const server = await startServer(config, logger);
    // Listeners keep the event loop alive once protocols run; until then (and with every listener
    // off) this timer keeps the broker up until a signal arrives.
    const keepAlive = setInterval(() => undefined, 0x7fff_ffff);
    await new Promise<void>((resolveStop) => {
      let stopping = false;
      const stop = (signal: string): void => {
        if (stopping) {
          logger.warn({ signal }, 'second signal while stopping: exiting now without a clean shutdown');
          process.exit(130);
        }
        stopping = true;
        clearInterval(keepAlive);
        logger.info({ signal }, 'stopping: flushing logs and closing files');
        server.stop().then(
          () => {
            logger.info('stopped cleanly');
            resolveStop();
          },
          (err: unknown) => {
            logger.error({ err }, 'error while stopping');
            process.exitCode = 1;
            resolveStop();
          },
        );
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
    });
  });
}
