// A reader that goes away (`wharf consume … | head`) ends the command quietly, as SIGPIPE ends
// C tools, instead of an EPIPE stack trace.
let stdoutGuarded = false;

export function exitQuietlyWhenStdoutCloses(): void {
  if (stdoutGuarded) return;
  stdoutGuarded = true;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
}
