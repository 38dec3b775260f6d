#!/bin/sh
# amqp-consume runs this once per message with the body on stdin: print it as one line.
cat
echo
