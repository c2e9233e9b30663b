// CLI process entry: replaced by the command dispatcher.
process.stdout.write('snapshot-studio\n')
