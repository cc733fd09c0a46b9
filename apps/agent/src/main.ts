// The host agent arrives with issue #4 (libs/collectors) and the agent protocol issue; until then it
// says so instead of pretending to run.
console.error('watchtower agent: not implemented yet (see issue #4)');
process.exit(1);
