// The `wharf` command. Subcommands live in their own files; this one wires them to commander.
import { Command, CommanderError } from 'commander';
import { isWharfError } from '../util/wharf-error.js';
import { registerServe } from './serve-command.js';
import { registerTopics } from './topics-command.js';
import { registerProduce } from './produce-command.js';
import { registerConsume } from './consume-command.js';
import { registerGroups } from './groups-command.js';
import { registerQueues } from './queues-command.js';
import { registerExchanges } from './exchanges-command.js';
import { registerBindings } from './bindings-command.js';
import { registerPublish } from './publish-command.js';
import { registerGet } from './get-command.js';
import { packageVersion } from '../util/package-version.js';

export function buildProgram(): Command {
  const program = new Command('wharf')
    .description('Wharf: one broker for streams and queues (Kafka protocol, AMQP 0-9-1, HTTP/WebSocket) on one durable log')
    .version(packageVersion(), '-V, --version', 'print the Wharf version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerServe(program);
  registerTopics(program);
  registerProduce(program);
  registerConsume(program);
  registerGroups(program);
  registerQueues(program);
  registerExchanges(program);
  registerBindings(program);
  registerPublish(program);
  registerGet(program);
  program.addHelpText('after', '\nExamples:\n  wharf serve                         start a broker with the defaults (data in ./data)\n  wharf serve --data-dir /var/lib/wharf --kafka-port 19092\n  wharf serve --config wharf.json     settings from a JSON file (flags and WHARF_* variables win)\n'
    + '  wharf topics create orders --partitions 3\n'
    + '  echo \'user-1:hello\' | wharf produce orders --key-separator :\n'
    + '  wharf consume orders --from beginning\n'
    + '  wharf consume orders --group billing       read as a member of consumer group billing\n'
    + '  wharf groups describe billing              members, committed offsets and lag\n'
    + '  wharf queues declare orders --durable      an AMQP queue\n'
    + '  wharf publish --routing-key orders --body hello\n'
    + '  wharf get orders --ack                     take the message\n'
    + '  (Kafka commands take --bootstrap HOST:PORT or WHARF_BOOTSTRAP, default localhost:9092;\n'
    + '   AMQP commands take --url amqp://USER:PASSWORD@HOST:PORT/VHOST or WHARF_AMQP_URL,\n'
    + '   default amqp://guest:guest@localhost:5672/; see docs/cli.md)\n');
  return program;
}

/** Runs the command line; resolves to the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with exit code 0; usage errors were already printed.
      return err.exitCode;
    }
    if (isWharfError(err)) {
      process.stderr.write(`wharf: ${err.message} [${err.code}]\n`);
      return 1;
    }
    throw err;
  }
}
