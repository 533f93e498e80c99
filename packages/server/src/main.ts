// Entry point for `npm start`: the same as `releasegate serve`.
process.argv.splice(2, process.argv.length - 2, 'serve');
await import('./cli/main');
export {};
